"""Owns the reply language: an explicit choice (stored in the database, so it outlives restarts and deploys),
else what the message is written in, else the language of the conversation so far."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.bounded import BoundedMap
from bot.i18n import choose_language
from bot.models import Preference, utcnow
from bot.repository import Repository, StorageUnavailable

log = logging.getLogger(__name__)

UNCHOSEN_TTL_SECONDS = 60.0


class LanguageService:
    """Chooses each reply's language and remembers explicit choices in the database."""

    def __init__(
        self, repository: Repository, languages: tuple[str, ...], default: str, cache_size: int = 10_000
    ) -> None:
        self._repository = repository
        self.languages = languages
        self.default = default if default in languages else "en"
        self._chosen: BoundedMap[str, str] = BoundedMap(cache_size)  # a cache of the database's choices
        # Users known to have made no choice, until when (another adapter process may record one meanwhile).
        self._unchosen: BoundedMap[str, float] = BoundedMap(cache_size)
        self._last: BoundedMap[str, str] = BoundedMap(cache_size)  # the language last answered in (a hint)
        self._free_text: BoundedMap[str, bool] = BoundedMap(cache_size)  # next message answers a name/town

    async def for_message(self, sender: str, text: str = "", hint: str | None = None, evidence: bool = True) -> str:
        """The language to answer `sender` in; `evidence=False` for texts that say nothing about it (a name)."""
        if text and self._free_text.pop(sender):
            evidence = False  # "Ali Raza" or "Lahore" is no sign of English
        language = choose_language(
            chosen=await self.chosen(sender),
            text=text if evidence else "",
            previous=self._last.get(sender),
            hint=hint,
            available=self.languages,
            default=self.default,
        )
        self._last.put(sender, language)
        return language

    def expect_free_text(self, sender: str) -> None:
        """The user was just asked for a name or a town: their next message keeps the current language."""
        self._free_text.put(sender, True)

    async def choose(self, sender: str, language: str) -> bool:
        """Record an explicit choice; False if the language is not offered."""
        if language not in self.languages:
            return False
        self._chosen.put(sender, language)
        self._last.put(sender, language)
        self._unchosen.pop(sender)
        try:
            async with self._repository.session() as session:
                row = await session.get(Preference, sender)
                if row is None:
                    session.add(Preference(sender_id=sender, language=language))
                else:
                    row.language, row.updated_at = language, utcnow()
        except StorageUnavailable:
            log.warning("language choice kept in memory only: database unavailable")
        return True

    async def chosen(self, sender: str) -> str | None:
        """The user's explicit choice, if any."""
        cached = self._chosen.get(sender)
        if cached is not None:
            return cached
        if (self._unchosen.get(sender) or 0.0) > time.monotonic():
            return None
        try:
            async with self._repository.session() as session:
                language = await session.scalar(select(Preference.language).where(Preference.sender_id == sender))
        except StorageUnavailable:
            return None
        if language in self.languages:
            self._chosen.put(sender, language)
            return language
        self._unchosen.put(sender, time.monotonic() + UNCHOSEN_TTL_SECONDS)
        return None

    async def of(self, sender: str) -> str:
        """The language to write to a user in outside a turn (a staff reply)."""
        return self._last.get(sender) or await self.chosen(sender) or self.default

    async def touch(self, sender: str) -> None:
        """The user is active: their stored choice is kept for another retention period."""
        async with self._repository.session() as session:
            await session.execute(update(Preference).where(Preference.sender_id == sender).values(updated_at=utcnow()))

    async def forget(self, sender: str) -> None:
        """Erase the user's choice (part of /delete)."""
        self._chosen.pop(sender)
        self._last.pop(sender)
        async with self._repository.session() as session:
            await session.execute(delete(Preference).where(Preference.sender_id == sender))

    async def purge_older_than(self, before: datetime) -> int:
        """Erase choices not renewed since `before` (retention)."""
        async with self._repository.session() as session:
            result = await session.execute(delete(Preference).where(Preference.updated_at < before))
            return int(getattr(result, "rowcount", 0) or 0)
