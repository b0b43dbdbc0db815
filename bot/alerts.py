"""Job alerts consent: /alerts on/off, "stop" to unsubscribe, and what /mydata says about it.

A consent of its own, separate from registration. "stop" ends alerts only when alerts are on, the message is
exactly a stop word and no registration form is under way (inside the form the form's own cancel words rule).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, func, select

from bot.bounded import BoundedMap
from bot.dialogue import Button
from bot.models import AlertDelivery, AlertSubscription, User, utcnow
from bot.replies import Rendered, Renderer, replace_buttons
from bot.repository import Repository, StorageUnavailable
from bot.texts import _

log = logging.getLogger(__name__)

ALERTS_PAYLOAD_PREFIX = "alerts:"
ALERTS_ON, ALERTS_OFF = f"{ALERTS_PAYLOAD_PREFIX}on", f"{ALERTS_PAYLOAD_PREFIX}off"
ALERTS_DECLINE = f"{ALERTS_PAYLOAD_PREFIX}no"  # "No, thanks" to the question at the end of the registration
# Exactly these words (after trimming, any case, final punctuation ignored) unsubscribe: English, Urdu, Roman Urdu.
STOP_WORDS = frozenset(
    {"stop", "unsubscribe", "stop alerts", "stop job alerts", "alerts off", "stop messages"}
    | {"band", "band karo", "band karen", "band kar do", "band kardo", "band kar dein", "alerts band karo"}
    | {"بند", "بند کریں", "بند کرو", "بند کر دیں", "بند کر دو", "روکیں", "اسٹاپ", "سٹاپ"}
)
# The whole message answering the question at the end of the registration, typed instead of tapped.
YES_WORDS = frozenset(
    {"yes", "y", "ok", "okay", "sure", "yes please"}
    | {"haan", "han", "haa", "ji", "jee", "ji haan", "ji han", "theek hai"}
    | {"ہاں", "جی", "جی ہاں", "ٹھیک ہے", "ضرور"}
)
NO_WORDS = frozenset(
    {"no", "n", "no thanks", "nope", "nahi", "nahin", "nai", "ji nahi", "ji nahin", "nahi shukriya"}
    | {"نہیں", "جی نہیں", "نہیں شکریہ"}
)
OFFER_MEMORY = 10_000
OFFER_SECONDS = 30 * 60.0
Clock = Callable[[], float]

ALERTS_ARE_ON = _(
    "Job alerts are ON: when an opening that fits your profile is published, I send you one message about it. "
    "Applying through us is free; nobody may charge you for the job or the visa itself. "
    'Send "stop" or use /alerts to turn them off.'
)
ALERTS_ARE_OFF = _(
    "Job alerts are OFF. Turn them on to get one message when an opening that fits your profile is published "
    "(you can turn them off at any time)."
)
ALERTS_TURN_ON = _("Turn job alerts on")
ALERTS_TURN_OFF = _("Turn job alerts off")
ALERTS_STOPPED = _("Done: you will get no more job alerts. Use /alerts to turn them on again.")
ALERTS_IN_MY_DATA = _("Job alerts: on (since %(since)s). Use /alerts to turn them off.")
ALERTS_SENT_IN_MY_DATA = _("Job alerts we have sent you, and your answers to them, are kept: %(count)s.")
ALERTS_OFFER = _(
    "One more question, separate from your registration: may I send you a message when a job opening that fits "
    "your profile is published? At most one message per opening, never at night; send \"stop\" at any time."
)
ALERTS_YES = _("Yes, send me job alerts")
ALERTS_NO = _("No, thanks")
ALERTS_DECLINED = _("OK: no job alerts. You can turn them on at any time with /alerts.")
ALERTS_STORAGE_DOWN = _("Sorry, I cannot reach your alert settings just now. Please try again in a few minutes.")


class FormState(Protocol):
    """What the stop-word check needs from the dialogue engine."""

    async def active_form(self, sender: str) -> str | None:
        """The form the conversation is in, if any."""
        ...


def _whole(text: str) -> str:
    return " ".join(text.strip().strip(".!۔؟?").lower().split())


def is_stop_word(text: str) -> bool:
    """Whether the whole message is a stop word."""
    return _whole(text) in STOP_WORDS


class AlertService:
    """Stores each user's alert consent and answers /alerts, its buttons and "stop"."""

    def __init__(
        self, repository: Repository, renderer: Renderer, dialogue: FormState, clock: Clock = time.monotonic
    ) -> None:
        self._repository = repository
        self._renderer = renderer
        self._dialogue = dialogue
        self._clock = clock
        # Users just asked whether they want alerts → when: their next message, if it comes within
        # OFFER_SECONDS, may be a typed yes or no; one who left and comes back later is not taken at their word.
        self._offered: BoundedMap[str, float] = BoundedMap(OFFER_MEMORY)

    async def subscribed(self, sender: str) -> AlertSubscription | None:
        """The user's subscription if alerts are on."""
        async with self._repository.session() as session:
            row = await session.get(AlertSubscription, sender)
            return row if row is not None and row.enabled else None

    async def set(self, sender: str, enabled: bool) -> None:
        """Turn alerts on or off for the user."""
        async with self._repository.session() as session:
            row = await session.get(AlertSubscription, sender)
            if row is None:
                session.add(AlertSubscription(sender_id=sender, enabled=enabled, changed_at=utcnow()))
            else:  # turning alerts on again also says the user no longer blocks the bot
                row.enabled, row.changed_at, row.blocked_at = enabled, utcnow(), None
        log.info("job alerts turned %s", "on" if enabled else "off")

    async def answer(self, sender: str, language: str, choice: str | None = None) -> list[Rendered]:
        """/alerts (choice None: show the state) or one of its buttons (alerts:on / alerts:off / alerts:no)."""
        self._offered.pop(sender)
        if choice == ALERTS_DECLINE:
            return [self._renderer.text(language, ALERTS_DECLINED)]
        try:
            if choice in (ALERTS_ON, ALERTS_OFF):
                await self.set(sender, choice == ALERTS_ON)
            enabled = await self.subscribed(sender) is not None
        except StorageUnavailable:
            log.warning("alert settings unavailable: database unavailable")
            return [self._renderer.text(language, ALERTS_STORAGE_DOWN)]
        translate = self._renderer.translator(language)
        button = (
            Button(translate(ALERTS_TURN_OFF), ALERTS_OFF) if enabled else Button(translate(ALERTS_TURN_ON), ALERTS_ON)
        )
        return [replace_buttons(self._renderer.text(language, ALERTS_ARE_ON if enabled else ALERTS_ARE_OFF), (button,))]

    async def offer(self, sender: str, language: str) -> list[Rendered]:
        """At the end of the registration: ask for the alerts consent (nothing if alerts are on already)."""
        try:
            if await self.subscribed(sender) is not None:
                return []
        except StorageUnavailable:
            return []
        self._offered.put(sender, self._clock())
        translate = self._renderer.translator(language)
        buttons = (Button(translate(ALERTS_YES), ALERTS_ON), Button(translate(ALERTS_NO), ALERTS_DECLINE))
        return [replace_buttons(self._renderer.text(language, ALERTS_OFFER), buttons)]

    async def typed(self, sender: str, text: str, language: str) -> list[Rendered] | None:
        """A typed yes/no to the alerts question just asked, or "stop"; None: the message goes on to Rasa."""
        asked = self._offered.pop(sender)
        if asked is not None and self._clock() - asked <= OFFER_SECONDS:
            if _whole(text) in YES_WORDS:
                return await self.answer(sender, language, ALERTS_ON)
            if _whole(text) in NO_WORDS:
                return await self.answer(sender, language, ALERTS_DECLINE)
        return await self.stop(sender, text, language)

    async def stop(self, sender: str, text: str, language: str) -> list[Rendered] | None:
        """A stop word from a subscribed user outside the form ends alerts; None: the message goes on to Rasa."""
        if not is_stop_word(text):
            return None
        try:
            if await self.subscribed(sender) is None or await self._dialogue.active_form(sender) is not None:
                return None
            await self.set(sender, False)
        except StorageUnavailable:
            log.warning("stop word not applied: database unavailable")
            return [self._renderer.text(language, ALERTS_STORAGE_DOWN)]
        return [self._renderer.text(language, ALERTS_STOPPED)]

    async def forget(self, sender: str) -> None:
        """Erase the user's alert consent and the alerts sent to them (/delete, retention)."""
        self._offered.pop(sender)
        async with self._repository.session() as session:
            await session.execute(delete(AlertSubscription).where(AlertSubscription.sender_id == sender))
            await session.execute(delete(AlertDelivery).where(AlertDelivery.sender_id == sender))

    async def my_data(self, sender: str, language: str) -> list[Rendered]:
        """The /mydata lines about alerts: since when they are on, and how many were sent (nothing if none)."""
        try:
            row = await self.subscribed(sender)
            async with self._repository.session() as session:
                sent = await session.scalar(
                    select(func.count()).select_from(AlertDelivery).where(AlertDelivery.sender_id == sender)
                )
        except StorageUnavailable:
            return []
        lines = []
        if row is not None:
            since = self._renderer.date(language, row.changed_at)
            lines.append(self._renderer.text(language, ALERTS_IN_MY_DATA, since=since))
        if sent:
            lines.append(self._renderer.text(language, ALERTS_SENT_IN_MY_DATA, count=sent))
        return lines

    async def purge_older_than(self, before: datetime) -> int:
        """Retention: the alert consent of someone who never registered and has not touched it since `before`."""
        registered = select(User.sender_id)
        async with self._repository.session() as session:
            result = await session.execute(
                delete(AlertSubscription).where(
                    AlertSubscription.changed_at < before, AlertSubscription.sender_id.not_in(registered)
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)
