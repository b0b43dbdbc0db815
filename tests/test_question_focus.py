"""Finding the question inside a long message (rasa_ext/question_focus.py), in three languages."""

from __future__ import annotations

from rasa_ext.question_focus import LONG_MESSAGE, focus, is_question, sentences


def test_short_messages_and_payloads_pass_unchanged() -> None:
    assert focus("What is SSW?") == "What is SSW?"
    payload = "/faq/ssw" + " " * LONG_MESSAGE
    assert focus(payload) == payload


def test_the_story_is_dropped_and_the_question_kept() -> None:
    text = (
        "Hello, I am Kamran, 29, from Bahawalnagar. I did my FA and then a two-year course in refrigeration. "
        "Since 2019 I repair air conditioners in a shop in the city and my brother is in Italy. "
        "Which Japanese level do I need for a manufacturing job?"
    )
    assert focus(text) == "Which Japanese level do I need for a manufacturing job?"


def test_a_short_question_keeps_the_sentence_before_it() -> None:
    text = (
        "I am 24 and I work in a pharmacy in Sukkur since three years, my family is big and I am the eldest son. "
        "A man in our mohalla says he sends boys to Japan for 9 lakh each. Is that legit?"
    )
    assert focus(text) == "A man in our mohalla says he sends boys to Japan for 9 lakh each. Is that legit?"


def test_urdu_full_stops_and_question_marks() -> None:
    text = (
        "میرا نام عامر ہے اور میں ساہیوال سے ہوں۔ میری عمر 27 سال ہے اور میں نے بی کام کیا ہے۔ "
        "چار سال سے ایک بینک میں کیشیئر ہوں اور شادی شدہ ہوں۔ جاپان میں کم از کم تنخواہ کتنی ہے؟"
    )
    assert focus(text) == "جاپان میں کم از کم تنخواہ کتنی ہے؟"


def test_roman_urdu_without_full_stops_is_split_on_commas() -> None:
    text = (
        "salam main 25 saal ka hun aur chiniot se hun, furniture ka kaam karta hun 7 saal se, "
        "mere do bhai bhi isi kaam mein hain aur ghar ka kharcha mushkil se chalta hai, "
        "wood industry wale SSW ke liye japani ka konsa level chahiye"
    )
    assert focus(text) == "wood industry wale SSW ke liye japani ka konsa level chahiye"


def test_without_any_question_the_last_sentence_is_the_request() -> None:
    text = (
        "I am from Kohat and 30 years old. I drove a truck in Saudi Arabia for six years. "
        "I came back in 2024 and now I drive a van here. Please tell me about the truck driver field in Japan."
    )
    assert "truck driver field" in focus(text)
    assert "Kohat" not in focus(text)


def test_question_detection() -> None:
    assert is_question("Is it allowed")
    assert is_question("kya ye sahi hai")
    assert is_question("یہ کیسے ہوگا")
    assert not is_question("I am 24 years old")
    assert sentences("One. Two? Three") == ["One.", "Two?", "Three"]
