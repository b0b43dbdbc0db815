"""Owns webhook mode: Telegram POSTs updates here (secret token checked); /healthz tells a load balancer we are up.

Several adapter processes may serve one webhook URL behind a load balancer: with REDIS_URL set they share
the throttle and each chat's order (bot/ordering.py), and everything else lives in the database.
"""

from __future__ import annotations

import hmac
import logging
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.chat import TelegramApp
from bot.ordering import ChatOrder

if TYPE_CHECKING:
    from bot.app import Services
    from bot.config import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000


def create_webhook_app(
    application: TelegramApp,
    secret: str,
    checks: Mapping[str, Callable[[], Awaitable[bool]]],
    order: ChatOrder | None = None,
    path: str = "/telegram",
    reports: Mapping[str, Callable[[], Awaitable[int]]] | None = None,
) -> Starlette:
    """The HTTP front of the adapter in webhook mode; each update takes its place in its chat's order on arrival."""

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("refused a webhook call without the right secret token")
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return PlainTextResponse("too large", status_code=413)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, TypeError, KeyError):
            return PlainTextResponse("not an update", status_code=400)
        if order is not None and update.effective_chat is not None:
            await order.arrived(update.effective_chat.id, update.update_id)
        await application.update_queue.put(update)
        return PlainTextResponse("ok")

    async def health(_: Request) -> Response:
        results = {name: await check() for name, check in checks.items()}
        # Counts (e.g. dead letters of the lead queue) are reported for monitoring; they do not take us out of
        # the load balancer, since every instance shares them.
        counts = {name: await report() for name, report in (reports or {}).items()}
        return JSONResponse({**results, **counts}, status_code=200 if all(results.values()) else 503)

    return Starlette(routes=[Route(path, receive, methods=["POST"]), Route("/healthz", health, methods=["GET"])])


def queue_reports(application: TelegramApp) -> dict[str, Callable[[], Awaitable[int]]]:
    """The counts /healthz adds: entries of the lead queue set aside as poison (bot/worker.py)."""
    worker = application.bot_data.get("lead_worker")
    return {"dead_letters": worker.dead_letters} if worker is not None else {}


class _GracefulServer(uvicorn.Server):
    """uvicorn re-raises a captured SIGTERM once serving ends, which would kill the process before the
    application stops; this server only turns the signals into a graceful end of `serve()`."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Handle SIGINT and SIGTERM during `serve()`; restore the previous handlers afterwards."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)


async def serve_webhook(settings: Settings, application: TelegramApp, services: Services, order: ChatOrder) -> None:
    """Receive updates on 127.0.0.1:WEBHOOK_PORT behind an HTTPS proxy, until SIGTERM or Ctrl-C.

    The lifecycle follows python-telegram-bot's custom-webhook example: `async with application`, then
    start, serve, stop. SIGTERM/SIGINT end `serve()`; then the application stops and our services close.
    """
    from bot.app import ALLOWED_UPDATES

    assert settings.webhook_url and settings.webhook_secret  # checked by Settings
    checks = {"rasa": services.dialogue.is_ready, "database": services.repository.is_ready}
    web = create_webhook_app(application, settings.webhook_secret, checks, order, reports=queue_reports(application))
    server = _GracefulServer(uvicorn.Config(web, host="127.0.0.1", port=settings.webhook_port, log_level="warning"))
    async with application:
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
            if application.post_shutdown:
                await application.post_shutdown(application)
