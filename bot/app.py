"""Composition root: builds the services once and wires them to the chosen front end."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.ext import AIORateLimiter, ApplicationBuilder

from bot.assistant import Assistant, StaffDesk
from bot.chat import ChatAdapter, TelegramApp, TelegramStaffDesk, TelegramStaffNotifier
from bot.config import Settings
from bot.console import run_console
from bot.dialogue import DialogueClient
from bot.history import ConversationHistory
from bot.i18n import Catalogs
from bot.leads import LeadService, StaffNotifier
from bot.migrations import upgrade_database
from bot.replies import Renderer
from bot.repository import Repository, StorageUnavailable
from bot.throttle import Throttle

log = logging.getLogger(__name__)

TelegramAppBuilder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = ["message", "callback_query"]


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
            dialogue=dialogue or DialogueClient(list(settings.rasa_urls), settings.rasa_timeout),
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
    settings: Settings, services: Services, notifier: StaffNotifier | None, source: str, desk: StaffDesk | None = None
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
        desk=desk,
        handoff_timeout=timedelta(hours=settings.handoff_timeout_hours),
        throttle=Throttle(burst=settings.throttle_burst, rate=settings.throttle_per_minute / 60),
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
        tasks.append(asyncio.create_task(purge_daily(assistant, timedelta(days=settings.retention_days))))

    async def shutdown(_: TelegramApp) -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await assistant.drain()
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
    staff_chat = settings.staff_chat_id
    notifier = TelegramStaffNotifier(application.bot, staff_chat) if staff_chat else None
    desk = TelegramStaffDesk(application.bot, staff_chat) if staff_chat else None
    assistant, leads = build_assistant(settings, services, notifier, source="telegram", desk=desk)
    ChatAdapter(assistant, staff_chat_id=staff_chat).register(application)
    return application


async def serve_console(settings: Settings) -> None:
    """The terminal chat on the same assistant (leads are stored too, with source "console")."""
    services = Services.open(settings)
    assistant, leads = build_assistant(settings, services, None, source="console")
    try:
        await leads.flush_outbox()
        await run_console(assistant)
    finally:
        await assistant.drain()
        await services.close()


def serve_telegram(settings: Settings) -> None:
    """Webhook mode if TELEGRAM_WEBHOOK_URL is set, else long polling; until interrupted."""
    services = Services.open(settings)
    application = build_application(settings, services)
    if settings.webhook_url and settings.webhook_secret:
        asyncio.run(serve_webhook(settings, application, services))
        return
    log.info("serving Telegram by long polling")
    application.run_polling(allowed_updates=ALLOWED_UPDATES)


async def serve_webhook(settings: Settings, application: TelegramApp, services: Services) -> None:
    """Receive updates on 127.0.0.1:WEBHOOK_PORT behind an HTTPS proxy; register the webhook with Telegram."""
    import uvicorn

    from bot.webhook import create_webhook_app

    assert settings.webhook_url and settings.webhook_secret  # checked by Settings
    checks = {"rasa": services.dialogue.is_ready, "database": services.repository.is_ready}
    web = create_webhook_app(application, settings.webhook_secret, checks)
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=settings.webhook_port, log_level="warning"))
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
    )
    await application.start()
    log.info("serving Telegram by webhook on 127.0.0.1:%d", settings.webhook_port)
    try:
        await server.serve()
    finally:
        await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def purge_daily(assistant: Assistant, retention: timedelta) -> None:
    """Erase registered users silent for longer than the retention period, once a day (a background task)."""
    while True:
        try:
            erased = await assistant.purge_inactive(retention)
        except StorageUnavailable:
            log.warning("retention purge postponed: database unavailable")
        else:
            if erased:
                log.info("retention: erased %d inactive user(s)", erased)
        await asyncio.sleep(24 * 3600)


def purge(settings: Settings) -> int:
    """`python -m bot purge`: run the retention purge once (for cron or an operator)."""

    async def run() -> int:
        services = Services.open(settings)
        assistant, _ = build_assistant(settings, services, None, source="purge")
        try:
            return await assistant.purge_inactive(timedelta(days=settings.retention_days))
        finally:
            await services.close()

    upgrade_database(settings.database_url)
    erased = asyncio.run(run())
    print(f"erased {erased} user(s) inactive for more than {settings.retention_days} days")
    return 0


def serve_dashboard(settings: Settings) -> None:
    """The staff dashboard on 127.0.0.1:DASHBOARD_PORT until interrupted."""
    import uvicorn

    from bot.staff.app import create_dashboard

    upgrade_database(settings.database_url)
    app = create_dashboard(settings, Repository(settings.database_url))
    uvicorn.run(app, host="127.0.0.1", port=settings.dashboard_port, log_level="warning")


def add_staff(settings: Settings, email: str, role: str = "recruiter") -> int:
    """Create (or reset) a staff account with a role; the password is read from STAFF_PASSWORD or asked for."""
    import getpass
    import os

    from bot.staff.accounts import AccountError, StaffAccounts

    password = os.environ.get("STAFF_PASSWORD") or getpass.getpass(f"Password for {email}: ")
    upgrade_database(settings.database_url)

    async def add() -> None:
        repository = Repository(settings.database_url)
        try:
            await StaffAccounts(repository).add(email, password, role)
        finally:
            await repository.dispose()

    try:
        asyncio.run(add())
    except AccountError as err:
        print(f"error: {err}")
        return 2
    print(f"staff account {email.strip().lower()} ({role}) is ready")
    return 0
