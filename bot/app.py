"""Composition root: builds the services once and wires them to the chosen front end."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import AIORateLimiter, ApplicationBuilder

from bot.assistant import Assistant
from bot.chat import ChatAdapter, TelegramApp
from bot.config import Settings
from bot.console import run_console
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.replies import Renderer

log = logging.getLogger(__name__)


def build_assistant(settings: Settings, dialogue: DialogueClient) -> Assistant:
    """The channel-independent assistant, with catalogs loaded once."""
    catalogs = Catalogs.load(settings.locales_dir)
    return Assistant(dialogue, Renderer(catalogs), catalogs.languages, settings.default_language)


TelegramAppBuilder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]


def build_application(
    settings: Settings, assistant: Assistant, dialogue: DialogueClient, builder: TelegramAppBuilder | None = None
) -> TelegramApp:
    """The Telegram application: handlers registered, the dialogue client closed on shutdown."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to serve Telegram")

    async def close_dialogue(_: TelegramApp) -> None:
        await dialogue.aclose()

    builder = builder or ApplicationBuilder()
    application = (
        builder.token(settings.telegram_token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_shutdown(close_dialogue)
        .build()
    )
    ChatAdapter(assistant).register(application)
    return application


async def serve_console(settings: Settings) -> None:
    """The terminal chat on the same assistant."""
    dialogue = DialogueClient(settings.rasa_url, settings.rasa_timeout)
    try:
        await run_console(build_assistant(settings, dialogue))
    finally:
        await dialogue.aclose()


def serve_telegram(settings: Settings) -> None:
    """Long polling until interrupted."""
    dialogue = DialogueClient(settings.rasa_url, settings.rasa_timeout)
    application = build_application(settings, build_assistant(settings, dialogue), dialogue)
    log.info("serving Telegram by long polling")
    application.run_polling(allowed_updates=["message", "callback_query"])
