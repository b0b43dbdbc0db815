"""Owns the user side of Telegram: which handler gets which update, in one readable table. No business logic here."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import texts
from bot.alerts import ALERTS_DECLINE, ALERTS_OFF, ALERTS_ON
from bot.assistant import Assistant, User
from bot.bounded import BoundedMap
from bot.job_alerts import JOB_PAYLOAD_PREFIX
from bot.ordering import ChatOrder, MemoryChatOrder
from bot.privacy import DELETE_NO, DELETE_YES
from bot.replies import LANGUAGE_PAYLOAD_PREFIX, Rendered
from bot.telegram_send import send_rendered

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
Turn = Callable[[User], Awaitable[list[Rendered]]]
ButtonTurn = Callable[[User, str], Awaitable[list[Rendered]]]
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
KEYBOARD_MEMORY = 10_000
# A second tap on the same button of the same message within this time is the same intention, not a new answer.
DOUBLE_TAP_SECONDS = 3.0

# The commands users see in Telegram's menu, per client language (Telegram has no code for Roman Urdu:
# its readers see the default list, which carries the Roman Urdu word too).
COMMANDS: dict[str | None, list[tuple[str, str]]] = {
    None: [
        ("help", "Topics I can answer · sawalon ki fehrist"),
        ("apply", "Register your interest · registration"),
        ("language", "English / اردو / Roman Urdu"),
        ("mydata", "What we hold about you · aap ka data"),
        ("delete", "Erase your data · data mitayen"),
        ("alerts", "Job alerts on/off · job alerts"),
        ("cancel", "Leave the registration · registration band karen"),
        ("start", "Start again · shuru karen"),
    ],
    "ur": [
        ("help", "سوالات کی فہرست"),
        ("apply", "رجسٹریشن"),
        ("language", "زبان بدلیں"),
        ("mydata", "آپ کا ڈیٹا"),
        ("delete", "اپنا ڈیٹا مٹائیں"),
        ("alerts", "ملازمت کی اطلاعات"),
        ("cancel", "رجسٹریشن چھوڑیں"),
        ("start", "دوبارہ شروع کریں"),
    ],
}


async def publish_commands(application: TelegramApp) -> None:
    """Tell Telegram the command menu in each language (at start-up; a failure only costs the menu)."""
    for language, commands in COMMANDS.items():
        try:
            await application.bot.set_my_commands([BotCommand(c, d) for c, d in commands], language_code=language)
        except TelegramError as err:
            log.warning("command menu not published (%s)", type(err).__name__)
            return


class ChatAdapter:
    """Registers the user-facing handlers on a python-telegram-bot Application and answers through the Assistant."""

    def __init__(
        self,
        assistant: Assistant,
        order: ChatOrder | None = None,
        typing_delay: float = 0.4,
        jobs: ButtonTurn | None = None,
    ) -> None:
        self._assistant = assistant
        self._jobs: ButtonTurn = jobs or (lambda u, _: assistant.invalid_button(u))
        self._order = order or MemoryChatOrder()
        self._typing_delay = typing_delay
        # Chats shown the "share my phone number" keyboard, so that the next reply removes it (bounded).
        self._contact_keyboard: BoundedMap[int, bool] = BoundedMap(KEYBOARD_MEMORY)
        # Recent button presses (chat, message, data) → when, to drop double taps (bounded).
        self._taps: BoundedMap[tuple[int, int, str], float] = BoundedMap(KEYBOARD_MEMORY)

    def register(self, application: TelegramApp) -> None:
        """Add the handlers in the order they must be tried (the staff chat's handlers come before these)."""
        private = filters.ChatType.PRIVATE
        a = self._assistant
        handlers = [
            # Commands: in groups only when addressed (/start@ThisBot is routed here by PTB too).
            CommandHandler("start", self._on(lambda u, _: a.welcome(u))),
            CommandHandler("help", self._on(lambda u, _: a.help(u))),
            CommandHandler("language", self._on(lambda u, _: a.language_menu(u))),
            CommandHandler("apply", self._on(lambda u, _: a.apply(u)), filters=private),
            CommandHandler("cancel", self._on(lambda u, _: a.cancel(u)), filters=private),
            CommandHandler("mydata", self._on(lambda u, _: a.my_data(u)), filters=private),
            CommandHandler("delete", self._on(lambda u, _: a.confirm_delete(u)), filters=private),
            CommandHandler("alerts", self._on(lambda u, _: a.alerts(u)), filters=private),
            MessageHandler(filters.COMMAND & private, self._on(lambda u, _: a.unknown_command(u))),
            # Buttons, one handler per payload family.
            CallbackQueryHandler(
                self._button(lambda u, d: a.set_language(u, d.removeprefix(LANGUAGE_PAYLOAD_PREFIX))),
                pattern=rf"^{LANGUAGE_PAYLOAD_PREFIX}",
            ),
            CallbackQueryHandler(
                self._button(lambda u, d: a.delete(u, d == DELETE_YES)), pattern=rf"^(?:{DELETE_YES}|{DELETE_NO})$"
            ),
            CallbackQueryHandler(
                self._button(lambda u, d: a.alerts(u, d), clear=True),
                pattern=rf"^(?:{ALERTS_ON}|{ALERTS_OFF}|{ALERTS_DECLINE})$",
            ),
            # A job alert's "I'm interested" / "Not for me" (bot/job_alerts.py); the buttons go once answered.
            CallbackQueryHandler(self._button(self._jobs, clear=True), pattern=rf"^{JOB_PAYLOAD_PREFIX}"),
            CallbackQueryHandler(self._button(lambda u, d: a.button(u, d)), pattern=r"^(?:/(?:faq/)?)?[a-z0-9_]+$"),
            CallbackQueryHandler(self._button(lambda u, _: a.invalid_button(u))),
            # Text: every text in private chats (captions of photos too); in groups only mentions and replies.
            MessageHandler(filters.TEXT & ~filters.COMMAND & private, self._on(lambda u, m: a.text(u, m.text or ""))),
            MessageHandler(filters.CAPTION & private, self._on(lambda u, m: a.text(u, m.caption or ""))),
            MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS, self.group_text),
            # A phone number shared with the "share my phone number" button.
            MessageHandler(
                filters.CONTACT & private,
                self._on(lambda u, m: a.contact(u, m.contact.phone_number if m.contact else "")),
            ),
            # Everything else a person can send (stickers, photos, voice, documents, locations, ...).
            MessageHandler(~filters.TEXT & ~filters.COMMAND & private, self._on(lambda u, _: a.unsupported(u))),
        ]
        application.add_handlers(handlers)
        application.add_error_handler(self.on_error)

    @staticmethod
    def _user(update: Update) -> User:
        chat = update.effective_chat
        tg_user = update.effective_user
        sender = str(chat.id if chat else tg_user.id if tg_user else 0)
        return User(sender_id=sender, language_hint=tg_user.language_code if tg_user else None)

    def _on(self, turn: Callable[[User, Any], Awaitable[list[Rendered]]]) -> Handler:
        """A message handler running `turn(user, message)` in the chat's order."""

        async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            message = update.effective_message
            await self._converse(update, context, lambda user: turn(user, message))

        return handle

    def _button(self, turn: ButtonTurn, clear: bool = False) -> Handler:
        """A button handler: acknowledge the press at once, then run `turn(user, data)` in the chat's order;
        `clear`: the buttons of the message are taken away (an answered question is not asked twice)."""

        async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            if query is None:
                return
            try:
                await query.answer()
            except TelegramError:
                log.debug("button press not acknowledged", exc_info=True)
            data = query.data or ""
            if self._double_tap(update, data):
                log.info("ignored a double tap on a button")
                return
            if clear:
                try:
                    await query.edit_message_reply_markup(reply_markup=None)
                except TelegramError:
                    log.debug("buttons not removed", exc_info=True)
            await self._converse(update, context, lambda user: turn(user, data))

        return handle

    def _double_tap(self, update: Update, data: str) -> bool:
        """True if this exact button of this exact message was pressed a moment ago."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None or query.message is None:
            return False
        key = (chat.id, query.message.message_id, data)
        now = time.monotonic()
        earlier = self._taps.pop(key)
        self._taps.put(key, now)
        return earlier is not None and now - earlier < DOUBLE_TAP_SECONDS

    async def _converse(self, update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
        """One turn for one chat at a time; the typing indicator only if the answer takes a while.

        Every Bot API call counts against Telegram's ~30 requests/s per bot, so an instant answer
        does not spend one on "typing...".
        """
        chat = update.effective_chat
        if chat is None:
            return
        async with self._order.turn(chat.id, update.update_id):
            typing = asyncio.create_task(self._typing_after(context, chat.id, self._typing_delay))
            try:
                rendered = await turn(self._user(update))
            finally:
                typing.cancel()
            reply_to = (
                update.effective_message.message_id
                if chat.type != ChatType.PRIVATE and update.effective_message
                else None
            )
            remove = bool(self._contact_keyboard.pop(chat.id))
            await send_rendered(context.bot, chat.id, rendered, reply_to=reply_to, remove_keyboard=remove)
            if any(r.request_contact for r in rendered):
                self._contact_keyboard.put(chat.id, True)

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups, answer only messages that mention the bot or reply to it."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        username = f"@{context.bot.username}" if context.bot.username else None
        replied_to_bot = bool(
            message.reply_to_message
            and message.reply_to_message.from_user
            and message.reply_to_message.from_user.id == context.bot.id
        )
        if not replied_to_bot and not (username and username.lower() in message.text.lower()):
            return
        text = message.text.replace(username, " ") if username else message.text
        await self._converse(update, context, lambda user: self._assistant.text(user, text))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log any handler error; tell the user something went wrong rather than stay silent."""
        log.error("error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
            user = self._user(update)
            language = await self._assistant.languages.of(user.sender_id)
            try:
                await send_rendered(
                    context.bot,
                    update.effective_chat.id,
                    [self._assistant.renderer.text(language, texts.UNAVAILABLE)],
                )
            except TelegramError:
                log.warning("could not tell a user about an error")

    @staticmethod
    async def _typing_after(context: ContextTypes.DEFAULT_TYPE, chat_id: int, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            log.debug("typing indicator not sent", exc_info=True)
