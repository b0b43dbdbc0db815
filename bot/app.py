"""Owns wiring: the composition root builds every service once and hands it to the chosen front end."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.ext import AIORateLimiter, ApplicationBuilder

from bot.alert_worker import AlertWorker, telegram_alert_worker
from bot.alerts import AlertService
from bot.applications import ApplicationStore
from bot.assistant import Assistant, Collaborators, User
from bot.chat import ChatAdapter, TelegramApp, publish_commands
from bot.config import Settings
from bot.console import run_console
from bot.dialogue import DialogueClient
from bot.handoff import HandoffService, NoDesk, StaffDesk
from bot.history import ConversationHistory
from bot.i18n import Catalogs
from bot.job_alerts import JobInterest
from bot.language import LanguageService
from bot.leads import LeadService, StaffNotifier
from bot.migrations import upgrade_database
from bot.ordering import ChatOrder, MemoryChatOrder, RedisChatOrder
from bot.privacy import NoHistory, PrivacyService
from bot.replies import Rendered, Renderer
from bot.repository import Repository, StorageUnavailable
from bot.staff.telegram import StaffChat, TelegramStaffDesk, TelegramStaffNotifier
from bot.tasks import Background
from bot.throttle import MemoryThrottle, RedisThrottle, Throttle
from bot.worker import LeadWorker

log = logging.getLogger(__name__)

TelegramAppBuilder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = ["message", "callback_query"]
SUPERVISE_SECONDS = 10.0
PURGE_EVERY_SECONDS = 24 * 3600.0


@dataclass
class Services:
    """Long-lived resources, opened once and closed on shutdown."""

    dialogue: DialogueClient
    repository: Repository
    history: ConversationHistory | NoHistory
    redis: Any | None
    queue_location: str

    @classmethod
    def open(cls, settings: Settings, dialogue: DialogueClient | None = None) -> Services:
        """Create the clients (connections are made lazily)."""
        redis = None
        if settings.redis_url:
            from redis.asyncio import Redis

            redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
        return cls(
            dialogue=dialogue or DialogueClient(list(settings.dialogue_urls), settings.rasa_timeout),
            repository=Repository(settings.database_url),
            history=ConversationHistory(settings.tracker_store_url) if settings.tracker_store_url else NoHistory(),
            redis=redis,
            queue_location=settings.queue_location,
        )

    async def close(self) -> None:
        """Close every connection pool."""
        await self.dialogue.aclose()
        await self.repository.dispose()
        await self.history.dispose()
        if self.redis is not None:
            await self.redis.aclose()


@dataclass
class Product:
    """What a front end runs: the turn, and the services behind it."""

    assistant: Assistant
    leads: LeadService
    privacy: PrivacyService
    handoffs: HandoffService
    languages: LanguageService
    renderer: Renderer
    background: Background
    worker: LeadWorker
    jobs: JobInterest
    alert_worker: AlertWorker | None = None  # only where alerts can be delivered (Telegram)

    async def job_button(self, user: User, payload: str) -> list[Rendered]:
        """A tap on a job alert's button, in the user's language (registration first if there is no profile)."""
        language = await self.assistant.language_for(user)
        return await self.jobs.answer(user.sender_id, language, payload, lambda: self.assistant.apply(user))


def build_product(
    settings: Settings,
    services: Services,
    source: str,
    notifier: StaffNotifier | None = None,
    desk: StaffDesk | None = None,
) -> Product:
    """The channel-independent assistant and every service it uses, with catalogs loaded once."""
    catalogs = Catalogs.load(settings.locales_dir)
    renderer = Renderer(catalogs)
    repository = services.repository
    languages = LanguageService(repository, catalogs.languages, settings.default_language)
    leads = LeadService(repository)
    applications = ApplicationStore(repository)
    worker = LeadWorker(services.queue_location, leads, repository, notifier, applications)
    handoffs = HandoffService(repository, desk or NoDesk(), timedelta(hours=settings.handoff_timeout_hours))
    alerts = AlertService(repository, renderer, services.dialogue)
    rate = settings.throttle_per_minute / 60
    throttle: Throttle = (
        RedisThrottle(services.redis, settings.throttle_burst, rate)
        if services.redis is not None
        else MemoryThrottle(settings.throttle_burst, rate)
    )
    jobs = JobInterest(applications, renderer, throttle)
    privacy = PrivacyService(repository, services.history, languages, handoffs, renderer, alerts, jobs)
    background = Background()
    parts = Collaborators(
        dialogue=services.dialogue,
        renderer=renderer,
        languages=languages,
        throttle=throttle,
        handoffs=handoffs,
        privacy=privacy,
        alerts=alerts,
        leads=leads,
        repository=repository,
        background=background,
        source=source,
    )
    return Product(Assistant(parts), leads, privacy, handoffs, languages, renderer, background, worker, jobs)


def start_background(product: Product, settings: Settings) -> None:
    """The queue workers (supervised; job alerts recovered) and the retention purge."""
    retention = timedelta(days=settings.retention_days)
    product.worker.start(asyncio.get_running_loop())
    alerts = product.alert_worker
    if alerts is not None:
        alerts.start(asyncio.get_running_loop())
        product.background.spawn(alerts.recover())

    async def supervise() -> None:
        product.worker.supervise()
        if alerts is not None:
            alerts.supervise()
            await alerts.recover()

    async def purge() -> None:
        try:
            erased = await product.privacy.purge_inactive(retention)
        except StorageUnavailable:
            log.warning("retention purge postponed: database unavailable")
            return
        if erased:
            log.info("retention: erased %d inactive user(s)", erased)

    product.background.every("queue-supervisor", SUPERVISE_SECONDS, supervise)
    product.background.every("retention", PURGE_EVERY_SECONDS, purge)


async def stop_background(product: Product) -> None:
    """Stop the periodic jobs and the queue worker (its running job may need the loop: joined off it)."""
    await product.background.drain()
    await asyncio.to_thread(product.worker.stop)
    if product.alert_worker is not None:
        await asyncio.to_thread(product.alert_worker.stop)


def chat_order(services: Services) -> ChatOrder:
    """Per-chat order: shared through Redis when it is configured (several adapter processes), else in memory."""
    return RedisChatOrder(services.redis) if services.redis is not None else MemoryChatOrder()


def build_application(
    settings: Settings, services: Services, builder: TelegramAppBuilder | None = None, order: ChatOrder | None = None
) -> TelegramApp:
    """The Telegram application: handlers registered, background jobs started, resources closed on shutdown."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to serve Telegram")

    async def start(application: TelegramApp) -> None:
        start_background(product, settings)
        await publish_commands(application)

    async def shutdown(_: TelegramApp) -> None:
        await stop_background(product)
        await services.close()

    builder = builder or ApplicationBuilder()
    application = (
        builder.token(settings.telegram_token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(start)
        .post_shutdown(shutdown)
        .build()
    )
    staff_chat = settings.staff_chat_id
    notifier = TelegramStaffNotifier(application.bot, staff_chat) if staff_chat else None
    desk = TelegramStaffDesk(application.bot, staff_chat) if staff_chat else None
    product = build_product(settings, services, "telegram", notifier, desk)
    product.alert_worker = telegram_alert_worker(
        application.bot,
        product.renderer,
        services.repository,
        services.queue_location,
        settings.alert_rate,
        settings.alert_quiet_hours,
    )
    application.bot_data["lead_worker"] = product.worker  # /healthz reports its dead letters
    application.bot_data["alert_worker"] = product.alert_worker
    if staff_chat:
        StaffChat(
            staff_chat, product.handoffs, product.languages, product.renderer, settings.staff_telegram_ids
        ).register(application)
    ChatAdapter(product.assistant, order or chat_order(services), jobs=product.job_button).register(application)
    return application


async def serve_console(settings: Settings) -> None:
    """The terminal chat on the same assistant (leads are stored too, with source "console")."""
    services = Services.open(settings)
    product = build_product(settings, services, "console")
    try:
        start_background(product, settings)
        await run_console(product.assistant)
    finally:
        await stop_background(product)
        await services.close()


def serve_telegram(settings: Settings) -> None:
    """Webhook mode if TELEGRAM_WEBHOOK_URL is set, else long polling; until SIGTERM or Ctrl-C."""
    services = Services.open(settings)
    order = chat_order(services)
    application = build_application(settings, services, order=order)
    if settings.webhook_url:
        from bot.webhook import serve_webhook

        asyncio.run(serve_webhook(settings, application, services, order))
        return
    log.info("serving Telegram by long polling")
    application.run_polling(allowed_updates=ALLOWED_UPDATES)


def purge(settings: Settings) -> int:
    """`python -m bot purge`: run the retention purge once (for cron or an operator)."""

    async def run() -> int:
        services = Services.open(settings)
        product = build_product(settings, services, "purge")
        try:
            return await product.privacy.purge_inactive(timedelta(days=settings.retention_days))
        finally:
            await services.close()

    upgrade_database(settings.database_url)
    erased = asyncio.run(run())
    print(f"erased {erased} user(s) inactive for more than {settings.retention_days} days")
    return 0
