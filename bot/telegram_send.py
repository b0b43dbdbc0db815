"""Owns sending to Telegram: rendered messages become Bot API calls (keyboards, photos), retried on 5xx/timeouts."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

import httpx
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.alert_sender import Blocked, Refused, SlowDown, Uncertain, Unreachable
from bot.replies import Rendered

log = logging.getLogger(__name__)

BUTTONS_PER_ROW = 2
SEND_ATTEMPTS = 4
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


async def with_retries(send: Callable[[], Awaitable[Message]]) -> Message:
    """Send, retrying Telegram's 5xx answers and timeouts with backoff (429s are the rate limiter's job)."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await send()
        except (TimedOut, NetworkError) as err:
            if isinstance(err, BadRequest) or attempt == SEND_ATTEMPTS - 1:
                raise
            log.warning("sending to Telegram failed (%s); retrying", type(err).__name__)
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def send_rendered(
    bot: Bot, chat_id: int, messages: list[Rendered], reply_to: int | None = None, remove_keyboard: bool = False
) -> None:
    """Send each message in order; `reply_to` threads the first one (groups); `remove_keyboard` takes away
    a "share my phone number" keyboard shown earlier, unless a message offers one again."""
    offers_contact = any(rendered.request_contact for rendered in messages)
    remove_at = next(
        (i for i, r in enumerate(messages) if not r.buttons and not r.image and remove_keyboard and not offers_contact),
        None,
    )
    for index, rendered in enumerate(messages):
        markup: Markup | None = keyboard(rendered)
        if rendered.request_contact:
            markup = ReplyKeyboardMarkup(
                [[KeyboardButton(rendered.request_contact, request_contact=True)]],
                one_time_keyboard=True,
                resize_keyboard=True,
            )
        elif index == remove_at:
            markup = ReplyKeyboardRemove()
        if rendered.image:
            await with_retries(partial(bot.send_photo, chat_id, rendered.image, reply_markup=markup))
        elif rendered.text or markup:
            await with_retries(
                partial(
                    bot.send_message,
                    chat_id,
                    rendered.text or "…",
                    reply_markup=markup,
                    reply_to_message_id=reply_to,
                    disable_web_page_preview=True,
                )
            )
            reply_to = None


def keyboard(rendered: Rendered) -> InlineKeyboardMarkup | None:
    """Inline buttons, two to a row."""
    if not rendered.buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for index, button in enumerate(rendered.buttons):
        key = InlineKeyboardButton(button.title, callback_data=button.payload[:64])
        if index % BUTTONS_PER_ROW == 0:
            rows.append([key])
        else:
            rows[-1].append(key)
    return InlineKeyboardMarkup(rows)


class TelegramMessenger:
    """Sends job alerts through the Bot API (bot/alert_sender.py), saying what each failure means."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def deliver(self, chat_id: str, message: Rendered) -> int:
        """Send one alert; its message id, or Blocked / SlowDown / Uncertain / Refused / Unreachable."""
        try:
            chat = int(chat_id)
        except ValueError as err:
            raise Refused("not a Telegram chat") from err
        try:
            sent = await self._bot.send_message(
                chat, message.text, reply_markup=keyboard(message), disable_web_page_preview=True
            )
        except Forbidden as err:
            raise Blocked(str(err)) from err
        except RetryAfter as err:
            with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta; both are read
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = err.retry_after
            raise SlowDown(wait.total_seconds() if isinstance(wait, timedelta) else float(wait)) from err
        except TimedOut as err:
            if isinstance(err.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout) or "Pool timeout" in str(err):
                raise Unreachable("connect timeout") from err  # the request never left: safe to try again
            raise Uncertain(str(err)) from err
        except BadRequest as err:
            raise Refused(str(err)[:150]) from err
        except NetworkError as err:
            raise Unreachable(type(err).__name__) from err
        except TelegramError as err:
            raise Refused(str(err)[:150]) from err
        return int(sent.message_id)
