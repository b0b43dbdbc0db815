"""Turning a finished profile into a lead and storing it exactly once (the route rules are in bot/routes.py).

A confirmed registration
reaches us as a `store_lead` job on the durable queue (contract/queue.py, run by bot/worker.py); the adapter's
reply to the user only renders the confirmation.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.repository import LeadRecord, Repository, SavedLead
from bot.routes import recommend_route

log = logging.getLogger(__name__)

class InvalidProfile(ValueError):
    """The dialogue engine sent a profile we cannot store."""


@dataclass(frozen=True)
class Profile:
    """A validated registration profile."""

    full_name: str
    phone: str
    city: str
    age: int
    education: str
    field: str
    japanese_level: str
    experience_years: int
    has_passport: bool

    @classmethod
    def from_payload(cls, data: Any) -> Profile:
        """Check types and ranges of the engine's profile (it has validated them; we do not trust the wire)."""
        if not isinstance(data, dict):
            raise InvalidProfile("profile is not an object")
        try:
            profile = cls(
                full_name=str(data["full_name"])[:120],
                phone=str(data["phone"])[:20],
                city=str(data["city"])[:80],
                age=int(data["age"]),
                education=str(data["education"]),
                field=str(data["field"]),
                japanese_level=str(data["japanese_level"]),
                experience_years=int(data["experience_years"]),
                has_passport=bool(data["has_passport"]),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InvalidProfile(f"profile field missing or malformed: {err}") from err
        if not profile.phone.startswith("+") or not 16 <= profile.age <= 60 or not 0 <= profile.experience_years <= 45:
            raise InvalidProfile("profile value out of range")
        return profile


class StaffNotifier(Protocol):
    """Tells staff about a new or updated lead."""

    async def announce(self, lead_id: int, profile: Profile, language: str, route: str, created: bool) -> None:
        """Send the announcement."""
        ...


@dataclass(frozen=True)
class LeadJob:
    """One confirmed registration as the action server queued it: who, which form run, and the answers."""

    sender_id: str
    form_run: str
    language: str
    payload: dict[str, Any]
    source: str = "telegram"

    def record(self) -> LeadRecord:
        """The lead to store (raises InvalidProfile for a malformed profile)."""
        profile = Profile.from_payload(self.payload.get("profile"))
        return LeadRecord(
            sender_id=self.sender_id,
            profile=asdict(profile),
            language=self.language,
            route=recommend_route(profile),
            consent_at=_parse_time(self.payload.get("consent_at")),
            consent_version=str(self.payload.get("consent_version") or "unknown"),
            source=self.source,
        )


class LeadService:
    """Stores queued registrations idempotently (one row per user and form run) and renders what the user sees."""

    def __init__(self, repository: Repository) -> None:
        self._repository = repository

    @staticmethod
    def route_for(payload: dict[str, Any]) -> str:
        """The route to suggest for a confirmed profile (raises InvalidProfile for a malformed one)."""
        return recommend_route(Profile.from_payload(payload.get("profile")))

    async def store(self, job: LeadJob) -> SavedLead | None:
        """Write the job's lead once; None if this form run was stored before or the user erased their data since."""
        return await self._repository.store_submission(job.record(), job.form_run)

    async def already_stored(self, job: LeadJob) -> bool:
        """True if the job's form run is in the database (a concurrent duplicate, not a poison entry)."""
        return await self._repository.submitted(job.sender_id, job.form_run)


def _parse_time(value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
