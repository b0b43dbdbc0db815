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


def _answer(topic: str) -> str:
    return str(all_responses()[f"utter_faq/{topic}"][0]["text"])


def test_no_answer_claims_official_channels_never_charge() -> None:
    """Official fees exist (facts.md C0.7): the old line "government channels (OEC) never take fees" is gone."""
    for topic in FAQ_TOPICS:
        text = _answer(topic)
        assert not re.search(r"(?i)(government channels|OEC)[^.]*never take", text), topic
    for topic in ("costs", "fraud", "protector", "documents", "language_tests", "skills_test"):
        assert re.search(r"by bank, with a (signed )?receipt", _answer(topic)), topic
    assert "with a receipt" in _answer("coe_visa")


def test_fraud_answer_gives_the_fee_cap_and_where_to_report() -> None:
    text = _answer("fraud")
    assert "Rs 15,000" in text and "Rs 6,000" in text  # F7.8
    assert "Protector of Emigrants" in text and "FIA" in text  # F7.9
    assert "support fees" in text  # S2.17
    assert "⚠" in text  # F7.8 rests on news reports


def test_language_rule_is_not_the_same_in_every_field() -> None:
    text = _answer("language_requirement")
    assert "every field" not in text  # L3.1, C0.6
    assert "A2.1" in text and "do NOT meet" in text  # L3.6, C0.8
    assert "N3" in text and "Taxi and bus drivers" in text and "Nursing Care Japanese test" in text  # L3.13
    assert "⚠" in text


def test_current_ssw_cap_and_visa_fee() -> None:
    assert "805,700" in _answer("it_demand") and "is 820,000" not in _answer("it_demand")  # S2.4
    for topic in ("coe_visa", "costs"):
        assert "exempt" in _answer(topic) and "¥3,000" not in _answer(topic), topic  # E5.6
    assert "never pay anyone in Pakistan a \"COE fee\"" in _answer("coe_visa")  # E5.4


def test_audit_gaps_are_answered() -> None:
    assert "jobs.oec.gov.pk" in _answer("oec")  # D6.11
    assert "change employer, tell immigration within 14 days" in _answer("life_in_japan")  # J10.1
    documents = _answer("documents")
    assert "CNIC" in documents and "COE" in documents  # D6.6, E5.4
    routes = _answer("routes")
    assert "visit or tourist visa never allows work" in routes and "28 hours" in routes  # V14.1, V14.3
    assert "matric is enough" in _answer("eligibility")  # D6.2
    for topic in ("eligibility", "it_jobs"):
        assert "Students qualify only after graduating" in _answer(topic), topic  # E5.1
    assert "mhlw.go.jp" in _answer("salary") and "FY2026" in _answer("salary")  # P8.1


def test_answers_keep_a_source_and_a_date() -> None:
    for topic in FAQ_TOPICS:
        source = _answer(topic).splitlines()[-1]
        assert source.startswith("Source:"), topic
    for topic in ("routes", "fraud", "costs", "coe_visa", "documents", "eligibility", "language_requirement"):
        assert re.search(r"(19|20)\d\d", _answer(topic).splitlines()[-1]), topic
