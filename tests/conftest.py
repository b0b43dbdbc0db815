"""Shared fixtures: compiled catalogs, the real Rasa server, and a real PTB Application over a fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.app import Services, build_application
from bot.chat import TelegramApp
from bot.config import PROJECT_ROOT, Settings
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.migrations import migrate
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.rasa_server import rasa_server, session_queue_url

LOCALES = PROJECT_ROOT / "locales"


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    """The compiled catalogs (`make test` compiles them first)."""
    loaded = Catalogs.load(LOCALES)
    assert loaded.languages == ("en", "ur", "ur_Latn"), "compile the catalogs with `make i18n-compile`"
    return loaded


@pytest.fixture(scope="session", autouse=True)
def fresh_session_queue() -> Iterator[None]:
    """This run's job queue starts empty and is removed afterwards."""
    path = Path(session_queue_url().removeprefix("sqlite:///"))
    path.unlink(missing_ok=True)
    yield
    path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def rasa_url() -> Iterator[str]:
    """A real Rasa server with the trained model, shared by the whole session."""
    with rasa_server() as url:
        yield url


class Harness:
    """A real Application wired like production, with the Bot API faked at the HTTP edge."""

    def __init__(self, application: TelegramApp, telegram: FakeTelegram, settings: Settings) -> None:
        self.application = application
        self.telegram = telegram
        self.settings = settings

    async def send(self, update: dict[str, Any]) -> None:
        """Feed one update through the application's handlers."""
        await self.application.process_update(Update.de_json(update, self.application.bot))


async def build_harness(
    tmp_path: Path, dialogue: DialogueClient, env: dict[str, str] | None = None, telegram: FakeTelegram | None = None
) -> Harness:
    """A real Application wired by the composition root, on a fresh SQLite database, over a fake Bot API."""
    defaults = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "QUEUE_URL": session_queue_url(),
        "TRACKER_STORE_URL": "none",
        # Scripted users type faster than people; test_chat.py checks the throttle itself.
        "THROTTLE_BURST": "1000",
    }
    settings = Settings.from_env({**defaults, **(env or {})})
    await migrate(settings.database_url)
    telegram = telegram or FakeTelegram()
    builder = (
        ApplicationBuilder()
        .request(HTTPXRequest(httpx_kwargs={"transport": telegram.transport()}))
        .get_updates_request(HTTPXRequest(httpx_kwargs={"transport": telegram.transport()}))
    )
    application = build_application(settings, Services.open(settings, dialogue), builder=builder)
    await application.initialize()
    application.bot_data["lead_worker"].start(asyncio.get_running_loop())  # the lead queue's worker, as `run` has
    return Harness(application, telegram, settings)


async def stop_harness(harness: Harness) -> None:
    """Shut the application down and close our services."""
    await harness.application.shutdown()
    await harness.application.post_shutdown(harness.application)  # type: ignore[misc]


@pytest.fixture
async def make_harness(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """Build harnesses around a given dialogue client; shuts them down afterwards."""
    started: list[Harness] = []

    async def build(
        dialogue: DialogueClient, env: dict[str, str] | None = None, telegram: FakeTelegram | None = None
    ) -> Harness:
        harness = await build_harness(tmp_path, dialogue, env, telegram)
        started.append(harness)
        return harness

    yield build
    for harness in started:
        await stop_harness(harness)


def fake_rasa(reply: Callable[[dict[str, Any]], httpx.Response]) -> DialogueClient:
    """A dialogue client whose Rasa server is faked at the HTTP edge: `reply` gets the request body."""

    def handle(request: httpx.Request) -> httpx.Response:
        return reply(json.loads(request.content))

    return DialogueClient("http://rasa.test", 5.0, transport=httpx.MockTransport(handle))


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 20.0) -> None:
    """Wait until the queue's worker has done its part (it runs beside the conversation)."""
    for _ in range(int(seconds * 10)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the queued work did not happen in time")


POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the machine's server; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(  # NullPool: a fresh connection each time, so a server restart does not break teardown
        POSTGRES_ADMIN_URL.replace("postgresql:", "postgresql+psycopg:", 1),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
