"""Held-out evaluation through Rasa's HTTP API (`POST /model/parse`), per language.

`python -m tests.evaluate` prints accuracy, macro-F1, response-selector accuracy and the costliest
confusions for en / ur / roman, then the realistic set (`tests/nlu_realistic/`) by kind: fraud and risk
scenarios (right if the fraud topic is predicted or `bot.safety.needs_safety_note` is true, i.e. the user
gets the safety guidance), long messages with context, out-of-scope requests and plain fact questions.
`--write FILE` also stores them as JSON. The pytest checks (tests/test_heldout.py) use the same functions.
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

from bot.safety import needs_safety_note
from tests.rasa_server import rasa_server

HELDOUT_DIR = Path(__file__).resolve().parent / "nlu_heldout"
REALISTIC_DIR = Path(__file__).resolve().parent / "nlu_realistic"
LANGUAGES = ("en", "ur", "roman")
KINDS = ("fraud", "long", "out_of_scope", "fact")
# Targets of issue #15 for the realistic set, per language ("overall" is every kind together).
REALISTIC_TARGETS = {"fraud": 0.95, "long": 0.85, "out_of_scope": 0.90, "overall": 0.90}


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


@dataclass(frozen=True)
class RealisticExample:
    """One message of the realistic set: its text, the expected label and what kind of message it is."""

    text: str
    label: str
    kind: str


@dataclass(frozen=True)
class KindReport:
    """How many messages of one kind (or "overall") were answered right, in one language."""

    language: str
    kind: str
    examples: int
    correct: int
    misses: list[tuple[str, str, str]]

    @property
    def rate(self) -> float:
        """Share answered right."""
        return self.correct / self.examples if self.examples else 0.0


def load_realistic(language: str) -> list[RealisticExample]:
    """The realistic messages of `language`."""
    data = yaml.safe_load((REALISTIC_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    examples = [RealisticExample(str(e["text"]), str(e["label"]), str(e["kind"])) for e in data["examples"]]
    unknown = {e.kind for e in examples} - set(KINDS)
    if unknown:
        raise ValueError(f"{language}: unknown kinds {unknown}")
    return examples


def realistic_right(example: RealisticExample, label: str) -> bool:
    """A risk scenario is right when the user gets the safety guidance; any other message by its label."""
    if example.kind == "fraud":
        return label == "faq/fraud" or needs_safety_note(example.text)
    return label == example.label


def evaluate_realistic(client: httpx.Client, language: str) -> list[KindReport]:
    """Parse the realistic messages of `language`; one report per kind, then "overall"."""
    results: list[tuple[RealisticExample, str, bool]] = []
    for example in load_realistic(language):
        response = client.post("/model/parse", json={"text": example.text})
        response.raise_for_status()
        label = predicted_label(response.json())
        results.append((example, label, realistic_right(example, label)))
    reports = []
    for kind in (*KINDS, "overall"):
        chosen = [r for r in results if kind in ("overall", r[0].kind)]
        reports.append(
            KindReport(
                language=language,
                kind=kind,
                examples=len(chosen),
                correct=sum(ok for _, _, ok in chosen),
                misses=[(e.label, label, e.text[:80]) for e, label, ok in chosen if not ok and kind != "overall"],
            )
        )
    return reports


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


def evaluate_realistic_all(url: str) -> list[KindReport]:
    """Realistic-set reports for every language, against a running server."""
    with httpx.Client(base_url=url, timeout=30) as client:
        return [report for language in LANGUAGES for report in evaluate_realistic(client, language)]


def format_realistic(reports: list[KindReport]) -> str:
    """A Markdown table: share right per kind (rows) and language (columns), with the targets."""
    by_key = {(r.language, r.kind): r for r in reports}
    lines = [
        "| kind | target | " + " | ".join(LANGUAGES) + " |",
        "|---|---|" + "---|" * len(LANGUAGES),
    ]
    for kind in (*KINDS, "overall"):
        target = REALISTIC_TARGETS.get(kind)
        cells = []
        for language in LANGUAGES:
            r = by_key.get((language, kind))
            cells.append(f"{r.rate:.2f} ({r.correct}/{r.examples})" if r else "–")
        lines.append(f"| {kind} | {f'≥ {target:.2f}' if target else '–'} | " + " | ".join(cells) + " |")
    for r in reports:
        for expected, got, text in r.misses:
            lines.append(f"\n{r.language} {r.kind}: expected {expected}, got {got}: {text}")
    return "\n".join(lines)


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
        realistic = evaluate_realistic_all(args.url)
    else:
        with rasa_server() as url:
            reports = evaluate(url)
            realistic = evaluate_realistic_all(url)
    print(format_table(reports))
    print("\nRealistic set (tests/nlu_realistic), share answered right by kind:\n")
    print(format_realistic(realistic))
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "heldout": [asdict(r) for r in reports],
            "realistic": [{**asdict(r), "rate": round(r.rate, 4)} for r in realistic],
        }
        args.write.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
