"""Shared fixtures: compiled catalogs, the real Rasa server, and a real PTB Application over a fake Bot API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.app import build_application, build_assistant
from bot.chat import TelegramApp
from bot.config import PROJECT_ROOT, Settings
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.rasa_server import rasa_server

LOCALES = PROJECT_ROOT / "locales"


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    """The compiled catalogs (`make test` compiles them first)."""
    loaded = Catalogs.load(LOCALES)
    assert loaded.languages == ("en", "ur", "ur_Latn"), "compile the catalogs with `make i18n-compile`"
    return loaded


@pytest.fixture(scope="session")
def rasa_url() -> Iterator[str]:
    """A real Rasa server with the trained model, shared by the whole session."""
    with rasa_server() as url:
        yield url


class Harness:
    """A real Application wired like production, with the Bot API faked at the HTTP edge."""

    def __init__(self, application: TelegramApp, telegram: FakeTelegram) -> None:
        self.application = application
        self.telegram = telegram

    async def send(self, update: dict[str, Any]) -> None:
        """Feed one update through the application's handlers."""
        await self.application.process_update(Update.de_json(update, self.application.bot))


@pytest.fixture
async def make_harness() -> AsyncIterator[Callable[..., Any]]:
    """Build harnesses around a given dialogue client; shuts them down afterwards."""
    started: list[TelegramApp] = []

    async def build(dialogue: DialogueClient, env: dict[str, str] | None = None) -> Harness:
        settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **(env or {})})
        telegram = FakeTelegram()
        request = HTTPXRequest(httpx_kwargs={"transport": telegram.transport()})
        builder = (
            ApplicationBuilder()
            .request(request)
            .get_updates_request(HTTPXRequest(httpx_kwargs={"transport": telegram.transport()}))
        )
        application = build_application(settings, build_assistant(settings, dialogue), dialogue, builder=builder)
        await application.initialize()
        started.append(application)
        return Harness(application, telegram)

    yield build
    for application in started:
        await application.shutdown()


def fake_rasa(reply: Callable[[dict[str, Any]], httpx.Response]) -> DialogueClient:
    """A dialogue client whose Rasa server is faked at the HTTP edge: `reply` gets the request body."""

    def handle(request: httpx.Request) -> httpx.Response:
        return reply(json.loads(request.content))

    return DialogueClient("http://rasa.test", 5.0, transport=httpx.MockTransport(handle))
