"""Units of work on the database. Each public method owns its transaction."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import selectinload

from bot.models import (
    LEAD_STATUSES,
    AlertSubscription,
    Erasure,
    JobOpening,
    Lead,
    LeadEvent,
    LeadSubmission,
    TopicAsked,
    User,
    utcnow,
)
from contract.profile import PROFILE_FIELDS

log = logging.getLogger(__name__)


class StorageUnavailable(RuntimeError):
    """The database could not be reached or refused the work."""


class StorageRejected(StorageUnavailable):
    """The database answered but rejected the data (a constraint, a value too long): retrying will not help."""


def sender_hash(sender_id: str) -> str:
    """The key of an erasure marker: the user's id is not kept in clear after /delete."""
    return hashlib.sha256(f"japanwork-erasure:{sender_id}".encode()).hexdigest()


def async_url(url: str) -> str:
    """Map plain SQLAlchemy URLs to their asyncio drivers (sqlite → aiosqlite, postgresql → asyncpg)."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    for prefix in ("postgresql:", "postgres:", "postgresql+psycopg2:", "postgresql+psycopg:"):
        if url.startswith(prefix):
            return "postgresql+asyncpg:" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class LeadRecord:
    """What is needed to store a lead."""

    sender_id: str
    profile: dict[str, Any]
    language: str
    route: str
    consent_at: datetime
    consent_version: str
    source: str = "telegram"


@dataclass(frozen=True)
class SavedLead:
    """The stored lead's id and whether it was new."""

    lead_id: int
    created: bool


@dataclass(frozen=True)
class UserData:
    """Everything held about one user, for /mydata."""

    language: str
    first_seen: datetime
    lead: dict[str, Any] | None
    topics: list[tuple[str, datetime]] = field(default_factory=list)


