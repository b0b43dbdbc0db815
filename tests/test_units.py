"""Pure functions: normalisation, language detection, text splitting, settings."""

from __future__ import annotations

import pytest

from bot.config import Settings, SettingsError
from bot.i18n import choose_language, detect_language
from bot.replies import isolate_ltr_runs, split_text
from rasa_ext.normalization import normalize


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("كيا", "کیا"),  # Arabic kaf and yeh
        ("مُلازمت", "ملازمت"),  # diacritics
        ("کون سی نوکری", "کونسی نوکری"),  # spacing variant
        ("کون\u200cسی", "کونسی"),  # zero-width non-joiner
        ("۲۰۲۵ میں", "2025 میں"),  # Urdu digits
        ("٣ سال", "3 سال"),  # Arabic-Indic digits
        ("JLPT   N4؟", "jlpt n4?"),
        ("helloooo", "helloo"),
    ],
)
def test_normalize(raw: str, canonical: str) -> None:
    assert normalize(raw) == canonical


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("SSW کیا ہے؟", "ur"),
        ("japan me naukri kaise milegi", "ur_Latn"),
        ("What is SSW?", "en"),
        ("ok", None),
        ("👍", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_choice_beats_detection_and_ambiguous_text_keeps_the_previous_language() -> None:
    available = ("en", "ur", "ur_Latn")
    assert choose_language("ur", "What is SSW?", None, None, available, "en") == "ur"
    assert choose_language(None, "ok", "ur_Latn", None, available, "en") == "ur_Latn"
    assert choose_language(None, "👍", None, "ur", available, "en") == "ur"
    assert choose_language(None, "kya hal hai", None, None, ("en", "ur"), "en") == "en"


def test_isolate_ltr_runs_wraps_latin_terms() -> None:
    assert isolate_ltr_runs("JLPT N4 ضروری ہے") == "\u2066JLPT N4\u2069 ضروری ہے"


def test_split_text_respects_the_limit_and_keeps_everything() -> None:
    text = "\n\n".join(["word " * 300] * 5)
    chunks = split_text(text, limit=1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert "".join(chunks).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
    assert split_text("short") == ["short"]


def test_settings_defaults_and_errors() -> None:
    settings = Settings.from_env({})
    assert settings.dialogue_urls == ("http://127.0.0.1:5005",) and settings.telegram_token is None
    assert Settings.from_env({"RASA_PORT": "5999"}).dialogue_urls == ("http://127.0.0.1:5999",)
    assert Settings() == settings, "a default is written once: the field's default is what from_env uses"
    with pytest.raises(SettingsError, match="DEFAULT_LANGUAGE"):
        Settings.from_env({"DEFAULT_LANGUAGE": "fr"})
    with pytest.raises(SettingsError, match="RASA_TRACKER_DB_URL was replaced by TRACKER_STORE_URL"):
        Settings.from_env({"RASA_TRACKER_DB_URL": "sqlite:///x.db"})
    with pytest.raises(SettingsError, match="REDIS_URL"):
        Settings.from_env({"REDIS_URL": "http://cache"})
    with pytest.raises(SettingsError, match="RASA_PORT"):
        Settings.from_env({"RASA_PORT": "abc"})
    with pytest.raises(SettingsError, match="TELEGRAM_API_URL"):
        Settings.from_env({"TELEGRAM_API_URL": "ftp://x"})
