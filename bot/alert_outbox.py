"""Owns the job alerts' outbox in the database: who gets which alert, and what became of each one.

- `fan_out` hands out an opening's alerts once (the opening's `alerts_started_at`, set in the same
  transaction as the rows): one row per matching, opted-in, not-blocked user, in their language.
- `claim` takes the next due row and marks it "sending" before the message goes out; `settle` records the
  outcome. A row still "sending" after a crash is settled "unconfirmed" by `recover` and never sent again: the
  message may have arrived, and a second copy is worse than the small chance that it did not.
- The user's consent is checked again at the moment of sending: someone who said "stop", turned alerts off,
  blocked the bot or erased their data after the opening was published gets nothing ("skipped").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.matching import deadline_passed, fits
from bot.models import AlertDelivery, AlertSubscription, Application, JobOpening, Lead, Preference, User, utcnow
from bot.repository import Repository

PENDING, SENDING, SENT, FAILED, BLOCKED, SKIPPED, UNCONFIRMED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "blocked",
    "skipped",
    "unconfirmed",
)
CLAIM_SKIPS = 200  # rows a single claim may settle as "skipped" before it gives back control


@dataclass(frozen=True)
class Claimed:
    """A delivery being sent: to whom, in which language, about which opening."""

    delivery_id: int
    sender_id: str
    language: str
    attempts: int
    opening: JobOpening


@dataclass(frozen=True)
class Progress:
    """An opening's alerts, for its page: sent, pending, failed (failed, blocked, unconfirmed), interested."""

    sent: int = 0
    pending: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    interested: int = 0
    not_for_me: int = 0
    applications: int = 0


