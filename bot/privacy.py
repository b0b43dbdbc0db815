"""Owns the user's rights over their data: see it (/mydata), erase it (/delete), and the retention promise.

Erasure covers every store that can hold something about a user: the lead and its history, topics,
handoff cases, the language choice, and Rasa's tracker store (TRACKER_STORE_URL). Leads still waiting in the
job queue are covered by the erasure marker `Repository.delete_user` writes: the worker drops them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot import replies, texts
from bot.alerts import AlertService
from bot.dialogue import Button
from bot.handoff import HandoffService
from bot.history import ConversationHistory
from bot.job_alerts import JobInterest
from bot.language import LanguageService
from bot.replies import Rendered, Renderer, replace_buttons
from bot.repository import Repository, StorageUnavailable

log = logging.getLogger(__name__)

DELETE_PAYLOAD_PREFIX = "del:"
DELETE_YES, DELETE_NO = f"{DELETE_PAYLOAD_PREFIX}yes", f"{DELETE_PAYLOAD_PREFIX}no"


class NoHistory:
    """Rasa's store when TRACKER_STORE_URL=none: nothing of ours to erase there."""

    async def erase(self, sender_id: str) -> int:
        """Nothing to erase."""
        return 0

    async def scrub_abandoned(self, sender_id: str) -> int:
        """Nothing to scrub."""
        return 0

    async def purge_silent(self, before: datetime) -> int:
        """Nothing to purge."""
        return 0

    async def dispose(self) -> None:
        """Nothing to close."""


@dataclass(frozen=True)
class Erasure:
    """What one erasure removed, store by store (logged as counts, never as content)."""

    database: bool
    tracker_events: int
    cases: int


class PrivacyService:
    """/mydata, /delete and the retention purge."""

    def __init__(
        self,
        repository: Repository,
        history: ConversationHistory | NoHistory,
        languages: LanguageService,
        handoffs: HandoffService,
        renderer: Renderer,
        alerts: AlertService,
        jobs: JobInterest,
    ) -> None:
        self._repository = repository
        self._history = history
        self._languages = languages
        self._handoffs = handoffs
        self._renderer = renderer
        self._alerts = alerts
        self._jobs = jobs

    async def my_data(self, sender: str, language: str) -> list[Rendered]:
        """Everything we hold about the user, fully localized: the registration, job applications, alert consent."""
        registration = await self._registration_data(sender, language)
        applications = await self._jobs.my_data(sender, language)
        return [*registration, *applications, *await self._alerts.my_data(sender, language)]

    async def _registration_data(self, sender: str, language: str) -> list[Rendered]:
        try:
            data = await self._repository.user_data(sender)
            chosen = await self._languages.chosen(sender)
        except StorageUnavailable:
            log.exception("database unavailable for /mydata")
            return [self._renderer.text(language, texts.STORAGE_DOWN)]
        if data is None or data.lead is None:
            if chosen is None:
                return [self._renderer.text(language, texts.MY_DATA_NONE)]
            return [self._renderer.text(language, texts.MY_DATA_LANGUAGE_ONLY, chosen=replies.language_name(chosen))]
        translate = self._renderer.translator(language)
        topics = ", ".join(translate(replies.topic_label(topic)) for topic in dict.fromkeys(t for t, _ in data.topics))
        return [
            self._renderer.text(
                language,
                texts.MY_DATA,
                summary=self._renderer.summary(language, data.lead).text,
                created=self._renderer.date(language, data.lead["created_at"]),
                consent_version=data.lead["consent_version"],
                status=translate(replies.status_label(str(data.lead["status"]))),
                topics=topics or "-",
            )
        ]

    def confirm_delete(self, language: str) -> list[Rendered]:
        """/delete: ask for confirmation first."""
        translate = self._renderer.translator(language)
        buttons = (Button(translate(texts.DELETE_YES), DELETE_YES), Button(translate(texts.DELETE_NO), DELETE_NO))
        return [replace_buttons(self._renderer.text(language, texts.CONFIRM_DELETE), buttons)]

    async def delete(self, sender: str, language: str, confirmed: bool) -> list[Rendered]:
        """Erase everything after a confirmed /delete; says so only once every store answered."""
        if not confirmed:
            return [self._renderer.text(language, texts.DELETE_KEPT)]
        try:
            erasure = await self.erase(sender)
        except StorageUnavailable:
            log.exception("could not erase a user's data")
            return [self._renderer.text(language, texts.STORAGE_DOWN)]
        log.info(
            "erased a user: database rows %s, tracker events %d, cases %d",
            "yes" if erasure.database else "none",
            erasure.tracker_events,
            erasure.cases,
        )
        return [self._renderer.text(language, texts.DELETED)]

    async def erase(self, sender: str) -> Erasure:
        """Remove the user from every store; raises StorageUnavailable if one cannot be reached."""
        cases = await self._handoffs.forget(sender)
        await self._alerts.forget(sender)
        await self._jobs.forget(sender)
        database = await self._repository.delete_user(sender)
        await self._languages.forget(sender)
        events = await self._history.erase(sender)
        return Erasure(database=database, tracker_events=events, cases=cases)

    async def forget_abandoned(self, sender: str) -> None:
        """After a turn: a registration declined or cancelled leaves none of its answers in Rasa's store."""
        try:
            await self._history.scrub_abandoned(sender)
        except StorageUnavailable:
            log.warning("could not check Rasa's store for an abandoned registration: it is retried next turn")

    async def purge_inactive(self, retention: timedelta) -> int:
        """Erase everything about registered users silent for longer than `retention` (as the consent text says),
        language choices not renewed in that time, handoff cases closed before it, and Rasa's conversations
        silent for that long."""
        before = datetime.now(UTC) - retention
        senders = await self._repository.inactive_senders(before)
        for sender in senders:
            await self.erase(sender)
        await self._languages.purge_older_than(before)
        await self._alerts.purge_older_than(before)
        # Conversations of users who never registered (or whose lead was erased) follow the same period.
        await self._history.purge_silent(before)
        await self._handoffs.purge_closed_before(before)
        return len(senders)
