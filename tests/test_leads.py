"""Leads: storage on SQLite and PostgreSQL, including a database that is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.leads import InvalidProfile, LeadJob, LeadService, Profile
from bot.migrations import migrate
from bot.models import LeadEvent
from bot.repository import Repository, StorageUnavailable

BASE = Profile(
    full_name="Ali Raza",
    phone="+923001234567",
    city="Lahore",
    age=24,
    education="bachelor",
    field="it",
    japanese_level="none",
    experience_years=2,
    has_passport=True,
)


def payload(**changes: Any) -> dict[str, Any]:
    profile = {**BASE.__dict__, **changes}
    return {
        "kind": "lead_complete",
        "profile": profile,
        "consent_at": "2026-11-22T10:00:00+00:00",
        "consent_version": "2026-11-v1",
    }


def test_profile_from_the_wire_is_checked() -> None:
    with pytest.raises(InvalidProfile):
        Profile.from_payload({"full_name": "x"})
    with pytest.raises(InvalidProfile):
        Profile.from_payload({**BASE.__dict__, "age": 5})
    with pytest.raises(InvalidProfile):
        Profile.from_payload({**BASE.__dict__, "phone": "0300"})


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'leads.db'}"
    return str(request.getfixturevalue("postgres_url"))


def job(sender: str, run: str = "2026-11-22T10:00:00+00:00", language: str = "ur", **changes: Any) -> LeadJob:
    """A queued registration as the action server enqueues it."""
    return LeadJob(sender, run, language, {**payload(**changes), "consent_at": run}, "telegram")


async def test_one_lead_per_user_with_history(database_url: str) -> None:
    await migrate(database_url)
    repository = Repository(database_url)
    service = LeadService(repository)
    try:
        first = await service.store(job("tg-1"))
        second = await service.store(job("tg-1", "2026-11-23T09:00:00+00:00", city="Karachi", japanese_level="jlpt_n4"))
        assert first is not None and first.created and second is not None and not second.created
        assert LeadService.route_for(payload()) == "engineer_degree"
        assert await repository.count_leads() == 1
        await repository.record_topic("tg-1", "ssw")
        await repository.record_topic("someone-else", "fraud")  # anonymous: no user row is created
        data = await repository.user_data("tg-1")
        assert data is not None and data.lead is not None
        assert data.lead["city"] == "Karachi" and data.lead["status"] == "new"
        assert data.lead["consent_version"] == "2026-11-v1"
        assert [topic for topic, _ in data.topics] == ["ssw"]
        assert await repository.user_data("someone-else") is None
        assert await repository.delete_user("tg-1") is True
        assert await repository.user_data("tg-1") is None
        assert await repository.count_leads() == 0
    finally:
        await repository.dispose()


async def test_a_form_run_is_stored_once_and_not_after_erasure(database_url: str) -> None:
    await migrate(database_url)
    repository = Repository(database_url)
    service = LeadService(repository)
    try:
        assert await service.store(job("tg-5")) is not None
        assert await service.store(job("tg-5", city="Multan")) is None, "a replay of the same form run"
        assert await service.already_stored(job("tg-5"))
        data = await repository.user_data("tg-5")
        assert data is not None and data.lead is not None and data.lead["city"] == "Lahore"
        async with repository.session() as session:
            events = await session.scalar(select(func.count(LeadEvent.id)))
        assert events == 1, "a replay adds no history either"

        await service.store(job("tg-6"))
        await repository.delete_user("tg-6")
        assert await service.store(job("tg-6")) is None, "queued before /delete: dropped"
        assert await repository.user_data("tg-6") is None
        later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
        assert await service.store(job("tg-6", later)) is not None, "a new consent after /delete is a new lead"
    finally:
        await repository.dispose()


async def test_migrations_up_and_down(database_url: str) -> None:
    await migrate(database_url)
    repository = Repository(database_url)
    assert await repository.count_leads() == 0
    await migrate(database_url, "base", down=True)
    with pytest.raises(StorageUnavailable):
        await repository.count_leads()
    await migrate(database_url)
    assert await repository.count_leads() == 0
    await repository.dispose()


async def test_storage_errors_are_typed(tmp_path: Path) -> None:
    repository = Repository(f"sqlite:///{tmp_path / 'empty.db'}")  # no migrations: tables are missing
    with pytest.raises(StorageUnavailable):
        await repository.count_leads()
    await repository.dispose()
