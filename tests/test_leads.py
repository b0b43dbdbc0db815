"""Leads: storage on SQLite and PostgreSQL, including a database that is down."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.leads import InvalidProfile, LeadService, Profile
from bot.migrations import migrate
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


async def test_one_lead_per_user_with_history(database_url: str, tmp_path: Path) -> None:
    await migrate(database_url)
    repository = Repository(database_url)
    service = LeadService(repository, tmp_path / "outbox.jsonl")
    try:
        first = await service.submit("tg-1", payload(), "ur", "telegram")
        second = await service.submit("tg-1", payload(city="Karachi", japanese_level="n4"), "ur", "telegram")
        assert first.stored and second.stored and first.route == "engineer_degree"
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


async def test_database_down_keeps_the_lead_and_writes_it_later(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    down = Repository("postgresql://postgres@127.0.0.1:1/none", connect_args={"timeout": 2})
    service = LeadService(down, outbox)
    outcome = await service.submit("tg-2", payload(field="construction", japanese_level="jlpt_n4"), "en", "telegram")
    assert not outcome.stored and outcome.route == "ssw_ready"
    assert "+923001234567" in outbox.read_text()
    assert await service.flush_outbox() == 0 and outbox.exists(), "still down: the lead stays in the outbox"
    await down.dispose()

    url = f"sqlite:///{tmp_path / 'back.db'}"
    await migrate(url)
    repository = Repository(url)
    try:
        assert await LeadService(repository, outbox).flush_outbox() == 1
        assert not outbox.exists()
        data = await repository.user_data("tg-2")
        assert data is not None and data.lead is not None and data.lead["field"] == "construction"
    finally:
        await repository.dispose()


async def test_forget_removes_a_user_from_the_outbox(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    down = Repository("postgresql://postgres@127.0.0.1:1/none", connect_args={"timeout": 2})
    service = LeadService(down, outbox)
    await service.submit("tg-3", payload(), "en", "telegram")
    await service.submit("tg-4", payload(), "en", "telegram")
    await service.forget("tg-3")
    assert outbox.read_text().count("tg-4") == 1 and "tg-3" not in outbox.read_text()
    await down.dispose()


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
