"""Content rules that keep answers safe and traceable, and training data that is broad enough."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import PROJECT_ROOT
from rasa_ext.normalization import normalize
from tests.evaluate import LANGUAGES as HELDOUT_LANGUAGES
from tests.evaluate import load_examples, load_realistic

FAQ_TOPICS = [
    "routes",
    "ssw",
    "ssw_fields",
    "it_jobs",
    "hsp",
    "titp",
    "language_requirement",
    "language_tests",
    "skills_test",
    "learn_japanese",
    "eligibility",
    "documents",
    "protector",
    "coe_visa",
    "costs",
    "fraud",
    "oec",
    "agreements",
    "salary",
    "family",
    "stay_duration",
    "life_in_japan",
    "pakistanis_in_japan",
    "it_demand",
]
INTENTS = [
    "greet",
    "goodbye",
    "thanks",
    "help",
    "bot_challenge",
    "switch_language",
    "human_handoff",
    "register_interest",
    "job_openings",
    "affirm",
    "deny",
    "out_of_scope",
]
MONEY_TOPICS = ("costs", "fraud", "protector", "salary", "coe_visa", "language_tests", "skills_test")
FACT_ID = re.compile(r"^[A-Z]\d{1,2}\.\d{1,2}$")
PROMISES = re.compile(r"\b(you will get|guaranteed job|100 ?% visa|sure visa)\b", re.IGNORECASE)


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def all_responses() -> dict[str, list[dict[str, Any]]]:
    responses = dict(load(PROJECT_ROOT / "domain.yml")["responses"])
    for path in sorted((PROJECT_ROOT / "responses").rglob("*.yml")):
        responses.update(load(path)["responses"])
    return responses


def training_examples() -> dict[str, Counter[str]]:
    """label -> count of examples per language."""
    counts: dict[str, Counter[str]] = {}
    for path in sorted((PROJECT_ROOT / "nlu").rglob("*.yml")):
        for block in load(path).get("nlu", []):
            if "intent" not in block:
                continue
            language = (block.get("metadata") or {}).get("lang", "?")
            n = sum(1 for line in str(block["examples"]).splitlines() if line.strip().startswith("- "))
            counts.setdefault(block["intent"], Counter())[language] += n
    return counts


@pytest.mark.parametrize("topic", FAQ_TOPICS)
def test_every_topic_has_a_safe_traceable_answer(topic: str) -> None:
    [variation] = all_responses()[f"utter_faq/{topic}"]
    text = variation["text"]
    assert 500 <= len(text) <= 950, f"{topic}: {len(text)} characters is not phone-sized"
    assert "\n\n" not in text, "a blank line would split the answer into separate messages"
    assert "Source:" in text
    facts = variation["metadata"]["facts"]
    assert facts and all(FACT_ID.match(f) for f in facts), facts
    assert not PROMISES.search(text)
    if topic in MONEY_TOPICS:
        assert "beoe.gov.pk/list-of-oeps" in text, "money answers must say how to verify an agent"
    payloads = [b["payload"] for b in variation["buttons"]]
    assert payloads[-1] == "/register_interest"
    assert all(p.removeprefix("/faq/") in FAQ_TOPICS for p in payloads[:-1])


def test_it_is_never_presented_as_an_ssw_field() -> None:
    responses = all_responses()
    for topic in ("ssw_fields", "it_jobs"):
        assert re.search(
            r"(?i)not (an? )?(SSW|part of SSW)|is not one of", responses[f"utter_faq/{topic}"][0]["text"]
        ), topic


def test_no_response_text_contains_a_blank_line() -> None:
    for name, variations in all_responses().items():
        for variation in variations:
            assert "\n\n" not in variation.get("text", ""), name


@pytest.mark.parametrize("label", [f"faq/{t}" for t in FAQ_TOPICS] + INTENTS)
def test_training_data_covers_each_language(label: str) -> None:
    counts = training_examples()[label]
    for language in ("en", "ur", "roman"):
        assert counts[language] >= 15, f"{label} has {counts[language]} {language} examples"


def test_heldout_set_is_never_trained_on() -> None:
    trained = set()
    for path in (PROJECT_ROOT / "nlu").rglob("*.yml"):
        for block in load(path).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    trained.add(normalize(line.strip()[2:]))
    leaked = [
        text
        for language in HELDOUT_LANGUAGES
        for text, _ in load_examples(language)
        if normalize(text) in trained and len(text.split()) > 2
    ]
    assert not leaked, leaked


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", normalize(text)))


def test_realistic_set_is_never_trained_on() -> None:
    """No realistic message is in the training data, nor nearly so (80 % of the same words)."""
    trained = []
    for path in (PROJECT_ROOT / "nlu").rglob("*.yml"):
        for block in load(path).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    trained.append(_words(line.strip()[2:]))
    close = []
    for language in HELDOUT_LANGUAGES:
        for example in load_realistic(language):
            words = _words(example.text)
            if len(words) < 4:
                continue
            for other in trained:
                if len(words & other) / len(words | other) >= 0.8:
                    close.append(example.text)
                    break
    assert not close, close
