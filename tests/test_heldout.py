"""Held-out understanding: the macro-F1 floor of 0.90 per language (target 0.95, see `make eval`), and the
realistic set's targets per language and kind (issue #15)."""

from __future__ import annotations

import httpx
import pytest

from tests.evaluate import (
    KINDS,
    LANGUAGES,
    REALISTIC_TARGETS,
    KindReport,
    LanguageReport,
    evaluate,
    evaluate_realistic,
    format_realistic,
    format_table,
    load_realistic,
)

FLOOR = 0.90


@pytest.fixture(scope="module")
def reports(rasa_url: str) -> dict[str, LanguageReport]:
    results = evaluate(rasa_url)
    print(format_table(results))
    return {r.language: r for r in results}


@pytest.fixture(scope="module")
def realistic(rasa_url: str) -> dict[tuple[str, str], KindReport]:
    with httpx.Client(base_url=rasa_url, timeout=30) as client:
        results = [r for language in LANGUAGES for r in evaluate_realistic(client, language)]
    print(format_realistic(results))
    return {(r.language, r.kind): r for r in results}


@pytest.mark.parametrize("language", LANGUAGES)
def test_macro_f1_meets_the_floor(reports: dict[str, LanguageReport], language: str) -> None:
    report = reports[language]
    assert report.examples >= 36 * 5
    assert report.macro_f1 >= FLOOR, f"{language}: macro-F1 {report.macro_f1:.3f} < {FLOOR}; {report.confusions}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_realistic_set_has_every_kind(language: str) -> None:
    examples = load_realistic(language)
    for kind in KINDS:
        assert sum(e.kind == kind for e in examples) >= 10, f"{language}: too few {kind} messages"
    assert all(len(e.text) >= 230 for e in examples if e.kind == "long"), "long messages must be long"


@pytest.mark.parametrize("kind", list(REALISTIC_TARGETS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_realistic_targets(realistic: dict[tuple[str, str], KindReport], language: str, kind: str) -> None:
    report = realistic[(language, kind)]
    target = REALISTIC_TARGETS[kind]
    assert report.rate >= target, f"{language} {kind}: {report.rate:.2f} < {target}; misses: {report.misses}"
