"""Owns handing a conversation to a person: the case (in the database), what staff see of it, and the way back.

While a case is open the bot stays quiet and the user's messages go to the staff chat; a staff member's
reply to the bot's own case message (matched by its Telegram message id) reaches that case's user.
What staff see is masked: phone numbers and long digit runs never reach a group.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, select

from bot.models import Handoff, utcnow
from bot.repository import Repository, StorageUnavailable

log = logging.getLogger(__name__)

CONTEXT_MESSAGES = 5
CONTEXT_CHARS = 500
_DIGIT_RUN = re.compile(r"\+?\d[\d\s()./-]{4,}\d")  # \d includes Urdu and Arabic-Indic digits
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def mask(text: str) -> str:
    """The text with phone numbers, CNICs and other digit runs and e-mail addresses replaced."""
    masked = _DIGIT_RUN.sub(
        lambda m: "[number hidden]" if sum(c.isdigit() for c in m.group(0)) >= 6 else m.group(0), text
    )
    return _EMAIL.sub("[e-mail hidden]", masked)[:CONTEXT_CHARS]


class DeskUnavailable(RuntimeError):
    """The staff chat could not be reached (not configured, or Telegram refused)."""


class StaffDesk(Protocol):
    """Where cases are shown to people (the staff Telegram chat)."""

    async def post_case(self, case_id: int, language: str, messages: list[str]) -> int:
        """Show staff a new case; returns the id of the message staff reply to."""
        ...

    async def forward(self, case_id: int, staff_message_id: int | None, text: str) -> None:
        """Show staff a further message of the case's user."""
        ...


class NoDesk:
    """The desk of a deployment without a staff chat (the terminal chat, or no STAFF_CHAT_ID)."""

    async def post_case(self, case_id: int, language: str, messages: list[str]) -> int:
        """Always unavailable."""
        raise DeskUnavailable("no staff chat is configured")

    async def forward(self, case_id: int, staff_message_id: int | None, text: str) -> None:
        """Always unavailable."""
        raise DeskUnavailable("no staff chat is configured")


@dataclass(frozen=True)
class Case:
    """An open case."""

    id: int
    sender_id: str
    language: str
    staff_message_id: int | None


class HandoffService:
    """Opens, feeds and closes cases; keeps the user's recent messages (masked, bounded) as their context."""

    def __init__(self, repository: Repository, desk: StaffDesk, timeout: timedelta) -> None:
        self._repository = repository
        self._desk = desk
        self._timeout = timeout

    async def open(self, sender: str, language: str, recent: list[str]) -> bool:
        """Open a case and post it to staff; False (and no case left open) if staff cannot be reached."""
        context = [mask(text) for text in recent[-CONTEXT_MESSAGES:]]
        async with self._repository.session() as session:
            case = await session.scalar(select(Handoff).where(Handoff.sender_id == sender, Handoff.closed_at.is_(None)))
            if case is None:
                case = Handoff(sender_id=sender, language=language, context=context)
                session.add(case)
                await session.flush()
            case_id = case.id
        try:
            message_id = await self._desk.post_case(case_id, language, context)
        except DeskUnavailable:
            log.warning("handoff case %d not delivered to staff; closed", case_id)
            await self._close(case_id, "undeliverable")
            return False
        async with self._repository.session() as session:
            row = await session.get(Handoff, case_id)
            if row is not None:
                row.staff_message_id = message_id
        log.info("handoff case %d opened", case_id)
        return True

    async def active(self, sender: str) -> Case | None:
        """The user's open case, unless it timed out (then it is closed here)."""
        async with self._repository.session() as session:
            row = await session.scalar(select(Handoff).where(Handoff.sender_id == sender, Handoff.closed_at.is_(None)))
            if row is None:
                return None
            opened = row.opened_at if row.opened_at.tzinfo else row.opened_at.replace(tzinfo=UTC)
            if utcnow() - opened > self._timeout:
                row.closed_at, row.closed_by = utcnow(), "timeout"
                log.info("handoff case %d closed by timeout", row.id)
                return None
            return Case(row.id, row.sender_id, row.language, row.staff_message_id)

    async def relay(self, case: Case, text: str) -> bool:
        """Pass a message of the user to staff (masked); False if staff cannot be reached (the case is closed)."""
        masked = mask(text)
        async with self._repository.session() as session:
            row = await session.get(Handoff, case.id)
            if row is not None:
                row.context = [*list(row.context or []), masked][-CONTEXT_MESSAGES:]
        try:
            await self._desk.forward(case.id, case.staff_message_id, masked)
        except DeskUnavailable:
            log.warning("handoff case %d: staff chat unreachable; case closed", case.id)
            await self._close(case.id, "undeliverable")
            return False
        return True

    async def case_of_staff_message(self, staff_message_id: int) -> Case | None:
        """The open case whose staff-chat message this is."""
        async with self._repository.session() as session:
            row = await session.scalar(
                select(Handoff).where(Handoff.staff_message_id == staff_message_id, Handoff.closed_at.is_(None))
            )
            return None if row is None else Case(row.id, row.sender_id, row.language, row.staff_message_id)

    async def close(self, case_id: int, closed_by: str) -> Case | None:
        """Close a case; returns it, or None if it was not open."""
        async with self._repository.session() as session:
            row = await session.get(Handoff, case_id)
            if row is None or row.closed_at is not None:
                return None
            row.closed_at, row.closed_by = utcnow(), closed_by[:120]
            log.info("handoff case %d closed by staff", case_id)
            return Case(row.id, row.sender_id, row.language, row.staff_message_id)

    async def _close(self, case_id: int, reason: str) -> None:
        try:
            await self.close(case_id, reason)
        except StorageUnavailable:
            log.warning("handoff case %d could not be closed: database unavailable", case_id)

    async def purge_closed_before(self, before: datetime) -> int:
        """Erase cases closed before `before` (retention)."""
        async with self._repository.session() as session:
            result = await session.execute(delete(Handoff).where(Handoff.closed_at < before))
            return int(getattr(result, "rowcount", 0) or 0)

    async def forget(self, sender: str) -> int:
        """Erase the user's cases (part of /delete)."""
        async with self._repository.session() as session:
            result = await session.execute(delete(Handoff).where(Handoff.sender_id == sender))
            return int(getattr(result, "rowcount", 0) or 0)
