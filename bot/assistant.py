"""Owns one conversation turn, independent of the channel: text or button in, localized replies out.

Telegram (chat.py) and the terminal chat (console.py) both call it; each collaborator owns one behaviour,
wired by app.py, so no path depends on which entry point built the turn."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from bot import texts
from bot.alerts import AlertService
from bot.dialogue import (
    Asking,
    BotMessage,
    DialogueUnavailable,
    HandoffRequested,
    JobOpenings,
    LeadComplete,
    Topic,
)
from bot.handoff import CONTEXT_MESSAGES, HandoffService
from bot.inputs import MAX_INPUT_CHARS, clean_text, is_engine_payload
from bot.language import LanguageService
from bot.leads import InvalidProfile, LeadService, Profile
from bot.privacy import PrivacyService
from bot.replies import Rendered, Renderer
from bot.repository import Repository, StorageUnavailable
from bot.routes import recommend_route, route_notes
from bot.safety import SAFETY_NOTE, needs_safety_note
from bot.tasks import Background
from bot.throttle import Throttle, Verdict

log = logging.getLogger(__name__)


class Dialogue(Protocol):
    """What the turn needs from a dialogue engine."""

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        """Deliver a message and return the engine's reply."""

    async def recent_user_texts(self, sender: str, limit: int) -> list[str]:
        """The user's last messages, as the engine stored them."""

    async def active_form(self, sender: str) -> str | None:
        """The form the conversation is in, if any."""


@dataclass(frozen=True)
class User:
    """Who is talking: a stable sender id and the client's language hint (e.g. Telegram's language_code)."""

    sender_id: str
    language_hint: str | None = None


@dataclass(frozen=True)
class Collaborators:
    """Everything a turn uses, each owning one behaviour (built by bot/app.py)."""

    dialogue: Dialogue
    renderer: Renderer
    languages: LanguageService
    throttle: Throttle
    handoffs: HandoffService
    privacy: PrivacyService
    alerts: AlertService
    leads: LeadService
    repository: Repository
    background: Background
    source: str


