"""Telegram adapter: updates in, the assistant's localized replies out. No business logic here."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
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

from bot.assistant import Assistant, User
from bot.leads import Profile
from bot.replies import Rendered

log = logging.getLogger(__name__)

BUTTONS_PER_ROW = 2
TelegramApp = Application[Any, Any, Any, Any, Any, Any]


class ChatAdapter:
    """Registers handlers on a python-telegram-bot Application and answers through the Assistant."""

    def __init__(self, assistant: Assistant) -> None:
        self._assistant = assistant
        # One lock per chat: updates are processed concurrently, but one user's messages in order.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def register(self, application: TelegramApp) -> None:
        """Add the handlers in the order they must be tried."""
        private = filters.ChatType.PRIVATE
        # 1. Commands: in groups only when addressed (/start@ThisBot is routed here by PTB too).
        application.add_handler(CommandHandler("start", self.start))
        application.add_handler(CommandHandler("help", self.help))
        application.add_handler(CommandHandler("language", self.language))
        application.add_handler(CommandHandler("apply", self.apply, filters=private))
        application.add_handler(CommandHandler("cancel", self.cancel, filters=private))
        application.add_handler(CommandHandler("mydata", self.my_data, filters=private))
        application.add_handler(CommandHandler("delete", self.delete, filters=private))
        # 2. Button presses.
        application.add_handler(CallbackQueryHandler(self.button))
        # 3. Text: every text in private chats; in groups only mentions and replies to the bot.
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, self.text))
        application.add_handler(
            MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS, self.group_text)
        )
        # 4. A phone number shared with the "share my phone number" button.
        application.add_handler(MessageHandler(filters.CONTACT & private, self.contact))
        # 5. Everything else a person can send (stickers, photos, voice, documents, locations, ...).
        application.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND & private, self.unsupported))
        application.add_error_handler(self.on_error)

    @staticmethod
    def _user(update: Update) -> User:
        chat = update.effective_chat
        tg_user = update.effective_user
        sender = str(chat.id if chat else tg_user.id if tg_user else 0)
        return User(sender_id=sender, language_hint=tg_user.language_code if tg_user else None)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: welcome and language choice."""
        await self._reply(update, context, self._assistant.welcome(self._user(update)))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help: the topic menu."""
        async with self._locks[update.effective_chat.id if update.effective_chat else 0]:
            await self._typing(update, context)
            await self._reply(update, context, await self._assistant.help(self._user(update)))

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/language: switch the reply language."""
        await self._reply(update, context, self._assistant.language_menu(self._user(update)))

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        async with self._locks[message.chat_id]:
            await self._typing(update, context)
            await self._reply(update, context, await self._assistant.text(self._user(update), message.text))

    async def apply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/apply: start the registration (consent first)."""
        await self._converse(update, context, lambda user: self._assistant.apply(user))

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cancel: leave the registration."""
        await self._converse(update, context, lambda user: self._assistant.cancel(user))

    async def my_data(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/mydata: what we hold about the user."""
        await self._converse(update, context, lambda user: self._assistant.my_data(user))

    async def delete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/delete: erase after confirmation."""
        await self._reply(update, context, self._assistant.confirm_delete(self._user(update)))

    async def contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A shared contact: its phone number answers the phone question."""
        message = update.effective_message
        if message is None or message.contact is None:
            return
        phone = message.contact.phone_number
        await self._converse(update, context, lambda user: self._assistant.contact(user, phone))

    async def _converse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Callable[[User], Awaitable[list[Rendered]]]
    ) -> None:
        async with self._locks[update.effective_chat.id if update.effective_chat else 0]:
            await self._typing(update, context)
            await self._reply(update, context, await turn(self._user(update)))

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
        async with self._locks[message.chat_id]:
            await self._typing(update, context)
            await self._reply(update, context, await self._assistant.text(self._user(update), text))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: acknowledge it at once, then answer its payload."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        async with self._locks[update.effective_chat.id if update.effective_chat else 0]:
            await self._typing(update, context)
            await self._reply(update, context, await self._assistant.button(self._user(update), query.data or ""))

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice notes, documents, locations: explain that only text is read."""
        await self._reply(update, context, self._assistant.unsupported(self._user(update)))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log any handler error; the application keeps running."""
        log.error("error while handling an update", exc_info=context.error)

    @staticmethod
    async def _typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        try:
            await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        except TelegramError:
            log.debug("typing indicator not sent", exc_info=True)

    @staticmethod
    async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, messages: list[Rendered]) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        reply_to = (
            update.effective_message.message_id if chat.type != ChatType.PRIVATE and update.effective_message else None
        )
        for rendered in messages:
            markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = _keyboard(rendered)
            if rendered.request_contact:
                markup = ReplyKeyboardMarkup(
                    [[KeyboardButton(rendered.request_contact, request_contact=True)]],
                    one_time_keyboard=True,
                    resize_keyboard=True,
                )
            if rendered.image:
                await context.bot.send_photo(chat.id, rendered.image, reply_markup=markup)
            elif rendered.text or markup:
                sent: Message = await context.bot.send_message(
                    chat.id,
                    rendered.text or "…",
                    reply_markup=markup,
                    reply_to_message_id=reply_to,
                    disable_web_page_preview=True,
                )
                reply_to = None if sent else reply_to


class TelegramStaffNotifier:
    """Announces leads in the staff chat; a group chat never sees phone numbers (staff use the dashboard)."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self._bot = bot
        self._chat_id = chat_id

    async def announce(self, lead_id: int, profile: Profile, language: str, route: str, created: bool) -> None:
        """Send one announcement (staff work in English)."""
        is_group = self._chat_id < 0
        lines = [
            f"{'New' if created else 'Updated'} lead #{lead_id}: {profile.full_name}, {profile.age}, {profile.city}",
            f"Field: {profile.field}; Japanese: {profile.japanese_level}; education: {profile.education}; "
            f"experience: {profile.experience_years} years; passport: {'yes' if profile.has_passport else 'no'}",
            f"Language: {language}; suggested route: {route}",
            "Phone: see the dashboard" if is_group else f"Phone: {profile.phone}",
        ]
        await self._bot.send_message(self._chat_id, "\n".join(lines))


def _keyboard(rendered: Rendered) -> InlineKeyboardMarkup | None:
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
