"""Composition root: builds the services once and wires them to the chosen front end."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from telegram.ext import AIORateLimiter, ApplicationBuilder

from bot.assistant import Assistant
from bot.chat import ChatAdapter, TelegramApp, TelegramStaffNotifier
from bot.config import Settings
from bot.console import run_console
from bot.dialogue import DialogueClient
from bot.history import ConversationHistory
from bot.i18n import Catalogs
from bot.leads import LeadService, StaffNotifier
from bot.replies import Renderer
from bot.repository import Repository

log = logging.getLogger(__name__)

TelegramAppBuilder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]


@dataclass
class Services:
    """Long-lived resources, opened once and closed on shutdown."""

    dialogue: DialogueClient
    repository: Repository
    history: ConversationHistory | None

    @classmethod
    def open(cls, settings: Settings, dialogue: DialogueClient | None = None) -> Services:
        """Create the clients (connections are made lazily)."""
        return cls(
            dialogue=dialogue or DialogueClient(settings.rasa_url, settings.rasa_timeout),
            repository=Repository(settings.database_url),
            history=ConversationHistory(settings.tracker_db_url) if settings.tracker_db_url else None,
        )

    async def close(self) -> None:
        """Close every connection pool."""
        await self.dialogue.aclose()
        await self.repository.dispose()
        if self.history is not None:
            await self.history.dispose()


def build_assistant(
    settings: Settings, services: Services, notifier: StaffNotifier | None, source: str
) -> tuple[Assistant, LeadService]:
    """The channel-independent assistant and its lead service, with catalogs loaded once."""
    catalogs = Catalogs.load(settings.locales_dir)
    leads = LeadService(services.repository, settings.outbox_path, notifier)
    assistant = Assistant(
        services.dialogue,
        Renderer(catalogs),
        catalogs.languages,
        settings.default_language,
        leads=leads,
        repository=services.repository,
        history=services.history,
        source=source,
    )
    return assistant, leads


def build_application(settings: Settings, services: Services, builder: TelegramAppBuilder | None = None) -> TelegramApp:
    """The Telegram application: handlers registered, the outbox retried, resources closed on shutdown."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to serve Telegram")
    tasks: list[asyncio.Task[None]] = []

    async def start_outbox(application: TelegramApp) -> None:
        await leads.flush_outbox()
        tasks.append(asyncio.create_task(leads.run_outbox_retries()))

    async def shutdown(_: TelegramApp) -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await services.close()

    builder = builder or ApplicationBuilder()
    application = (
        builder.token(settings.telegram_token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(start_outbox)
        .post_shutdown(shutdown)
        .build()
    )
    notifier = TelegramStaffNotifier(application.bot, settings.staff_chat_id) if settings.staff_chat_id else None
    assistant, leads = build_assistant(settings, services, notifier, source="telegram")
    ChatAdapter(assistant).register(application)
    return application


async def serve_console(settings: Settings) -> None:
    """The terminal chat on the same assistant (leads are stored too, with source "console")."""
    services = Services.open(settings)
    assistant, leads = build_assistant(settings, services, None, source="console")
    try:
        await leads.flush_outbox()
        await run_console(assistant)
    finally:
        await services.close()


def serve_telegram(settings: Settings) -> None:
    """Long polling until interrupted."""
    application = build_application(settings, Services.open(settings))
    log.info("serving Telegram by long polling")
    application.run_polling(allowed_updates=["message", "callback_query"])
