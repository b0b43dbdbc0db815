"""Retention as the consent text promises: registered users silent for longer than the period are erased."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import create_engine, select, text, update

from bot.app import Services, build_product
from bot.assistant import User
from bot.config import Settings
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.leads import LeadJob, LeadService
from bot.migrations import migrate
from bot.models import Preference
from bot.models import User as UserRow
from tests.conftest import fake_rasa
from tests.rasa_server import ROOT
from tests.test_leads import payload


async def test_inactive_users_are_erased_and_active_ones_kept(tmp_path: Path, catalogs: Catalogs) -> None:
    url = f"sqlite:///{tmp_path / 'retention.db'}"
    await migrate(url)
    settings = Settings(database_url=url, tracker_store_url=None, queue_url=f"sqlite:///{tmp_path / 'queue.db'}")
    services = Services.open(settings, fake_rasa(lambda body: httpx.Response(200, json=[{"text": "ok"}])))
    product = build_product(settings, services, "telegram")
    repository = services.repository
    await LeadService(repository).store(LeadJob("old", "run", "en", payload()))
    await LeadService(repository).store(LeadJob("recent", "run", "en", payload()))
    await repository.record_topic("old", "ssw")
    async with repository.session() as session:
        await session.execute(
            update(UserRow).where(UserRow.sender_id == "old").values(last_seen=datetime.now(UTC) - timedelta(days=400))
        )
    assistant, privacy = product.assistant, product.privacy
    try:
        # A message from the recent user refreshes their activity; the old one stays silent.
        await assistant.text(User("recent"), "What is SSW?")
        await product.background.drain()
        assert await privacy.purge_inactive(timedelta(days=365)) == 1
        assert await repository.user_data("old") is None
        assert await repository.user_data("recent") is not None
        async with repository.session() as session:
            seen = await session.scalar(select(UserRow.last_seen).where(UserRow.sender_id == "recent"))
        assert seen is not None and datetime.now(UTC) - seen.replace(tzinfo=UTC) < timedelta(minutes=1)
        assert await privacy.purge_inactive(timedelta(days=365)) == 0
    finally:
        await services.close()


async def test_language_choices_follow_retention_too(tmp_path: Path, catalogs: Catalogs) -> None:
    url = f"sqlite:///{tmp_path / 'retention.db'}"
    await migrate(url)
    settings = Settings(database_url=url, tracker_store_url=None, queue_url=f"sqlite:///{tmp_path / 'queue.db'}")
    services = Services.open(settings, fake_rasa(lambda body: httpx.Response(200, json=[{"text": "ok"}])))
    product = build_product(settings, services, "telegram")
    try:
        await product.assistant.set_language(User("silent"), "ur")
        await product.assistant.set_language(User("active"), "ur_Latn")
        async with services.repository.session() as session:
            await session.execute(
                update(Preference)
                .where(Preference.sender_id == "silent")
                .values(updated_at=datetime.now(UTC) - timedelta(days=400))
            )
        await product.privacy.purge_inactive(timedelta(days=365))
        async with services.repository.session() as session:
            left = set(await session.scalars(select(Preference.sender_id)))
        assert left == {"active"}
    finally:
        await services.close()


async def test_silent_conversations_leave_rasas_store_too(tmp_path: Path, rasa_url: str, catalogs: Catalogs) -> None:
    dialogue = DialogueClient(rasa_url, 30.0)
    for sender in ("silent-chat", "active-chat"):
        await dialogue.send(sender, "What is SSW?")  # the real Rasa server writes both conversations
    await dialogue.aclose()
    tracker = tmp_path / "tracker.db"
    shutil.copy(ROOT / "data" / f"rasa-test-{urlsplit(rasa_url).port}" / "tracker.db", tracker)
    store = create_engine(f"sqlite:///{tracker}")
    with store.begin() as connection:
        old = (datetime.now(UTC) - timedelta(days=400)).timestamp()
        connection.execute(text("UPDATE events SET timestamp = :t WHERE sender_id = 'silent-chat'"), {"t": old})

    def rows(sender: str) -> int:
        with store.connect() as connection:
            query = text("SELECT count(*) FROM events WHERE sender_id = :s")
            return int(connection.execute(query, {"s": sender}).one()[0])

    url = f"sqlite:///{tmp_path / 'retention.db'}"
    await migrate(url)
    settings = Settings(
        database_url=url, tracker_store_url=f"sqlite:///{tracker}", queue_url=f"sqlite:///{tmp_path / 'queue.db'}"
    )
    services = Services.open(settings, fake_rasa(lambda body: httpx.Response(200, json=[{"text": "ok"}])))
    product = build_product(settings, services, "telegram")
    try:
        assert rows("silent-chat") > 0
        await product.privacy.purge_inactive(timedelta(days=365))
        assert rows("silent-chat") == 0, "never registered, silent for longer than the period: purged"
        assert rows("active-chat") > 0
    finally:
        await services.close()
        store.dispose()