class Assistant:
    """Turns user input into localized replies, using the dialogue engine for everything it understands."""

    def __init__(self, parts: Collaborators) -> None:
        self._parts = parts
        self._dialogue = parts.dialogue
        self._renderer = parts.renderer
        self._languages = parts.languages

    @property
    def renderer(self) -> Renderer:
        """The renderer (the adapters render their own few texts with it)."""
        return self._renderer

    @property
    def languages(self) -> LanguageService:
        """The language service (staff replies are written in the user's language)."""
        return self._languages

    async def language_for(self, user: User, text: str = "") -> str:
        """The language to answer `user` in, given the message they just sent."""
        return await self._languages.for_message(user.sender_id, text, user.language_hint)

    async def welcome(self, user: User) -> list[Rendered]:
        """The /start message: a short welcome and the language choice."""
        return [self._renderer.language_menu(await self.language_for(user), intro=texts.WELCOME)]

    async def language_menu(self, user: User) -> list[Rendered]:
        """The /language menu."""
        return [self._renderer.language_menu(await self.language_for(user))]

    async def set_language(self, user: User, language: str) -> list[Rendered]:
        """Record an explicit language choice (it outlives restarts) and confirm it in that language."""
        if not await self._languages.choose(user.sender_id, language):
            return [self._renderer.text(await self.language_for(user), texts.INVALID_BUTTON)]
        return [self._renderer.text(language, texts.LANGUAGE_SET), *await self._resume_form(user, language)]

    async def help(self, user: User) -> list[Rendered]:
        """The topic menu, as the dialogue engine defines it."""
        return await self._ask(user, "/help", await self.language_for(user))

    async def _flooding(self, user: User, language: str) -> list[Rendered] | None:
        """None if the user may go on; else the polite "slow down" (once), then silence."""
        verdict = await self._parts.throttle.check(user.sender_id)
        if verdict is Verdict.ALLOW:
            return None
        log.warning("throttled a user sending too fast")
        return [self._renderer.text(language, texts.SLOW_DOWN)] if verdict is Verdict.WARN else []

    async def text(self, user: User, text: str) -> list[Rendered]:
        """Answer a typed message."""
        cleaned = clean_text(text)
        language = await self.language_for(user, cleaned.text)
        if (refusal := await self._flooding(user, language)) is not None:
            return refusal
        if cleaned.empty:
            return [self._renderer.text(language, texts.EMPTY_MESSAGE)]
        if cleaned.too_long:
            return [self._renderer.text(language, texts.TOO_LONG, length=len(cleaned.text), limit=MAX_INPUT_CHARS)]
        message = cleaned.text
        if message.startswith("/"):
            # Typed "/something" is a question, not a command for the engine: only buttons may send payloads.
            message = message.lstrip("/").strip() or message
        if (stopped := await self._parts.alerts.typed(user.sender_id, message, language)) is not None:
            return stopped
        if await self._relayed_to_staff(user, message):
            return []
        return await self._ask(user, message, language, safety=needs_safety_note(message))

    async def _relayed_to_staff(self, user: User, text: str) -> bool:
        """While a person handles the user's case, their messages go to staff and the bot stays quiet."""
        try:
            case = await self._parts.handoffs.active(user.sender_id)
            if case is None:
                return False
            if await self._parts.handoffs.relay(case, text):
                return True
        except StorageUnavailable:
            log.warning("handoff state unknown: database unavailable")
        return False

    async def button(self, user: User, payload: str) -> list[Rendered]:
        """Answer a pressed button that carries a dialogue payload; forged or stale ones get a polite refusal."""
        language = await self.language_for(user)
        if (refusal := await self._flooding(user, language)) is not None:
            return refusal
        if not is_engine_payload(payload):
            log.warning("refused button payload of length %d", len(payload))
            return [self._renderer.text(language, texts.INVALID_BUTTON)]
        return await self._ask(user, payload, language)

    async def invalid_button(self, user: User) -> list[Rendered]:
        """A button whose data we never sent."""
        log.warning("refused a forged or stale button")
        return [self._renderer.text(await self.language_for(user), texts.INVALID_BUTTON)]

    async def unknown_command(self, user: User) -> list[Rendered]:
        """A command we do not have (a typo, /jobs, /menu ...): say so and list the ones we have."""
        return [self._renderer.text(await self.language_for(user), texts.UNKNOWN_COMMAND)]

    async def unsupported(self, user: User) -> list[Rendered]:
        """Stickers, photos without a caption, voice notes and the like."""
        return [self._renderer.text(await self.language_for(user), texts.UNSUPPORTED_MEDIA)]

    async def apply(self, user: User) -> list[Rendered]:
        """/apply: start the registration."""
        return await self._ask(user, "/register_interest", await self.language_for(user))

    async def cancel(self, user: User) -> list[Rendered]:
        """/cancel: leave the registration form."""
        return await self._ask(user, "/cancel", await self.language_for(user))

    async def contact(self, user: User, phone: str) -> list[Rendered]:
        """A phone number shared with Telegram's contact button: answered like a typed number."""
        return await self._ask(user, phone, await self.language_for(user))

    async def alerts(self, user: User, choice: str | None = None) -> list[Rendered]:
        """/alerts and its on/off buttons: job alerts, a consent of its own (bot/alerts.py)."""
        return await self._parts.alerts.answer(user.sender_id, await self.language_for(user), choice)

    async def my_data(self, user: User) -> list[Rendered]:
        """/mydata: everything we hold about the user (then the registration goes on, if one is under way)."""
        language = await self.language_for(user)
        return [*await self._parts.privacy.my_data(user.sender_id, language), *await self._resume_form(user, language)]

    async def _resume_form(self, user: User, language: str) -> list[Rendered]:
        """After a command the adapter answered itself, a registration under way asks its pending question again."""
        if await self._dialogue.active_form(user.sender_id) is None:
            return []
        return await self._ask(user, "/resume_form", language)

    async def confirm_delete(self, user: User) -> list[Rendered]:
        """/delete: ask for confirmation first."""
        return self._parts.privacy.confirm_delete(await self.language_for(user))

    async def delete(self, user: User, confirmed: bool) -> list[Rendered]:
        """The answer to the /delete confirmation."""
        language = await self.language_for(user)
        if (refusal := await self._flooding(user, language)) is not None:
            return refusal
        answer = await self._parts.privacy.delete(user.sender_id, language, confirmed)
        return answer if confirmed else [*answer, *await self._resume_form(user, language)]

    async def _ask(self, user: User, text: str, language: str, safety: bool = False) -> list[Rendered]:
        """Ask the engine; `safety`: the message is about paying, agents, guarantees, documents or the wrong
        status, so the anti-fraud note is added unless the answer is the fraud answer itself."""
        self._parts.background.spawn(self._touch(user))  # typed or tapped, it is the user's activity
        try:
            # The action server queues a confirmed lead with these (contract/queue.py).
            metadata = {"language": language, "source": self._parts.source}
            messages = await self._dialogue.send(user.sender_id, text, metadata)
        except DialogueUnavailable:
            log.exception("dialogue engine unavailable")
            return [self._renderer.text(language, texts.UNAVAILABLE)]
        if not messages:
            # Every rule of the domain answers; Rasa's REST channel returns an empty list when handling the
            # message failed inside Rasa (e.g. its lock store is down). The user must not be left unanswered.
            log.warning("the dialogue engine returned no reply")
            return [self._renderer.text(language, texts.UNAVAILABLE)]
        rendered = self._renderer.engine_messages(language, messages)
        # Off the reply path: if this turn ended a registration without a lead, its answers leave Rasa's store.
        self._parts.background.spawn(self._parts.privacy.forget_abandoned(user.sender_id))
        for message in messages:
            match message.custom:
                case Topic(topic=topic):
                    # Counting a topic is bookkeeping: it must not delay the answer.
                    self._parts.background.spawn(self._record_topic(user, topic))
                case LeadComplete(payload=payload):  # then the job-alerts consent, a question of its own
                    rendered += await self._lead_confirmed(user, payload, language)
                case JobOpenings():
                    rendered.append(await self._jobs(user, language))
                case HandoffRequested():
                    rendered.append(await self._hand_off(user, language))
                case Asking():
                    self._languages.expect_free_text(user.sender_id)
                case _:
                    pass  # display-only kinds were rendered above; unknown kinds were logged by the parser
        if safety and Topic(topic="fraud") not in (message.custom for message in messages):
            rendered.append(self._renderer.text(language, SAFETY_NOTE))
        return rendered

    async def _jobs(self, user: User, language: str) -> Rendered:
        repository = self._parts.repository
        try:
            lead = await repository.lead_of(user.sender_id)
            openings = await repository.open_jobs(lead.field if lead else None, lead.japanese_level if lead else None)
        except StorageUnavailable:
            log.warning("job openings unavailable: database unavailable")
            return self._renderer.text(language, texts.STORAGE_DOWN)
        return self._renderer.jobs(language, openings)

    async def _hand_off(self, user: User, language: str) -> Rendered:
        recent = await self._dialogue.recent_user_texts(user.sender_id, CONTEXT_MESSAGES)
        try:
            opened = await self._parts.handoffs.open(user.sender_id, language, recent)
        except StorageUnavailable:
            log.warning("handoff not opened: database unavailable")
            opened = False
        return self._renderer.text(language, texts.HANDOFF_STARTED if opened else texts.HANDOFF_UNAVAILABLE)

    async def _touch(self, user: User) -> None:
        try:
            await self._parts.repository.touch(user.sender_id)
            await self._languages.touch(user.sender_id)
        except StorageUnavailable:
            log.warning("last activity not stored: database unavailable")

    async def _record_topic(self, user: User, topic: str) -> None:
        if not topic:
            return
        try:
            await self._parts.repository.record_topic(user.sender_id, topic)
        except StorageUnavailable:
            log.warning("topic count not stored: database unavailable")

    async def _lead_confirmed(self, user: User, payload: dict[str, Any], language: str) -> list[Rendered]:
        """The confirmation only: the action server queued the lead before it answered (bot/worker.py stores it)."""
        try:
            profile = Profile.from_payload(payload.get("profile"))
        except InvalidProfile:
            log.exception("the dialogue engine sent an invalid profile")
            return [self._renderer.text(language, texts.INVALID_PROFILE)]
        saved = self._renderer.saved(language, recommend_route(profile), profile.has_passport, route_notes(profile))
        return saved + await self._parts.alerts.offer(user.sender_id, language)
