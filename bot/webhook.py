"""Webhook mode: Telegram POSTs updates here (secret token checked); /healthz tells a load balancer we are up."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.chat import TelegramApp

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000


def create_webhook_app(
    application: TelegramApp, secret: str, checks: Mapping[str, Callable[[], Awaitable[bool]]], path: str = "/telegram"
) -> Starlette:
    """The HTTP front of the adapter in webhook mode."""

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
        await application.update_queue.put(update)
        return PlainTextResponse("ok")

    async def health(_: Request) -> Response:
        results = {name: await check() for name, check in checks.items()}
        return JSONResponse(results, status_code=200 if all(results.values()) else 503)

    return Starlette(routes=[Route(path, receive, methods=["POST"]), Route("/healthz", health, methods=["GET"])])