class Repository:
    """Database access for the adapter and the dashboard."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.engine: AsyncEngine = create_async_engine(async_url(url), pool_pre_ping=True, **engine_options)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed on success, rolled back on error; database errors become StorageUnavailable."""
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except (SQLAlchemyError, OSError, ConnectionError) as err:
            if _rejected(err):
                raise StorageRejected(f"database rejected the data: {type(err).__name__}") from err
            raise StorageUnavailable(f"database error: {type(err).__name__}") from err

    async def save_lead(self, record: LeadRecord) -> SavedLead:
        """Insert or update the user's lead and append to its history."""
        async with self.session() as session:
            return await _upsert_lead(session, record)

    async def store_submission(self, record: LeadRecord, form_run: str) -> SavedLead | None:
        """Store the lead of one confirmed form run exactly once: None if this run was stored already, or the
        user erased their data after it (then nothing of it may be kept)."""
        async with self.session() as session:
            marker = select(Erasure.erased_at).where(Erasure.sender_hash == sender_hash(record.sender_id))
            erased = await session.scalar(marker)
            if erased is not None and erased.replace(tzinfo=erased.tzinfo or UTC) >= record.consent_at:
                return None
            if await _submitted(session, record.sender_id, form_run):
                return None
            session.add(LeadSubmission(sender_id=record.sender_id, form_run=form_run))
            await session.flush()
            return await _upsert_lead(session, record)

    async def submitted(self, sender_id: str, form_run: str) -> bool:
        """True if this form run's lead is stored."""
        async with self.session() as session:
            return await _submitted(session, sender_id, form_run)

    async def touch(self, sender_id: str) -> None:
        """The user was active now: retention counts from here, and a 403 block (job alerts) is evidently over."""
        async with self.session() as session:
            await session.execute(update(User).where(User.sender_id == sender_id).values(last_seen=utcnow()))
            blocked = (AlertSubscription.sender_id == sender_id, AlertSubscription.blocked_at.is_not(None))
            await session.execute(update(AlertSubscription).where(*blocked).values(blocked_at=None))

    async def inactive_senders(self, before: datetime) -> list[str]:
        """Registered users whose last message is older than `before`."""
        async with self.session() as session:
            return list(await session.scalars(select(User.sender_id).where(User.last_seen < before)))

    async def record_topic(self, sender_id: str, topic: str) -> None:
        """Count a question's topic; linked to the user only if they registered (consented)."""
        async with self.session() as session:
            user_id = await session.scalar(select(User.id).where(User.sender_id == sender_id))
            session.add(TopicAsked(user_id=user_id, topic=topic))

    async def user_data(self, sender_id: str) -> UserData | None:
        """Everything held about a user, or None."""
        async with self.session() as session:
            user = await session.scalar(
                select(User)
                .where(User.sender_id == sender_id)
                .options(selectinload(User.lead), selectinload(User.topics))
            )
            if user is None:
                return None
            lead = None
            if user.lead is not None:
                lead = {key: getattr(user.lead, key) for key in PROFILE_FIELDS}
                lead.update(
                    status=user.lead.status,
                    consent_at=user.lead.consent_at,
                    consent_version=user.lead.consent_version,
                    created_at=user.lead.created_at,
                )
            topics = sorted(((t.topic, t.asked_at) for t in user.topics), key=lambda item: item[1])
            return UserData(language=user.language, first_seen=user.first_seen, lead=lead, topics=topics)

    async def delete_user(self, sender_id: str) -> bool:
        """Erase the user, their lead, its history, submissions and topics. True if they had a registration."""
        async with self.session() as session:
            # Work still queued for this user (a lead confirmed just before /delete) must not be stored later.
            marker = sender_hash(sender_id)
            await session.execute(delete(Erasure).where(Erasure.sender_hash == marker))
            session.add(Erasure(sender_hash=marker, erased_at=utcnow()))
            # Handoff cases are erased by their own home (bot/handoff.py, called by bot/privacy.py).
            user_id = await session.scalar(select(User.id).where(User.sender_id == sender_id))
            if user_id is None:
                return False
            lead_ids = select(Lead.id).where(Lead.user_id == user_id).scalar_subquery()
            await session.execute(delete(LeadEvent).where(LeadEvent.lead_id.in_(lead_ids)))
            await session.execute(delete(Lead).where(Lead.user_id == user_id))
            await session.execute(delete(TopicAsked).where(TopicAsked.user_id == user_id))
            await session.execute(delete(LeadSubmission).where(LeadSubmission.sender_id == sender_id))
            await session.execute(delete(User).where(User.id == user_id))
            return True

    async def change_status(self, lead_id: int, status: str, note: str, actor: str) -> None:
        """Move a lead along new → contacted → qualified → placed / rejected, recording who, when and why."""
        if status not in LEAD_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        async with self.session() as session:
            lead = await session.get(Lead, lead_id)
            if lead is None:
                raise LookupError(f"no lead {lead_id}")
            previous, lead.status, lead.updated_at = lead.status, status, utcnow()
            session.add(
                LeadEvent(
                    lead_id=lead_id,
                    kind="status",
                    actor=actor,
                    note=note.strip()[:2000],
                    snapshot={"from": previous, "to": status},
                )
            )

    async def open_jobs(
        self, field: str | None = None, japanese_level: str | None = None, limit: int = 5
    ) -> list[JobOpening]:
        """Published, open vacancies whose deadline has not passed; those matching field and level first."""
        now = utcnow()
        async with self.session() as session:
            rows = list(
                await session.scalars(
                    select(JobOpening)
                    .where(JobOpening.is_open.is_(True), JobOpening.status == "published")
                    .where((JobOpening.deadline.is_(None)) | (JobOpening.deadline >= now))
                    .order_by(JobOpening.created_at.desc())
                )
            )
        rows.sort(key=lambda job: (job.field != field, job.japanese_level != japanese_level))
        return rows[:limit]

    async def lead_of(self, sender_id: str) -> Lead | None:
        """The user's lead, if they registered."""
        async with self.session() as session:
            return await session.scalar(select(Lead).join(User).where(User.sender_id == sender_id))

    async def count_leads(self) -> int:
        """How many leads there are."""
        async with self.session() as session:
            return int(await session.scalar(select(func.count(Lead.id))) or 0)

    async def is_ready(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self.session() as session:
                await session.execute(select(1))
        except StorageUnavailable:
            return False
        return True

    async def dispose(self) -> None:
        """Close the connection pool."""
        await self.engine.dispose()


def _rejected(err: BaseException) -> bool:
    """A data or constraint error (SQLSTATE classes 22, 23): the same record would be refused again."""
    sqlstate = str(getattr(getattr(err, "orig", None), "sqlstate", "") or "")
    return isinstance(err, IntegrityError | DataError) or sqlstate.startswith(("22", "23"))


async def _submitted(session: AsyncSession, sender_id: str, form_run: str) -> bool:
    run = select(LeadSubmission.id).where(LeadSubmission.sender_id == sender_id, LeadSubmission.form_run == form_run)
    return await session.scalar(run) is not None


async def _upsert_lead(session: AsyncSession, record: LeadRecord) -> SavedLead:
    """Insert or update the user's lead in `session` and append to its history."""
    profile = {key: record.profile[key] for key in PROFILE_FIELDS}
    user = await session.scalar(select(User).where(User.sender_id == record.sender_id))
    if user is None:
        user = User(sender_id=record.sender_id, language=record.language)
        session.add(user)
        await session.flush()
    user.language, user.last_seen = record.language, utcnow()
    lead = await session.scalar(select(Lead).where(Lead.user_id == user.id))
    created = lead is None
    if lead is None:
        lead = Lead(
            user_id=user.id,
            status="new",
            **profile,
            language=record.language,
            route=record.route,
            source=record.source,
            consent_at=record.consent_at,
            consent_version=record.consent_version,
        )
        session.add(lead)
    else:
        for key, value in profile.items():
            setattr(lead, key, value)
        lead.language, lead.route, lead.updated_at = record.language, record.route, utcnow()
        lead.consent_at, lead.consent_version = record.consent_at, record.consent_version
    await session.flush()
    session.add(
        LeadEvent(
            lead_id=lead.id,
            kind="created" if created else "updated",
            snapshot={**profile, "route": record.route},
        )
    )
    return SavedLead(lead_id=lead.id, created=created)

