"""Held-out evaluation through Rasa's HTTP API (`POST /model/parse`), per language.

`python -m tests.evaluate` prints accuracy, macro-F1, response-selector accuracy and the costliest
confusions for en / ur / roman; `--write FILE` also stores them as JSON. The pytest floor check
(tests/test_heldout.py) uses the same functions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.rasa_server import rasa_server

HELDOUT_DIR = Path(__file__).resolve().parent / "nlu_heldout"
LANGUAGES = ("en", "ur", "roman")


@dataclass(frozen=True)
class LanguageReport:
    """Scores of one language's held-out set."""

    language: str
    examples: int
    accuracy: float
    macro_f1: float
    response_selector_accuracy: float
    confusions: list[tuple[str, str, int]]


def load_examples(language: str) -> list[tuple[str, str]]:
    """(text, expected label) pairs of a held-out file."""
    data = yaml.safe_load((HELDOUT_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    pairs: list[tuple[str, str]] = []
    for block in data["nlu"]:
        for line in str(block["examples"]).splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), str(block["intent"])))
    return pairs


def predicted_label(parse: dict[str, Any]) -> str:
    """The label of a parse result: `faq/<topic>` for the retrieval intent, else the intent name."""
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent == "faq":
        key = (((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}).get(
            "intent_response_key"
        )
        return str(key or "faq")
    return str(intent)


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Unweighted mean F1 over the labels that occur in `gold`."""
    scores = []
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def evaluate_language(client: httpx.Client, language: str) -> LanguageReport:
    """Parse every held-out message of `language` and score the labels."""
    pairs = load_examples(language)
    gold: list[str] = []
    predicted: list[str] = []
    selector_hits = selector_total = 0
    for text, expected in pairs:
        response = client.post("/model/parse", json={"text": text})
        response.raise_for_status()
        parse = response.json()
        label = predicted_label(parse)
        gold.append(expected)
        predicted.append(label)
        if expected.startswith("faq/"):
            selector_total += 1
            selected = predicted_label({**parse, "intent": {"name": "faq"}})
            selector_hits += selected == expected
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return LanguageReport(
        language=language,
        examples=len(pairs),
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(pairs),
        macro_f1=macro_f1(gold, predicted),
        response_selector_accuracy=selector_hits / selector_total if selector_total else 0.0,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(8)],
    )


def evaluate(url: str) -> list[LanguageReport]:
    """Reports for every language, against a running server."""
    with httpx.Client(base_url=url, timeout=30) as client:
        return [evaluate_language(client, language) for language in LANGUAGES]


def format_table(reports: list[LanguageReport]) -> str:
    """A Markdown table of the scores."""
    lines = ["| language | examples | accuracy | macro-F1 | response selector (FAQ) |", "|---|---|---|---|---|"]
    lines += [
        f"| {r.language} | {r.examples} | {r.accuracy:.3f} | {r.macro_f1:.3f} | {r.response_selector_accuracy:.3f} |"
        for r in reports
    ]
    for r in reports:
        if r.confusions:
            pairs = "; ".join(f"{g} → {p} ×{n}" for g, p, n in r.confusions[:5])
            lines.append(f"\n{r.language} costliest confusions: {pairs}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation against a fresh server (or --url) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="an already running Rasa server")
    parser.add_argument("--write", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.url:
        reports = evaluate(args.url)
    else:
        with rasa_server() as url:
            reports = evaluate(url)
    print(format_table(reports))
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(json.dumps([asdict(r) for r in reports], indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
