"""One conversation turn, independent of the channel: text or button in, localized replies out.

Both the Telegram adapter (chat.py) and the terminal chat (console.py) go through this class, so
they behave the same way.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot import replies
from bot.dialogue import BotMessage, DialogueUnavailable
from bot.i18n import choose_language
from bot.replies import Rendered, Renderer

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 2000
# Payloads a button may carry back: "/intent" or "/faq/<topic>". Rasa's internal intents are refused
# so that forged callback data cannot restart or rewind a conversation.
_PAYLOAD = re.compile(r"^/(?:faq/)?[a-z_]{1,40}$")
_FORBIDDEN_PAYLOADS = frozenset({"/restart", "/session_start", "/back", "/nlu_fallback"})
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u206f\ufeff\u00ad]")


class Dialogue(Protocol):
    """What the assistant needs from a dialogue engine."""

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        """Deliver a message and return the engine's reply."""
        ...


@dataclass
class LanguageMemory:
    """Per-user language state: an explicit choice, and the language last answered in."""

    chosen: dict[str, str] = field(default_factory=dict)
    last: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class User:
    """Who is talking: a stable sender id and the client's language hint (e.g. Telegram's language_code)."""

    sender_id: str
    language_hint: str | None = None


class Assistant:
    """Turns user input into localized replies, using the dialogue engine for everything it understands."""

    def __init__(
        self,
        dialogue: Dialogue,
        renderer: Renderer,
        languages: tuple[str, ...],
        default_language: str,
        memory: LanguageMemory | None = None,
    ) -> None:
        self._dialogue = dialogue
        self._renderer = renderer
        self._languages = languages
        self._default = default_language if default_language in languages else "en"
        self._memory = memory or LanguageMemory()

    def language_for(self, user: User, text: str = "") -> str:
        """The language to answer `user` in, given the message they just sent."""
        language = choose_language(
            chosen=self._memory.chosen.get(user.sender_id),
            text=text,
            previous=self._memory.last.get(user.sender_id),
            hint=user.language_hint,
            available=self._languages,
            default=self._default,
        )
        self._memory.last[user.sender_id] = language
        return language

    def welcome(self, user: User) -> list[Rendered]:
        """The /start message: a short welcome and the language choice."""
        language = self.language_for(user)
        return [self._renderer.language_menu(language, intro=replies.WELCOME)]

    def language_menu(self, user: User) -> list[Rendered]:
        """The /language menu."""
        return [self._renderer.language_menu(self.language_for(user))]

    def set_language(self, user: User, language: str) -> list[Rendered]:
        """Record an explicit language choice and confirm it in that language."""
        if language not in self._languages:
            return [self._renderer.text(self.language_for(user), replies.INVALID_BUTTON)]
        self._memory.chosen[user.sender_id] = language
        self._memory.last[user.sender_id] = language
        return [self._renderer.text(language, replies.LANGUAGE_SET)]

    async def help(self, user: User) -> list[Rendered]:
        """The topic menu, as the dialogue engine defines it."""
        return await self._ask(user, "/help", self.language_for(user))

    async def text(self, user: User, text: str) -> list[Rendered]:
        """Answer a typed message."""
        cleaned = _CONTROL.sub(" ", text).strip()
        language = self.language_for(user, cleaned)
        if not _INVISIBLE.sub("", cleaned).strip():
            return [self._renderer.text(language, replies.EMPTY_MESSAGE)]
        if len(cleaned) > MAX_INPUT_CHARS:
            return [self._renderer.text(language, replies.TOO_LONG, length=len(cleaned), limit=MAX_INPUT_CHARS)]
        if cleaned.startswith("/"):
            # Typed "/something" is a question, not a command for the engine: only buttons may send payloads.
            cleaned = cleaned.lstrip("/").strip() or cleaned
        return await self._ask(user, cleaned, language)

    async def button(self, user: User, payload: str) -> list[Rendered]:
        """Answer a pressed button; forged or stale payloads get a polite refusal."""
        if payload.startswith(replies.LANGUAGE_PAYLOAD_PREFIX):
            return self.set_language(user, payload[len(replies.LANGUAGE_PAYLOAD_PREFIX) :])
        language = self.language_for(user)
        if not _PAYLOAD.match(payload) or payload in _FORBIDDEN_PAYLOADS:
            log.warning("refused button payload of length %d", len(payload))
            return [self._renderer.text(language, replies.INVALID_BUTTON)]
        return await self._ask(user, payload, language)

    def unsupported(self, user: User) -> list[Rendered]:
        """Stickers, photos, voice notes and the like."""
        return [self._renderer.text(self.language_for(user), replies.UNSUPPORTED_MEDIA)]

    async def _ask(self, user: User, text: str, language: str) -> list[Rendered]:
        try:
            messages = await self._dialogue.send(user.sender_id, text, {"language": language})
        except DialogueUnavailable:
            log.exception("dialogue engine unavailable")
            return [self._renderer.text(language, replies.UNAVAILABLE)]
        return self._renderer.engine_messages(language, messages)
