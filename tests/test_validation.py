"""Answers to the registration questions: accepted forms, specific refusals, and what interrupts the form."""

from __future__ import annotations

import pytest

from actions import interruptions, japanese
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
    assert v.parse_age("twenty") == 20 and v.parse_age("bees saal") == 20 and v.parse_age("بیس") == 20
    assert v.parse_age("24 saal ka hun") == 24


@pytest.mark.parametrize(
    ("typed", "years"),
    [
        ("do", 2),
        ("teen saal", 3),
        ("koi nahi", 0),
        ("mera tajurba 3 saal hai", 3),
        ("jlpt n5 passed", None),
        ("N4 ke baad 2 saal", None),
        ("2 ya 3", None),
    ],
)
def test_experience_takes_one_number_and_nothing_else(typed: str, years: int | None) -> None:
    # "jlpt n5 passed" at the experience question is asked again, never stored as 5 years.
    assert v.parse_experience(typed) == years


@pytest.mark.parametrize("typed", ["naam kyun chahiye aap ko", "what is this for", "کیوں چاہیے"])
def test_a_question_is_nobodys_name(typed: str) -> None:
    assert v.parse_name(typed) is None


def test_choices_from_buttons_and_typed_words() -> None:
    assert v.parse_education("matric") == "matric"
    assert v.parse_education("BSCS") == "bachelor"
    assert v.parse_education("میٹرک") == "matric"
    assert v.parse_education("I did FSc pre-engineering") == "intermediate"
    assert v.parse_education("a lot") is None
    assert v.parse_field("software developer") == "it"
    assert v.parse_field("nursing_care") == "nursing_care"
    assert v.parse_field("زراعت") == "agriculture"
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
    assert v.parse_name("/help") is None
    assert v.parse_name("help") is None
    assert v.parse_name("stop") is None
    assert v.parse_name("رہنے دیں") is None
    assert v.parse_city("/mydata") is None
    assert v.parse_city("cancel") is None


# The Japanese question asks what was PASSED (CR-1, CR-2; facts.md L3.6, C0.8).
@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        # Buttons.
        ("none", "none"),
        ("studying", "studying"),
        ("jlpt_n4", "jlpt_n4"),
        ("jft_a2_2", "jft_a2_2"),
        ("jft_below_a2_2", "jft_below_a2_2"),
        # A test named without a pass is "studying", never a pass.
        ("JFT", "studying"),
        ("jft basic", "studying"),
        ("JFT ki tayari", "studying"),
        ("JFT ki tayyari kar raha hoon", "studying"),
        ("I want to take JFT", "studying"),
        ("JFT dena hai", "studying"),
        ("failed jft", "studying"),
        ("JLPT N4 ki tayari", "studying"),
        ("preparing N4", "studying"),
        ("jlpt n4 preparing", "studying"),
        ("jlpt n4 attempt next year", "studying"),
        ("JLPT N4", "studying"),
        ("n4", "studying"),
        ("N4 nahi", "studying"),
        ("failed N4", "studying"),
        ("not passed N4", "studying"),
        ("N4 result awaited", "studying"),
        ("جے ایف ٹی کی تیاری", "studying"),
        ("میں N4 کی تیاری کر رہا ہوں", "studying"),
        ("seekh raha hoon", "studying"),
        ("japanese course kar raha hoon", "studying"),
        # A JFT-Basic band below A2.2 is recorded as such, not as a pass.
        ("A2.1", "jft_below_a2_2"),
        ("jft a2.1", "jft_below_a2_2"),
        ("JFT A1", "jft_below_a2_2"),
        ("jft 180 score", "jft_below_a2_2"),
        ("passed JFT with A2.1", "jft_below_a2_2"),
        # Passes, said as passes.
        ("passed N4", "jlpt_n4"),
        ("I passed JLPT N3", "jlpt_n3"),
        ("N4 pass kiya hai", "jlpt_n4"),
        ("JLPT N2 cleared", "jlpt_n2"),
        ("mere paas N3 certificate hai", "jlpt_n3"),
        ("میں نے N4 پاس کیا ہے", "jlpt_n4"),
        ("passed JFT A2.2", "jft_a2_2"),
        ("JFT 210", "jft_a2_2"),
        ("JFT-Basic 200+", "jft_a2_2"),
        ("N5 pass, N4 ki tayari", "jlpt_n5"),
        ("N5 pass hai aur JFT A2.2 bhi pass", "jft_a2_2"),
        # Nothing.
        ("nahi", "none"),
        ("koi nahi", "none"),
        ("not yet", "none"),
        ("کوئی نہیں", "none"),
    ],
)
def test_japanese_level_records_only_what_was_passed(typed: str, recorded: str) -> None:
    assert v.parse_japanese_level(typed) == recorded


@pytest.mark.parametrize("typed", ["abc", "a lot", "passed JFT A2", "passed"])
def test_unclear_japanese_answers_are_asked_again(typed: str) -> None:
    assert v.parse_japanese_level(typed) is None


def test_typed_answers_recorded_as_not_passed_are_confirmed_back() -> None:
    assert japanese.typed_without_pass("JFT ki tayari", "studying")
    assert japanese.typed_without_pass("A2.1", "jft_below_a2_2")
    assert not japanese.typed_without_pass("studying", "studying")  # the button: nothing to confirm
    assert not japanese.typed_without_pass("passed N4", "jlpt_n4")


