"""Owns applications: a lead's "I'm interested" in an opening, and staff moving it along the workflow.

applied → shortlisted → interview → selected, or not selected from any step before the last; every change
is kept with who made it, when and the note. Applying is idempotent (one row per opening and lead, also when
two taps race). A user who tapped "I'm interested" before having a profile applies once their lead is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.matching import deadline_passed
from bot.models import AlertDelivery, Application, ApplicationEvent, JobOpening, Lead, User, utcnow
from bot.repository import Repository, StorageRejected

APPLIED, SHORTLISTED, INTERVIEW, SELECTED, NOT_SELECTED, WITHDRAWN = (
    "applied",
    "shortlisted",
    "interview",
    "selected",
    "not_selected",
    "withdrawn",  # the user tapped "Not for me" before staff took it further ("I'm interested" reopens it)
)
WORKFLOW: dict[str, tuple[str, ...]] = {
    APPLIED: (SHORTLISTED, NOT_SELECTED),
    SHORTLISTED: (INTERVIEW, NOT_SELECTED),
    INTERVIEW: (SELECTED, NOT_SELECTED),
    SELECTED: (),
    NOT_SELECTED: (),
    WITHDRAWN: (),
}
STATUS_NAMES = {
    APPLIED: "applied",
    SHORTLISTED: "shortlisted",
    INTERVIEW: "interview",
    SELECTED: "selected",
    NOT_SELECTED: "not selected",
    WITHDRAWN: "withdrawn by the user",
}
# What a user agrees, by tapping "I'm interested", may reach the employer (the alert says so): never the phone
# number, the Telegram id or anything else of the profile.
SHARED_FIELDS = ("full_name", "age", "city", "education", "field", "japanese_level", "experience_years", "has_passport")
INTERESTED, NOT_FOR_ME = "interested", "not_for_me"


class OpeningUnavailable(LookupError):
    """The opening does not exist, or it is no longer published."""


class TransitionRefused(ValueError):
    """A status change the workflow does not allow."""


@dataclass(frozen=True)
class Applied:
    """The application made (or found: `created` False) by an "I'm interested"."""

    application_id: int
    created: bool
    at: datetime
    opening: JobOpening


@dataclass(frozen=True)
class Applicant:
    """An application with its lead, for the opening's page and the shortlist."""

    application: Application
    lead: Lead


