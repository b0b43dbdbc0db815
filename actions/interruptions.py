"""Decides whether a message inside the registration form answers the pending question or interrupts it.

An interruption is not extracted, so Rasa's form rejects the turn and a rule handles it (answer the
question, greet, cancel, ...), then the form asks its question again (Rasa's unhappy-path pattern).
Also tells when a user comes back to an unfinished form after a pause. No Rasa imports: pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

# Intents that are never an answer unless the text itself is a valid answer to a strict question.
INTERRUPTING_INTENTS = frozenset(
    {
        "faq",
        "greet",
        "goodbye",
        "thanks",
        "help",
        "bot_challenge",
        "switch_language",
        "human_handoff",
        "register_interest",
        "job_openings",
        "out_of_scope",
        "cancel",
        "give_consent",
        "resume_form",
        "restart_form",
    }
)
# Questions answered with free text: almost any words parse as a name or a town, and the classifier is
# unreliable on names ("Lahore" looks out of scope to it), so only a clear request interrupts them.
FREE_TEXT_SLOTS = frozenset({"full_name", "city"})
CLEAR_REQUESTS = INTERRUPTING_INTENTS - {"out_of_scope"}
SURE = 0.8
# Below this, a message that is no name or town is a wrong answer rather than a request ("Ali123" reads as a
# greeting at 0.48 to the linear classifier): the user is told what a valid answer looks like.
LIKELY = 0.6
# Back after this long with the form unfinished: remind where they were.
PAUSE_SECONDS = 60 * 60
_QUESTION = re.compile(
    r"[?؟]\s*$|^(what|how|which|when|where|why|who|is|are|can|do|does|kya|kaise|kaisay|kitna|kitni|kab|kahan|"
    r"kyun|kaun|کیا|کیسے|کتنا|کتنی|کب|کہاں|کیوں|کون)\b"
)
_CANCEL_TEXT = (
    "stop|cancel|quit|exit|abort|band karo|band kro|bas karo|rehne do|rehne dein|rehnay dein|chhoro|chhor do|"
    "cancel karo|بند کرو|بند کریں|رہنے دیں|رہنے دو|چھوڑ دیں|چھوڑو|بس کرو|کینسل"
)
_CANCEL_WORDS = frozenset(_CANCEL_TEXT.split("|"))


# "Yes, I agree" tapped again, "Continue", a stale yes/no button: no answer, yet the form simply goes on
# (its question is asked again, or nothing is said for a repeated tap). Handled inside the form, not by a
# rule, because Rasa does not hand a rejected form's turn back to the same form.
_GO_ON_INTENTS = frozenset({"give_consent", "resume_form"})
_GO_ON_BUTTONS = frozenset({"affirm", "deny"})


def keeps_the_form_going(text: str, intent: str | None) -> bool:
    """True for a message that answers nothing but asks for nothing else either."""
    return intent in _GO_ON_INTENTS or (text.strip().startswith("/") and intent in _GO_ON_BUTTONS)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".!،,").lower()


def is_cancel_word(text: str) -> bool:
    """ "stop", "band karo", "رہنے دیں": the user wants out of the form, whatever the classifier says."""
    return _words(text) in _CANCEL_WORDS


def is_answer(slot: str, text: str, intent: str | None, confidence: float, parser: Callable[[str], Any]) -> bool:
    """True if `text` is meant as the answer to the question for `slot`."""
    stripped = text.strip()
    if not stripped or stripped.startswith("/"):
        return False  # a button payload or a command is never an answer
    if is_cancel_word(stripped) or (intent == "cancel" and parser(stripped) is None):
        return False  # a cancel word; or the classifier's "cancel" for what is no answer ("do" is two, not stop)
    interrupting = intent in INTERRUPTING_INTENTS
    if interrupting and _QUESTION.search(_words(stripped)):
        return False  # "is N4 enough?" at the Japanese question is a question, not "studying"
    if slot in FREE_TEXT_SLOTS:
        if interrupting and parser(stripped) is None and confidence >= LIKELY:
            return False  # "hello", "thanks": no name, and the classifier agrees it is a request
        sure = intent in CLEAR_REQUESTS and confidence >= SURE and len(stripped.split()) >= 2
        return not sure
    if parser(stripped) is not None:
        return True
    return intent not in CLEAR_REQUESTS  # "12345" looks out of scope to the classifier, but it is a wrong answer


def _user_events(events: Sequence[Mapping[str, Any]]) -> list[tuple[int, Mapping[str, Any]]]:
    return [(index, event) for index, event in enumerate(events) if event.get("event") == "user"]


def back_after_pause(events: Sequence[Mapping[str, Any]], form: str, pause: float = PAUSE_SECONDS) -> bool:
    """True if the latest message came `pause` seconds or more after the previous one, with `form` unfinished."""
    users = _user_events(events)
    if len(users) < 2:
        return False
    (_, before), (latest_index, latest) = users[-2], users[-1]
    gap = float(latest.get("timestamp") or 0) - float(before.get("timestamp") or 0)
    if gap < pause:
        return False
    loop: str | None = None
    for event in events[:latest_index]:
        if event.get("event") == "active_loop":
            loop = event.get("name")
    return loop == form


REPEATABLE_TAPS = frozenset({"give_consent", "affirm"})


def repeated_tap(events: Sequence[Mapping[str, Any]], question_texts: Sequence[str]) -> bool:
    """True if the latest message is "Yes, I agree" tapped again right after the form asked its question."""
    users = _user_events(events)
    if not users:
        return False
    latest_index, latest = users[-1]
    intent = (latest.get("parse_data") or {}).get("intent") or {}
    if not str(latest.get("text") or "").startswith("/") or intent.get("name") not in REPEATABLE_TAPS:
        return False
    before = [e for e in events[:latest_index] if e.get("event") in ("bot", "user")]
    return bool(before) and before[-1].get("event") == "bot" and before[-1].get("text") in question_texts
