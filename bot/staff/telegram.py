"""Owns the staff side of Telegram: cases posted to the staff chat, staff replies and /close, lead announcements.

Only a reply to the bot's own case message (matched by its message id) reaches that case's user, and
only staff may act: members of the staff chat, or the STAFF_TELEGRAM_IDS allow-list when it is set.
Nothing the registration form asked (phone numbers above all) is posted to a group.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot import texts
from bot.handoff import DeskUnavailable, HandoffService
from bot.language import LanguageService
from bot.leads import Profile
from bot.replies import Renderer
from bot.telegram_send import send_rendered, with_retries

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]


class TelegramStaffDesk:
    """Posts cases to the staff chat; each further message of the user is threaded under its case message."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self._bot = bot
        self._chat_id = chat_id

    async def post_case(self, case_id: int, language: str, messages: list[str]) -> int:
        """Post the case with the user's recent (masked) messages; returns its message id."""
        body = "\n".join(f"> {text}" for text in messages) or "> (no earlier messages)"
        text = (
            f"[case #{case_id}] A user ({language}) asks for a person.\n{body}\n"
            "Reply to this message to answer them; reply /close to it when done."
        )
        try:
            message = await with_retries(lambda: self._bot.send_message(self._chat_id, text))
        except TelegramError as err:
            raise DeskUnavailable(f"staff chat refused the case: {type(err).__name__}") from err
        return message.message_id

    async def forward(self, case_id: int, staff_message_id: int | None, text: str) -> None:
        """Show staff a further message of the case's user, as a reply to the case message."""
        try:
            await with_retries(
                lambda: self._bot.send_message(
                    self._chat_id, f"[case #{case_id}] > {text}", reply_to_message_id=staff_message_id
                )
            )
        except TelegramError as err:
            raise DeskUnavailable(f"staff chat refused a message: {type(err).__name__}") from err


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


class StaffChat:
    """The handlers of the staff chat."""

    def __init__(
        self,
        chat_id: int,
        handoffs: HandoffService,
        languages: LanguageService,
        renderer: Renderer,
        allowed_ids: frozenset[int] = frozenset(),
    ) -> None:
        self._chat_id = chat_id
        self._handoffs = handoffs
        self._languages = languages
        self._renderer = renderer
        self._allowed = allowed_ids

    def register(self, application: TelegramApp) -> None:
        """Handlers for the staff chat, tried before everything else; nothing else there is a user's conversation."""
        staff = filters.Chat(self._chat_id)
        application.add_handler(CommandHandler("close", self.close, filters=staff))
        application.add_handler(MessageHandler(staff & filters.REPLY & filters.TEXT & ~filters.COMMAND, self.reply))
        application.add_handler(MessageHandler(staff, self.ignore))

    def _is_staff(self, update: Update) -> bool:
        user = update.effective_user
        if user is None or user.is_bot:
            return False
        return not self._allowed or user.id in self._allowed

    async def reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A staff member replied to a case message: deliver it to that case's user."""
        message = update.effective_message
        if message is None or message.text is None or message.reply_to_message is None:
            return
        original = message.reply_to_message
        if original.from_user is None or original.from_user.id != context.bot.id or not self._is_staff(update):
            return  # staff talking among themselves, or someone without the right to answer users
        case = await self._handoffs.case_of_staff_message(original.message_id)
        if case is None:
            await message.reply_text("This case is closed or unknown; nothing was sent.")
            return
        language = await self._languages.of(case.sender_id)
        log.info("staff member %d answered case %d", update.effective_user.id if update.effective_user else 0, case.id)
        await send_rendered(
            context.bot, int(case.sender_id), [self._renderer.text(language, texts.STAFF_SAYS, text=message.text)]
        )

    async def close(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/close as a reply to a case message: the bot talks to the user again."""
        message = update.effective_message
        if message is None or not self._is_staff(update):
            return
        original = message.reply_to_message
        if original is None or original.from_user is None or original.from_user.id != context.bot.id:
            await message.reply_text("Reply /close to the case message of the conversation you want to close.")
            return
        found = await self._handoffs.case_of_staff_message(original.message_id)
        case = await self._handoffs.close(found.id, self._name(update)) if found else None
        if case is None:
            await message.reply_text("This case was already closed.")
            return
        log.info("staff member %d closed case %d", update.effective_user.id if update.effective_user else 0, case.id)
        language = await self._languages.of(case.sender_id)
        await send_rendered(context.bot, int(case.sender_id), [self._renderer.text(language, texts.HANDOFF_CLOSED)])
        await message.reply_text(f"[case #{case.id}] closed; the assistant answers this user again.")

    @staticmethod
    def _name(update: Update) -> str:
        return update.effective_user.full_name if update.effective_user else "staff"

    async def ignore(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Other messages in the staff chat are staff talking among themselves."""
