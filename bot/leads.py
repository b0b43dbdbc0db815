"""Turning a finished profile into a lead: validation and durable saving (the route rules are in bot/routes.py)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from bot.repository import LeadRecord, Repository, StorageUnavailable
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
class LeadOutcome:
    """What happened to a submitted lead: stored now, or kept in the outbox until the database is back."""

    route: str
    stored: bool


class LeadService:
    """Saves leads; if the database is down the lead is appended to a durable outbox and retried later."""

    def __init__(self, repository: Repository, outbox: Path, notifier: StaffNotifier | None = None) -> None:
        self._repository = repository
        self._outbox = outbox
        self._notifier = notifier
        self._outbox_lock = asyncio.Lock()

    async def submit(self, sender_id: str, payload: dict[str, Any], language: str, source: str) -> LeadOutcome:
        """Store a finished registration (raises InvalidProfile for a malformed one)."""
        profile = Profile.from_payload(payload.get("profile"))
        consent_at = _parse_time(payload.get("consent_at"))
        record = LeadRecord(
            sender_id=sender_id,
            profile=asdict(profile),
            language=language,
            route=recommend_route(profile),
            consent_at=consent_at,
            consent_version=str(payload.get("consent_version") or "unknown"),
            source=source,
        )
        try:
            saved = await self._repository.save_lead(record)
        except StorageUnavailable:
            log.warning("database unavailable; lead kept in the outbox")
            await self._append_outbox(record)
            return LeadOutcome(route=record.route, stored=False)
        await self._announce(saved.lead_id, profile, record, saved.created)
        return LeadOutcome(route=record.route, stored=True)

    async def flush_outbox(self) -> int:
        """Write leads kept in the outbox to the database; returns how many were written."""
        async with self._outbox_lock:
            if not self._outbox.exists():
                return 0
            lines = [line for line in self._outbox.read_text(encoding="utf-8").splitlines() if line.strip()]
            written = 0
            for index, line in enumerate(lines):
                record = _record_from_json(line)
                try:
                    saved = await self._repository.save_lead(record)
                except StorageUnavailable:
                    self._rewrite_outbox(lines[index:])
                    return written
                written += 1
                await self._announce(saved.lead_id, Profile.from_payload(record.profile), record, saved.created)
            self._outbox.unlink()
            return written

    async def forget(self, sender_id: str) -> None:
        """Remove a user's leads that are still waiting in the outbox."""
        async with self._outbox_lock:
            if not self._outbox.exists():
                return
            lines = self._outbox.read_text(encoding="utf-8").splitlines()
            self._rewrite_outbox(
                [line for line in lines if line.strip() and _record_from_json(line).sender_id != sender_id]
            )

    async def run_outbox_retries(self, interval: float = 30.0) -> None:
        """Retry the outbox forever (a background task)."""
        while True:
            await asyncio.sleep(interval)
            written = await self.flush_outbox()
            if written:
                log.info("wrote %d lead(s) from the outbox", written)

    async def _announce(self, lead_id: int, profile: Profile, record: LeadRecord, created: bool) -> None:
        if self._notifier is None:
            return
        try:
            await self._notifier.announce(lead_id, profile, record.language, record.route, created)
        except Exception:  # the lead is stored; a failed announcement must not lose or repeat it
            log.exception("staff announcement failed for lead %d", lead_id)

    async def _append_outbox(self, record: LeadRecord) -> None:
        async with self._outbox_lock:
            self._outbox.parent.mkdir(parents=True, exist_ok=True)
            line = json.dumps({**asdict(record), "consent_at": record.consent_at.isoformat()}, ensure_ascii=False)
            with self._outbox.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())

    def _rewrite_outbox(self, lines: list[str]) -> None:
        if not lines:
            self._outbox.unlink(missing_ok=True)
            return
        temporary = self._outbox.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(self._outbox)


def _parse_time(value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _record_from_json(line: str) -> LeadRecord:
    data = json.loads(line)
    data["consent_at"] = _parse_time(data["consent_at"])
    return LeadRecord(**data)
