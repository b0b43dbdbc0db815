"""One conversation turn, independent of the channel: text or button in, localized replies out.

Both the Telegram adapter (chat.py) and the terminal chat (console.py) go through this class, so
they behave the same way.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict, deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot import replies
from bot.dialogue import BotMessage, Button, DialogueUnavailable
from bot.history import ConversationHistory
from bot.i18n import choose_language
from bot.leads import InvalidProfile, LeadService
from bot.replies import Rendered, Renderer
from bot.repository import Repository, StorageUnavailable
from bot.throttle import Throttle

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 2000
RECENT_MESSAGES = 5
# Payloads a button may carry back: "/intent" or "/faq/<topic>". Rasa's internal intents are refused
# so that forged callback data cannot restart or rewind a conversation.
_PAYLOAD = re.compile(r"^/(?:faq/)?[a-z_]{1,40}$")
_FORBIDDEN_PAYLOADS = frozenset({"/restart", "/session_start", "/back", "/nlu_fallback"})
# Choice buttons (education, field, ...) carry a plain answer, exactly as if it had been typed.
_CHOICE_PAYLOAD = re.compile(r"^[a-z0-9_]{1,24}$")
DELETE_PAYLOAD_PREFIX = "del:"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u206f\ufeff\u00ad]")


class StaffDesk(Protocol):
    """Where conversations handed to a person go (the staff Telegram chat)."""

    async def forward(self, case_id: int, sender_id: str, language: str, messages: list[str]) -> None:
        """Show staff the user's messages for case `case_id`."""
        ...


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
        leads: LeadService | None = None,
        repository: Repository | None = None,
        history: ConversationHistory | None = None,
        source: str = "telegram",
        desk: StaffDesk | None = None,
        handoff_timeout: timedelta = timedelta(hours=24),
        throttle: Throttle | None = None,
    ) -> None:
        self._dialogue = dialogue
        self._renderer = renderer
        self._languages = languages
        self._default = default_language if default_language in languages else "en"
        self._memory = memory or LanguageMemory()
        self._leads = leads
        self._repository = repository
        self._history = history
        self._source = source
        self._desk = desk
        self._handoff_timeout = handoff_timeout
        self._throttle = throttle or Throttle()
        self._pending: set[asyncio.Task[None]] = set()
        # The last few messages of each user, only in memory, so that a person who takes over sees context.
        self._recent: defaultdict[str, deque[str]] = defaultdict(lambda: deque(maxlen=RECENT_MESSAGES))

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

    def _flooding(self, user: User, language: str) -> list[Rendered] | None:
        """None if the user may go on; else the polite "slow down" (once), then silence."""
        if self._throttle.allow(user.sender_id):
            return None
        log.warning("throttled a user sending too fast")
        return [self._renderer.text(language, replies.SLOW_DOWN)] if self._throttle.should_warn(user.sender_id) else []

    async def text(self, user: User, text: str) -> list[Rendered]:
        """Answer a typed message."""
        cleaned = _CONTROL.sub(" ", text).strip()
        language = self.language_for(user, cleaned)
        if (refusal := self._flooding(user, language)) is not None:
            return refusal
        if not _INVISIBLE.sub("", cleaned).strip():
            return [self._renderer.text(language, replies.EMPTY_MESSAGE)]
        if len(cleaned) > MAX_INPUT_CHARS:
            return [self._renderer.text(language, replies.TOO_LONG, length=len(cleaned), limit=MAX_INPUT_CHARS)]
        if cleaned.startswith("/"):
            # Typed "/something" is a question, not a command for the engine: only buttons may send payloads.
            cleaned = cleaned.lstrip("/").strip() or cleaned
        if await self._forwarded_to_staff(user, cleaned, language):
            return []
        self._recent[user.sender_id].append(cleaned)
        self._in_background(self._touch(user))
        return await self._ask(user, cleaned, language)

    async def _forwarded_to_staff(self, user: User, text: str, language: str) -> bool:
        """While a person handles the user's case, their messages go to staff and the bot stays quiet."""
        if self._desk is None or self._repository is None:
            return False
        try:
            case = await self._repository.active_handoff(user.sender_id, self._handoff_timeout)
        except StorageUnavailable:
            log.warning("handoff state unknown: database unavailable")
            return False
        if case is None:
            return False
        await self._desk.forward(case, user.sender_id, language, [text])
        return True

    async def staff_reply(self, case_id: int, text: str) -> tuple[str, list[Rendered]] | None:
        """A staff member's answer for the user of an open case: (their sender id, the message)."""
        if self._repository is None:
            return None
        sender = await self._repository.handoff_sender(case_id)
        if sender is None:
            return None
        language = self._memory.last.get(sender) or self._memory.chosen.get(sender) or self._default
        return sender, [self._renderer.text(language, replies.STAFF_SAYS, text=text)]

    async def close_case(self, case_id: int, closed_by: str) -> tuple[str, list[Rendered]] | None:
        """Staff close a case: the user is told the assistant is back."""
        if self._repository is None:
            return None
        sender = await self._repository.close_handoff(case_id, closed_by)
        if sender is None:
            return None
        language = self._memory.last.get(sender) or self._memory.chosen.get(sender) or self._default
        return sender, [self._renderer.text(language, replies.HANDOFF_CLOSED)]

    async def button(self, user: User, payload: str) -> list[Rendered]:
        """Answer a pressed button; forged or stale payloads get a polite refusal."""
        if payload.startswith(replies.LANGUAGE_PAYLOAD_PREFIX):
            return self.set_language(user, payload[len(replies.LANGUAGE_PAYLOAD_PREFIX) :])
        language = self.language_for(user)
        if (refusal := self._flooding(user, language)) is not None:
            return refusal
        if payload in (f"{DELETE_PAYLOAD_PREFIX}yes", f"{DELETE_PAYLOAD_PREFIX}no"):
            return await self._delete(user, language, confirmed=payload.endswith("yes"))
        if _CHOICE_PAYLOAD.match(payload):
            return await self._ask(user, payload, language)
        if not _PAYLOAD.match(payload) or payload in _FORBIDDEN_PAYLOADS:
            log.warning("refused button payload of length %d", len(payload))
            return [self._renderer.text(language, replies.INVALID_BUTTON)]
        return await self._ask(user, payload, language)

    def unsupported(self, user: User) -> list[Rendered]:
        """Stickers, photos, voice notes and the like."""
        return [self._renderer.text(self.language_for(user), replies.UNSUPPORTED_MEDIA)]

    async def apply(self, user: User) -> list[Rendered]:
        """/apply: start the registration."""
        return await self._ask(user, "/register_interest", self.language_for(user))

    async def cancel(self, user: User) -> list[Rendered]:
        """/cancel: leave the registration form."""
        return await self._ask(user, "/cancel", self.language_for(user))

    async def contact(self, user: User, phone: str) -> list[Rendered]:
        """A phone number shared with Telegram's contact button: answered like a typed number."""
        return await self._ask(user, phone, self.language_for(user))

    async def my_data(self, user: User) -> list[Rendered]:
        """/mydata: everything we hold about the user."""
        language = self.language_for(user)
        if self._repository is None:
            return [self._renderer.text(language, replies.MY_DATA_NONE)]
        try:
            data = await self._repository.user_data(user.sender_id)
        except StorageUnavailable:
            log.exception("database unavailable for /mydata")
            return [self._renderer.text(language, replies.STORAGE_DOWN)]
        if data is None or data.lead is None:
            return [self._renderer.text(language, replies.MY_DATA_NONE)]
        summary = self._renderer.summary(language, data.lead).text
        topics = ", ".join(dict.fromkeys(topic for topic, _ in data.topics)) or "-"
        return [
            self._renderer.text(
                language,
                replies.MY_DATA,
                summary=summary,
                created=data.lead["created_at"].strftime("%Y-%m-%d"),
                consent_version=data.lead["consent_version"],
                status=data.lead["status"],
                topics=topics,
            )
        ]

    def confirm_delete(self, user: User) -> list[Rendered]:
        """/delete: ask for confirmation first."""
        language = self.language_for(user)
        translate = self._renderer.translator(language)
        buttons = (
            Button(translate(replies.DELETE_YES), f"{DELETE_PAYLOAD_PREFIX}yes"),
            Button(translate(replies.DELETE_NO), f"{DELETE_PAYLOAD_PREFIX}no"),
        )
        return [replace_buttons(self._renderer.text(language, replies.CONFIRM_DELETE), buttons)]

    async def _delete(self, user: User, language: str, confirmed: bool) -> list[Rendered]:
        if not confirmed:
            return [self._renderer.text(language, replies.DELETE_KEPT)]
        try:
            if self._repository is not None:
                await self._repository.delete_user(user.sender_id)
            if self._leads is not None:
                await self._leads.forget(user.sender_id)
            if self._history is not None:
                await self._history.erase(user.sender_id)
        except StorageUnavailable:
            log.exception("could not erase a user's data")
            return [self._renderer.text(language, replies.STORAGE_DOWN)]
        self._memory.chosen.pop(user.sender_id, None)
        self._recent.pop(user.sender_id, None)
        return [self._renderer.text(language, replies.DELETED)]

    async def _ask(self, user: User, text: str, language: str) -> list[Rendered]:
        try:
            messages = await self._dialogue.send(user.sender_id, text, {"language": language})
        except DialogueUnavailable:
            log.exception("dialogue engine unavailable")
            return [self._renderer.text(language, replies.UNAVAILABLE)]
        if not messages:
            # Every rule of the domain answers; Rasa's REST channel returns an empty list when handling the
            # message failed inside Rasa (e.g. its lock store is down). The user must not be left unanswered.
            log.warning("the dialogue engine returned no reply")
            return [self._renderer.text(language, replies.UNAVAILABLE)]
        rendered = self._renderer.engine_messages(language, messages)
        for message in messages:
            kind = message.custom.get("kind")
            if kind == "topic":
                # Counting a topic is bookkeeping: it must not delay the answer.
                self._in_background(self._record_topic(user, str(message.custom.get("topic", ""))))
            elif kind == "lead_complete":
                rendered += await self._submit_lead(user, message.custom, language)
            elif kind == "job_openings":
                rendered.append(await self._jobs(user, language))
            elif kind == "handoff":
                rendered.append(await self._hand_off(user, language))
        return rendered

    async def _jobs(self, user: User, language: str) -> Rendered:
        if self._repository is None:
            return self._renderer.jobs(language, [])
        try:
            lead = await self._repository.lead_of(user.sender_id)
            openings = await self._repository.open_jobs(
                lead.field if lead else None, lead.japanese_level if lead else None
            )
        except StorageUnavailable:
            log.warning("job openings unavailable: database unavailable")
            return self._renderer.text(language, replies.STORAGE_DOWN)
        return self._renderer.jobs(language, openings)

    async def _hand_off(self, user: User, language: str) -> Rendered:
        if self._desk is None or self._repository is None:
            return self._renderer.text(language, replies.HANDOFF_UNAVAILABLE)
        try:
            case = await self._repository.open_handoff(user.sender_id)
        except StorageUnavailable:
            log.warning("handoff not opened: database unavailable")
            return self._renderer.text(language, replies.HANDOFF_UNAVAILABLE)
        await self._desk.forward(case, user.sender_id, language, list(self._recent[user.sender_id]))
        return self._renderer.text(language, replies.HANDOFF_STARTED)

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _touch(self, user: User) -> None:
        if self._repository is None:
            return
        try:
            await self._repository.touch(user.sender_id)
        except StorageUnavailable:
            log.warning("last activity not stored: database unavailable")

    async def purge_inactive(self, retention: timedelta) -> int:
        """Erase everything about registered users silent for longer than `retention` (as the consent text says)."""
        if self._repository is None:
            return 0
        senders = await self._repository.inactive_senders(datetime.now(UTC) - retention)
        for sender in senders:
            await self._repository.delete_user(sender)
            if self._history is not None:
                await self._history.erase(sender)
        return len(senders)

    async def drain(self) -> None:
        """Wait for background bookkeeping (topic counts) to finish; called on shutdown."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def _record_topic(self, user: User, topic: str) -> None:
        if self._repository is None or not topic:
            return
        try:
            await self._repository.record_topic(user.sender_id, topic[:40])
        except StorageUnavailable:
            log.warning("topic count not stored: database unavailable")

    async def _submit_lead(self, user: User, payload: dict[str, Any], language: str) -> list[Rendered]:
        if self._leads is None:
            log.error("a registration was completed but no lead service is configured")
            return [self._renderer.text(language, replies.INVALID_PROFILE)]
        try:
            outcome = await self._leads.submit(user.sender_id, payload, language, self._source)
        except InvalidProfile:
            log.exception("the dialogue engine sent an invalid profile")
            return [self._renderer.text(language, replies.INVALID_PROFILE)]
        has_passport = bool((payload.get("profile") or {}).get("has_passport"))
        return self._renderer.saved(language, outcome.route, has_passport)


def replace_buttons(rendered: Rendered, buttons: tuple[Button, ...]) -> Rendered:
    """The same message with other buttons."""
    return Rendered(text=rendered.text, buttons=buttons, image=rendered.image, request_contact=rendered.request_contact)