class AlertOutbox:
    """The deliveries table; each public method is one transaction."""

    def __init__(self, repository: Repository) -> None:
        self._repository = repository

    async def unstarted_openings(self) -> list[int]:
        """Published, open openings whose alerts were not handed out yet."""
        async with self._repository.session() as session:
            rows = await session.scalars(
                select(JobOpening.id).where(
                    JobOpening.status == "published",
                    JobOpening.is_open.is_(True),
                    JobOpening.alerts_started_at.is_(None),
                )
            )
            return list(rows)

    async def fan_out(self, opening_id: int, now: datetime | None = None) -> int:
        """Create the opening's deliveries once; 0 if it is not published or was handed out already."""
        now = now or utcnow()
        async with self._repository.session() as session:
            opening = await session.get(JobOpening, opening_id, with_for_update=True)
            if opening is None or opening.status != "published" or not opening.is_open:
                return 0
            if opening.alerts_started_at is not None:
                return 0
            opening.alerts_started_at = now
            already = set(
                await session.scalars(select(AlertDelivery.sender_id).where(AlertDelivery.opening_id == opening_id))
            )  # none, unless the opening's start mark was cleared by hand: nobody gets a second copy
            candidates = await session.execute(
                select(Lead, User.sender_id, Preference.language)
                .join(User, User.id == Lead.user_id)
                .join(AlertSubscription, AlertSubscription.sender_id == User.sender_id)
                .outerjoin(Preference, Preference.sender_id == User.sender_id)
                .where(
                    AlertSubscription.enabled.is_(True),
                    AlertSubscription.blocked_at.is_(None),
                    Lead.field == opening.field,
                    Lead.status.not_in(("rejected", "placed")),
                    Lead.source == "telegram",  # alerts go out on Telegram; a terminal-chat user has no chat there
                )
                .order_by(Lead.id)
            )
            rows = [
                {
                    "opening_id": opening_id,
                    "sender_id": sender,
                    "language": chosen or lead.language,
                    "status": PENDING,
                    "attempts": 0,
                    "not_before": now,
                    "created_at": now,
                    "error": "",
                    "response": "",
                }
                for lead, sender, chosen in candidates
                if sender not in already and fits(lead, opening, now)
            ]
            if rows:
                await session.execute(insert(AlertDelivery), rows)
            return len(rows)

    async def claim(self, now: datetime, busy: Iterable[str] = ()) -> Claimed | None:
        """The next due delivery (none to a chat in `busy`), marked "sending"; None when nothing is due."""
        busy = list(busy)
        async with self._repository.session() as session:
            for _ in range(CLAIM_SKIPS):
                query = select(AlertDelivery).where(AlertDelivery.status == PENDING, AlertDelivery.not_before <= now)
                if busy:
                    query = query.where(AlertDelivery.sender_id.not_in(busy))
                row = await session.scalar(query.order_by(AlertDelivery.id).limit(1).with_for_update(skip_locked=True))
                if row is None:
                    return None
                subscription = await session.get(AlertSubscription, row.sender_id)
                opening = await session.get(JobOpening, row.opening_id)
                if subscription is None or not subscription.enabled or subscription.blocked_at is not None:
                    row.status, row.error = SKIPPED, "alerts off"
                elif opening is None or opening.status != "published" or not opening.is_open:
                    row.status, row.error = SKIPPED, "opening closed"
                elif deadline_passed(opening.deadline, now):  # held by quiet hours or retries beyond its deadline
                    row.status, row.error = SKIPPED, "deadline passed"
                else:
                    row.status, row.claimed_at, row.attempts = SENDING, now, row.attempts + 1
                    chosen = await session.get(Preference, row.sender_id)  # the language as it is now
                    language = chosen.language if chosen is not None else row.language
                    return Claimed(row.id, row.sender_id, language, row.attempts, opening)
                await session.flush()
        return None

    async def settle(self, delivery_id: int, status: str, message_id: int | None = None, error: str = "") -> None:
        """Record a delivery's outcome (sent, failed, blocked, unconfirmed)."""
        async with self._repository.session() as session:
            await session.execute(
                update(AlertDelivery)
                .where(AlertDelivery.id == delivery_id)
                .values(
                    status=status,
                    message_id=message_id,
                    error=error[:200],
                    sent_at=utcnow() if status == SENT else None,
                )
            )

    async def release(self, delivery_id: int, not_before: datetime, error: str, count_attempt: bool = True) -> None:
        """Put a delivery back to wait until `not_before` (Telegram asked us to slow down, or the network failed)."""
        async with self._repository.session() as session:
            row = await session.get(AlertDelivery, delivery_id)
            # "unconfirmed" too: a recovery round may have settled a claim whose request was still being retried
            if row is not None and row.status in (SENDING, UNCONFIRMED):
                row.status, row.not_before, row.error = PENDING, not_before, error[:200]
                if not count_attempt:
                    row.attempts = max(0, row.attempts - 1)

    async def block(self, sender: str) -> None:
        """Telegram said the user blocked the bot: no more alerts are tried until they turn alerts on again."""
        async with self._repository.session() as session:
            await session.execute(
                update(AlertSubscription).where(AlertSubscription.sender_id == sender).values(blocked_at=utcnow())
            )

    async def recover(self, claimed_before: datetime) -> int:
        """Settle deliveries left "sending" by a process that died as "unconfirmed" (never resent)."""
        async with self._repository.session() as session:
            result = await session.execute(
                update(AlertDelivery)
                .where(AlertDelivery.status == SENDING, AlertDelivery.claimed_at < claimed_before)
                .values(status=UNCONFIRMED, error="the process stopped while this alert was being sent")
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def next_due(self) -> datetime | None:
        """When the earliest pending delivery is due (None: nothing pending)."""
        async with self._repository.session() as session:
            due: datetime | None = await session.scalar(
                select(func.min(AlertDelivery.not_before)).where(AlertDelivery.status == PENDING)
            )
            return due

    async def progress(self, opening_id: int) -> Progress:
        """The opening's delivery counts and answers."""
        async with self._repository.session() as session:
            counts = await _count_by(session, AlertDelivery.status, opening_id)
            answers = await _count_by(session, AlertDelivery.response, opening_id)
            applications = await session.scalar(
                select(func.count()).select_from(Application).where(Application.opening_id == opening_id)
            )
        return Progress(
            sent=counts.get(SENT, 0),
            pending=counts.get(PENDING, 0) + counts.get(SENDING, 0),
            failed=counts.get(FAILED, 0) + counts.get(UNCONFIRMED, 0),
            blocked=counts.get(BLOCKED, 0),
            skipped=counts.get(SKIPPED, 0),
            interested=answers.get("interested", 0),
            not_for_me=answers.get("not_for_me", 0),
            applications=int(applications or 0),
        )

    async def forget(self, sender: str) -> None:
        """Erase the user's deliveries (/delete, retention)."""
        async with self._repository.session() as session:
            await session.execute(delete(AlertDelivery).where(AlertDelivery.sender_id == sender))


async def _count_by(session: AsyncSession, column: Any, opening_id: int) -> dict[str, int]:
    """The opening's deliveries counted by `column` (status or answer)."""
    rows = await session.execute(
        select(column, func.count()).where(AlertDelivery.opening_id == opening_id).group_by(column)
    )
    # Not dict(rows): a Result has keys() (its column names), so dict() would read it as a mapping.
    return {value: count for value, count in rows}


def stale_before(now: datetime, seconds: float) -> datetime:
    """The claim time before which a "sending" row belongs to a process that is gone."""
    return now - timedelta(seconds=seconds)
