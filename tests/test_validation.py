"""Answers to the registration questions: accepted forms and specific refusals (actions/validation.py)."""

from __future__ import annotations

import pytest

from actions import validation as v


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0300 1234567", "+923001234567"),
        ("0300-1234567", "+923001234567"),
        ("+92 300 1234567", "+923001234567"),
        ("923001234567", "+923001234567"),
        ("00923001234567", "+923001234567"),
        ("۰۳۰۰۱۲۳۴۵۶۷", "+923001234567"),
        ("+81 90 1234 5678", "+819012345678"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str, e164: str) -> None:
    assert v.parse_phone(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "0300 12", "call me", "+92 123", "03001234567890123", "", "+"])
def test_malformed_phone_numbers_are_refused(raw: str) -> None:
    assert v.parse_phone(raw) is None


def test_age_bounds_and_digits() -> None:
    assert v.parse_age("22") == 22
    assert v.parse_age("I am 25 years old") == 25
    assert v.parse_age("۲۴") == 24
    assert v.parse_age("15") is None
    assert v.parse_age("61") is None
    assert v.parse_age("twenty") is None


def test_choices_from_buttons_and_typed_words() -> None:
    assert v.parse_education("matric") == "matric"
    assert v.parse_education("BSCS") == "bachelor"
    assert v.parse_education("میٹرک") == "matric"
    assert v.parse_education("I did FSc pre-engineering") == "intermediate"
    assert v.parse_education("a lot") is None
    assert v.parse_field("software developer") == "it"
    assert v.parse_field("nursing_care") == "nursing_care"
    assert v.parse_field("زراعت") == "agriculture"
    assert v.parse_japanese_level("JLPT N4") == "n4"
    assert v.parse_japanese_level("jft_a2") == "jft_a2"
    assert v.parse_japanese_level("nahi") == "none"
    assert v.parse_yes_no("جی ہاں") is True
    assert v.parse_yes_no("no") is False
    assert v.parse_yes_no("maybe") is None
    assert v.parse_experience("3 saal") == 3
    assert v.parse_experience("fresh") == 0
    assert v.parse_experience("99") is None


def test_names_and_cities() -> None:
    assert v.parse_name("  Ali   Raza ") == "Ali Raza"
    assert v.parse_name("علی رضا") == "علی رضا"
    assert v.parse_name("what is ssw?") is None
    assert v.parse_name("Ali123") is None
    assert v.parse_city("lahore") == "Lahore"
    assert v.parse_city("لاہور") == "لاہور"
    assert v.parse_city("x" * 41) is None
