"""Reply-language detection on whole messages (bot/i18n.py: detect_language): script and words, not one word."""

from __future__ import annotations

import pytest

from bot.i18n import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Salam bhai, how do I apply for the SSW visa?",
        "Assalam o alaikum, what is the fee for the JLPT in Karachi?",
        "yaar can you tell me which documents I need for the protector",
        "InshaAllah I will pass N4 this year, what should I do next?",
        "bhai is this agent legit? he wants 5 lakh",
        "Thanks bhai, and how long is the COE valid?",
        "jazakallah sir, one more question: can my wife come with me?",
    ],
)
def test_english_with_a_few_urdu_greetings_stays_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "bhai japan mein job kaise milegi",
        "salam, visit visa pe ja ke wahan kaam dhoond sakta hun?",
        "japan me IT job ke liye JLPT zaroori hai?",
        "agent 5 lakh maang raha hai, kya ye sahi hai",
        "mujhe nursing care mein jana hai, kya requirements hain",
        "yaar SSW ki fees kitni hai",
    ],
)
def test_roman_urdu_stays_roman_urdu(text: str) -> None:
    assert detect_language(text) == "ur_Latn"


@pytest.mark.parametrize(
    "text",
    [
        "بھائی جاپان میں نوکری کیسے ملے گی؟",
        "JLPT N4 کا امتحان کب ہوتا ہے؟",
        "SSW visa کے لیے کیا چاہیے؟",
    ],
)
def test_urdu_script(text: str) -> None:
    assert detect_language(text) == "ur"


def test_a_greeting_alone_is_roman_urdu_and_a_thumbs_up_shows_nothing() -> None:
    assert detect_language("Assalam o alaikum") == "ur_Latn"
    assert detect_language("salam bhai") == "ur_Latn"
    assert detect_language("ok") is None
