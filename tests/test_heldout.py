"""The floor on held-out understanding: macro-F1 of at least 0.90 in each language (target 0.95, see `make eval`)."""

from __future__ import annotations

import pytest

from tests.evaluate import LANGUAGES, LanguageReport, evaluate, format_table

FLOOR = 0.90


@pytest.fixture(scope="module")
def reports(rasa_url: str) -> dict[str, LanguageReport]:
    results = evaluate(rasa_url)
    print(format_table(results))
    return {r.language: r for r in results}


@pytest.mark.parametrize("language", LANGUAGES)
def test_macro_f1_meets_the_floor(reports: dict[str, LanguageReport], language: str) -> None:
    report = reports[language]
    assert report.examples >= 36 * 5
    assert report.macro_f1 >= FLOOR, f"{language}: macro-F1 {report.macro_f1:.3f} < {FLOOR}; {report.confusions}"