class ApplicationStore:
    """Applications in the database; each public method is one transaction."""

    def __init__(self, repository: Repository) -> None:
        self._repository = repository

    async def open_opening(self, opening_id: int) -> JobOpening:
        """The opening if it is published, open and its deadline has not passed; raises OpeningUnavailable."""
        async with self._repository.session() as session:
            opening = await session.get(JobOpening, opening_id)
        if opening is None or opening.status != "published" or not opening.is_open or deadline_passed(opening.deadline):
            raise OpeningUnavailable(f"job opening {opening_id} is not open")
        return opening

    async def touch(self, sender: str) -> None:
        """A tap on an alert is activity too (retention counts from it; it shows the bot is not blocked)."""
        await self._repository.touch(sender)

    async def alerted(self, sender: str, opening_id: int) -> bool:
        """Whether we sent the user this opening's alert (its buttons are theirs to tap)."""
        async with self._repository.session() as session:
            return await _delivery(session, sender, opening_id) is not None

    async def respond(self, sender: str, opening_id: int, response: str) -> None:
        """Record the user's answer on the alert's buttons."""
        async with self._repository.session() as session:
            delivery = await _delivery(session, sender, opening_id)
            if delivery is not None:
                delivery.response = response

    async def apply(self, sender: str, opening_id: int) -> Applied | None:
        """Apply the user's lead to the opening (once); None when the user has no lead yet."""
        opening = await self.open_opening(opening_id)
        try:
            async with self._repository.session() as session:
                lead = await _lead_of(sender, session)
                if lead is None:
                    return None
                found = await _application(session, opening_id, lead.id)
                if found is not None and found.status == WITHDRAWN:  # "Not for me", then interested again
                    session.add(ApplicationEvent(application_id=found.id, from_status=WITHDRAWN, to_status=APPLIED))
                    found.status, found.updated_at = APPLIED, utcnow()
                    return Applied(found.id, True, found.created_at, opening)
                if found is not None:
                    return Applied(found.id, False, found.created_at, opening)
                row = Application(opening_id=opening_id, lead_id=lead.id, sender_id=sender, status=APPLIED)
                row.shared_fields = list(SHARED_FIELDS)
                row.history = [ApplicationEvent(actor="user", from_status="", to_status=APPLIED)]
                session.add(row)
                await session.flush()
                return Applied(row.id, True, row.created_at or utcnow(), opening)
        except StorageRejected:  # a second tap won the race: its application is the one
            async with self._repository.session() as session:
                lead = await _lead_of(sender, session)
                found = await _application(session, opening_id, lead.id) if lead is not None else None
            if found is None:
                raise
            return Applied(found.id, False, found.created_at, opening)

    async def withdraw(self, sender: str, opening_id: int) -> tuple[Application, str] | None:
        """ "Not for me" after "I'm interested": an application still waiting for review is withdrawn; one staff
        took further is kept (the caller says so). The application and its opening's title; None: none."""
        async with self._repository.session() as session:
            found = (
                await session.execute(
                    select(Application, JobOpening.title)
                    .join(JobOpening, JobOpening.id == Application.opening_id)
                    .where(Application.sender_id == sender, Application.opening_id == opening_id)
                )
            ).first()
            if found is None:
                return None
            row, title = found
            if row.status == APPLIED:
                session.add(ApplicationEvent(application_id=row.id, from_status=APPLIED, to_status=WITHDRAWN))
                row.status, row.updated_at = WITHDRAWN, utcnow()
            return row, title

    async def apply_pending(self, sender: str) -> int:
        """After a lead is stored: apply to the open openings the user said "I'm interested" to before."""
        async with self._repository.session() as session:
            wanted = list(
                await session.scalars(
                    select(AlertDelivery.opening_id).where(
                        AlertDelivery.sender_id == sender, AlertDelivery.response == INTERESTED
                    )
                )
            )
        made = 0
        for opening_id in wanted:
            try:
                applied = await self.apply(sender, opening_id)
            except OpeningUnavailable:
                continue
            made += bool(applied and applied.created)
        return made

    async def of_sender(self, sender: str) -> list[tuple[Application, JobOpening]]:
        """The user's applications with their openings, oldest first (for /mydata)."""
        return await self._with_openings(Application.sender_id == sender, Application.id)

    async def of_lead(self, lead_id: int) -> list[tuple[Application, JobOpening]]:
        """A lead's applications with their openings, newest first (the lead's page)."""
        return await self._with_openings(Application.lead_id == lead_id, Application.id.desc())

    async def _with_openings(self, where: Any, order: Any) -> list[tuple[Application, JobOpening]]:
        async with self._repository.session() as session:
            rows = await session.execute(
                select(Application, JobOpening)
                .join(JobOpening, JobOpening.id == Application.opening_id)
                .where(where)
                .order_by(order)
            )
            return [(application, opening) for application, opening in rows]

    async def applicants(self, opening_id: int) -> list[Applicant]:
        """The opening's applicants with their leads and histories, in the order they applied."""
        async with self._repository.session() as session:
            rows = await session.execute(
                select(Application, Lead)
                .join(Lead, Lead.id == Application.lead_id)
                .where(Application.opening_id == opening_id)
                .options(selectinload(Application.history))
                .order_by(Application.id)
            )
            return [Applicant(application, lead) for application, lead in rows]

    async def change_status(self, application_id: int, status: str, note: str, actor: str) -> Application:
        """Move an application one step along the workflow, keeping who, when and the note."""
        async with self._repository.session() as session:
            row = await session.get(Application, application_id)
            if row is None:
                raise LookupError(f"no application {application_id}")
            if status not in WORKFLOW.get(row.status, ()):
                raise TransitionRefused(f"an application that is {STATUS_NAMES[row.status]} cannot become {status}")
            session.add(
                ApplicationEvent(
                    application_id=row.id,
                    actor=actor,
                    from_status=row.status,
                    to_status=status,
                    note=note.strip()[:2000],
                )
            )
            row.status, row.updated_at = status, utcnow()
            return row

    async def forget(self, sender: str) -> int:
        """Erase the user's applications and their histories (/delete, retention)."""
        async with self._repository.session() as session:
            ids = select(Application.id).where(Application.sender_id == sender).scalar_subquery()
            await session.execute(delete(ApplicationEvent).where(ApplicationEvent.application_id.in_(ids)))
            result = await session.execute(delete(Application).where(Application.sender_id == sender))
            return int(getattr(result, "rowcount", 0) or 0)


async def _delivery(session: AsyncSession, sender: str, opening_id: int) -> AlertDelivery | None:
    return await session.scalar(
        select(AlertDelivery).where(
            AlertDelivery.opening_id == opening_id,
            AlertDelivery.sender_id == sender,
            AlertDelivery.status.in_(("sent", "unconfirmed")),  # an alert the user may have seen
        )
    )


async def _lead_of(sender: str, session: AsyncSession) -> Lead | None:
    return await session.scalar(select(Lead).join(User, User.id == Lead.user_id).where(User.sender_id == sender))


async def _application(session: AsyncSession, opening_id: int, lead_id: int) -> Application | None:
    return await session.scalar(
        select(Application).where(Application.opening_id == opening_id, Application.lead_id == lead_id)
    )
