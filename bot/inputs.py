"""Owns what a user may send: text is cleaned and bounded, button payloads are checked against what we offer."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_INPUT_CHARS = 2000
# Payloads a button may carry back: "/intent" or "/faq/<topic>". Rasa's internal intents are refused
# so that forged callback data cannot restart or rewind a conversation.
_PAYLOAD = re.compile(r"^/(?:faq/)?[a-z_]{1,40}$")
_FORBIDDEN_PAYLOADS = frozenset({"/restart", "/session_start", "/back", "/nlu_fallback"})
# Choice buttons (education, field, ...) carry a plain answer, exactly as if it had been typed.
_CHOICE_PAYLOAD = re.compile(r"^[a-z0-9_]{1,24}$")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u206f\ufeff\u00ad]")


@dataclass(frozen=True)
class Cleaned:
    """A typed message after cleaning: its text, or why it cannot be handled."""

    text: str
    empty: bool = False
    too_long: bool = False


def clean_text(text: str) -> Cleaned:
    """Control characters become spaces; invisible-only and over-long messages are flagged."""
    cleaned = _CONTROL.sub(" ", text).strip()
    if not _INVISIBLE.sub("", cleaned).strip():
        return Cleaned(cleaned, empty=True)
    if len(cleaned) > MAX_INPUT_CHARS:
        return Cleaned(cleaned, too_long=True)
    return Cleaned(cleaned)


def is_engine_payload(payload: str) -> bool:
    """True for a button payload we may pass to the dialogue engine (an offered intent or a plain choice)."""
    if _CHOICE_PAYLOAD.match(payload):
        return True
    return bool(_PAYLOAD.match(payload)) and payload not in _FORBIDDEN_PAYLOADS