@pytest.mark.parametrize(
    ("slot", "text", "intent", "confidence", "answer"),
    [
        ("full_name", "Ali Raza", "nlu_fallback", 0.3, True),
        ("full_name", "Ali Raza", "greet", 0.5, True),
        ("full_name", "/help", "help", 1.0, False),
        ("full_name", "/give_consent", "give_consent", 1.0, False),
        ("full_name", "what is the salary in Japan?", "faq", 0.9, False),
        ("full_name", "thanks", "thanks", 0.95, False),
        ("city", "hello", "greet", 0.6, False),  # unsure, but "hello" is no town
        ("city", "Multan", "greet", 0.6, True),
        ("city", "Lahore", "out_of_scope", 1.0, True),  # the classifier finds town names out of scope
        ("full_name", "Bilal Ahmed", "affirm", 0.88, True),
        ("city", "thank you so much", "thanks", 1.0, False),
        ("full_name", "band karo", "deny", 0.6, False),
        ("full_name", "رہنے دیں", "deny", 0.7, False),
        ("city", "Lahore", "faq", 0.5, True),
        ("city", "which documents do I need for the visa", "faq", 0.6, False),
        ("phone", "what is the salary in Japan?", "faq", 0.9, False),
        ("phone", "0300 1234567", "faq", 0.6, True),
        ("phone", "12345", "nlu_fallback", 0.2, True),  # a wrong answer: re-prompted, not an interruption
        ("phone", "12345", "out_of_scope", 0.9, True),
        ("phone", "what is the weather today?", "out_of_scope", 0.9, False),
        ("age", "hello", "greet", 0.9, False),
        ("age", "24", "greet", 0.5, True),
        ("japanese_level", "JLPT N4 ki tayari", "faq", 0.7, True),
        ("japanese_level", "is N4 enough for SSW?", "faq", 0.9, False),
        ("has_passport", "haan", "affirm", 0.9, True),
        ("has_passport", "are you a bot", "bot_challenge", 0.9, False),
        ("experience_years", "stop", "cancel", 0.9, False),
    ],
)
def test_answers_and_interruptions(slot: str, text: str, intent: str, confidence: float, answer: bool) -> None:
    parsers = {"full_name": v.parse_name, "city": v.parse_city, "phone": v.parse_phone, "age": v.parse_age}
    parsers |= {"japanese_level": v.parse_japanese_level, "has_passport": v.parse_yes_no}
    parser = parsers.get(slot, v.parse_experience)
    assert interruptions.is_answer(slot, text, intent, confidence, parser) is answer


def _user(text: str, at: float, intent: str = "faq") -> dict[str, object]:
    return {"event": "user", "text": text, "timestamp": at, "parse_data": {"intent": {"name": intent}}}


def test_back_after_a_pause_only_inside_an_unfinished_form() -> None:
    form_on = {"event": "active_loop", "name": "lead_form"}
    form_off = {"event": "active_loop", "name": None}
    asked = {"event": "bot", "text": "What is your phone number?"}
    hour = interruptions.PAUSE_SECONDS
    assert interruptions.back_after_pause([form_on, _user("Ali", 0), asked, _user("hi", hour)], "lead_form")
    assert not interruptions.back_after_pause([form_on, _user("Ali", 0), asked, _user("hi", 60)], "lead_form")
    assert not interruptions.back_after_pause([form_on, _user("x", 0), form_off, _user("hi", 2 * hour)], "lead_form")
    # Agreeing to the consent text long after reading it is not "coming back" to a form.
    consent: list[dict[str, object]] = [
        _user("/apply", 0),
        {"event": "bot", "text": "Do you agree?"},
        _user("/give_consent", 2 * hour),
    ]
    assert not interruptions.back_after_pause([*consent, form_on], "lead_form")


def test_a_repeated_agree_tap_is_recognised() -> None:
    question = "What is your full name?"
    first = _user("/give_consent", 0, "give_consent")
    asked = {"event": "bot", "text": question}
    assert interruptions.repeated_tap([first, asked, _user("/give_consent", 1, "give_consent")], [question])
    assert not interruptions.repeated_tap([first, asked, _user("/faq/ssw", 1, "faq")], [question])
    assert not interruptions.repeated_tap([first, asked, _user("yes", 1, "affirm")], [question])
    assert not interruptions.repeated_tap([first, {"event": "bot", "text": "Do you agree?"}, first], [question])


@pytest.mark.parametrize(
    "text", ["yes", "Yes, I agree", "ok", "haan ji", "theek hai", "ji bilkul", "جی ہاں", "میں متفق ہوں"]
)
def test_a_clear_yes_to_consent(text: str) -> None:
    assert v.is_clear_yes(text)


@pytest.mark.parametrize("text", ["abc", "???", "asdf", "hmm", "no", "nahi", "I don't agree", "نہیں", "Lahore"])
def test_anything_else_is_not_consent(text: str) -> None:
    assert not v.is_clear_yes(text)


def test_taps_that_answer_nothing_keep_the_form_going() -> None:
    assert interruptions.keeps_the_form_going("/give_consent", "give_consent")
    assert interruptions.keeps_the_form_going("/resume_form", "resume_form")
    assert interruptions.keeps_the_form_going("continue", "resume_form")
    assert interruptions.keeps_the_form_going("/affirm", "affirm")
    assert not interruptions.keeps_the_form_going("yes", "affirm")  # typed: an answer to "passport?"
    assert not interruptions.keeps_the_form_going("/faq/ssw", "faq")
