"""Telegram adapter: updates in, the assistant's localized replies out. No business logic here."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import partial
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
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
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

    def __init__(self, assistant: Assistant, staff_chat_id: int | None = None, typing_delay: float = 0.4) -> None:
        self._assistant = assistant
        self._staff_chat_id = staff_chat_id
        self._typing_delay = typing_delay
        # One lock per chat: updates are processed concurrently, but one user's messages in order.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def register(self, application: TelegramApp) -> None:
        """Add the handlers in the order they must be tried."""
        private = filters.ChatType.PRIVATE
        if self._staff_chat_id is not None:
            # 0. The staff chat: replies to a case go to its user; /close ends the case. Nothing else there
            #    is treated as a user's conversation.
            staff = filters.Chat(self._staff_chat_id)
            application.add_handler(CommandHandler("close", self.staff_close, filters=staff))
            application.add_handler(
                MessageHandler(staff & filters.REPLY & filters.TEXT & ~filters.COMMAND, self.staff_reply)
            )
            application.add_handler(MessageHandler(staff, self.ignore))
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
        await self._converse(update, context, self._assistant.help)

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/language: switch the reply language."""
        await self._reply(update, context, self._assistant.language_menu(self._user(update)))

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed message."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        text = message.text
        await self._converse(update, context, lambda user: self._assistant.text(user, text))

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
        """One turn for one chat at a time; the typing indicator only if the answer takes a while.

        Every Bot API call counts against Telegram's ~30 requests/s per bot, so an instant answer
        does not spend one on "typing...".
        """
        async with self._locks[update.effective_chat.id if update.effective_chat else 0]:
            typing = asyncio.create_task(self._typing_after(update, context, self._typing_delay))
            try:
                replies = await turn(self._user(update))
            finally:
                typing.cancel()
            await self._reply(update, context, replies)

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

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: acknowledge it at once, then answer its payload."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        payload = query.data or ""
        await self._converse(update, context, lambda user: self._assistant.button(user, payload))

    async def staff_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A staff member answered a case message: deliver it to the user."""
        message = update.effective_message
        case = _case_of(message.reply_to_message) if message and message.reply_to_message else None
        if message is None or message.text is None or case is None:
            return
        delivery = await self._assistant.staff_reply(case, message.text)
        if delivery is None:
            await message.reply_text(f"[case #{case}] is closed or unknown; nothing was sent.")
            return
        await _deliver(context.bot, delivery)

    async def staff_close(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/close as a reply to a case message (or `/close N`): the bot talks to the user again."""
        message = update.effective_message
        if message is None:
            return
        case = _case_of(message.reply_to_message) if message.reply_to_message else None
        if case is None and context.args and context.args[0].lstrip("#").isdigit():
            case = int(context.args[0].lstrip("#"))
        if case is None:
            await message.reply_text("Reply /close to a case message, or send /close <case number>.")
            return
        staff_name = update.effective_user.full_name if update.effective_user else "staff"
        delivery = await self._assistant.close_case(case, staff_name)
        if delivery is None:
            await message.reply_text(f"[case #{case}] was already closed.")
            return
        await _deliver(context.bot, delivery)
        await message.reply_text(f"[case #{case}] closed; the assistant answers this user again.")

    async def ignore(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Other messages in the staff chat are staff talking among themselves."""

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice notes, documents, locations: explain that only text is read."""
        await self._reply(update, context, self._assistant.unsupported(self._user(update)))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log any handler error; the application keeps running."""
        log.error("error while handling an update", exc_info=context.error)

    @staticmethod
    async def _typing_after(update: Update, context: ContextTypes.DEFAULT_TYPE, delay: float) -> None:
        await asyncio.sleep(delay)
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
                await _with_retries(partial(context.bot.send_photo, chat.id, rendered.image, reply_markup=markup))
            elif rendered.text or markup:
                await _with_retries(
                    partial(
                        context.bot.send_message,
                        chat.id,
                        rendered.text or "…",
                        reply_markup=markup,
                        reply_to_message_id=reply_to,
                        disable_web_page_preview=True,
                    )
                )
                reply_to = None


SEND_ATTEMPTS = 4


async def _with_retries(send: Callable[[], Awaitable[Message]]) -> Message:
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


_CASE = re.compile(r"\[case #(\d+)\]")


def _case_of(message: Message | None) -> int | None:
    """The case number of one of our case messages in the staff chat."""
    if message is None or not message.text:
        return None
    match = _CASE.search(message.text)
    return int(match.group(1)) if match else None


async def _deliver(bot: Bot, delivery: tuple[str, list[Rendered]]) -> None:
    sender, messages = delivery
    for rendered in messages:
        await bot.send_message(int(sender), rendered.text)


class TelegramStaffDesk:
    """Hands conversations to people in the staff chat; their replies to a case message reach the user."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self._bot = bot
        self._chat_id = chat_id

    async def forward(self, case_id: int, sender_id: str, language: str, messages: list[str]) -> None:
        """Post the user's messages under the case number; staff reply to it to answer."""
        body = "\n".join(f"> {text}" for text in messages) or "> (no earlier messages)"
        await self._bot.send_message(
            self._chat_id,
            f"[case #{case_id}] A user ({language}) asks for a person.\n{body}\n"
            "Reply to this message to answer them; reply /close when done.",
        )


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
