"""Rendering: the engine's messages and the adapter's own texts, localized and cut to Telegram's size."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.dialogue import BotMessage, Button
from bot.i18n import LANGUAGE_NAMES, Catalogs

TELEGRAM_TEXT_LIMIT = 4096
LANGUAGE_PAYLOAD_PREFIX = "lang:"

# Right-to-left text with Latin terms inside (JLPT N4, URLs, yen amounts) is displayed in the wrong
# order by many clients unless each left-to-right run is isolated (U+2066 LRI ... U+2069 PDI).
_LTR_RUN = re.compile(r"[A-Za-z0-9¥$€£@#%&+=/:._\-()]+(?:[ .,:/()\-–+][A-Za-z0-9¥$€£@#%&+=/:._\-()]+)*")
_LRI, _PDI = "\u2066", "\u2069"
RTL_LANGUAGES = frozenset({"ur"})


def _(message: str) -> str:
    """Mark an adapter string for extraction; it is translated where it is rendered."""
    return message


# The adapter's own texts. English source, translated through the catalogs like Rasa's responses.
WELCOME = _(
    "Assalam o alaikum! I answer questions about working legally in Japan: visas, Japanese tests, documents, "
    "costs and how to avoid fake agents. I cannot promise a job or a visa.\n"
    "Which language do you prefer?"
)
CHOOSE_LANGUAGE = _("Which language do you prefer?")
LANGUAGE_SET = _("Done: I will answer in English.")
UNAVAILABLE = _("Sorry, the assistant is temporarily unavailable. Please try again in a few minutes.")
UNSUPPORTED_MEDIA = _("I can only read text messages. Please type your question.")
TOO_LONG = _(
    "Your message is too long for me (%(length)s characters). Please ask one question at a time, "
    "in up to %(limit)s characters."
)
EMPTY_MESSAGE = _("Please type your question as text.")
INVALID_BUTTON = _("That button is no longer valid. Type /help to see the topics.")
GROUP_ONLY_WHEN_ADDRESSED = _("In groups I answer only when you mention me or reply to my message.")


@dataclass(frozen=True)
class Rendered:
    """A message ready to send: localized text, buttons and optional image."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str | None = None


class Renderer:
    """Turns engine messages and adapter texts into `Rendered` messages in one language."""

    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs

    def translator(self, language: str) -> Callable[[str], str]:
        """A function translating English source strings into `language`."""

        def translate(message: str) -> str:
            text = self._catalogs.gettext(language, message)
            return isolate_ltr_runs(text) if language in RTL_LANGUAGES else text

        return translate

    def text(self, language: str, message: str, **values: object) -> Rendered:
        """One adapter text, with named placeholders filled in after translation."""
        translated = self.translator(language)(message)
        return Rendered(text=translated % values if values else translated)

    def language_menu(self, language: str, intro: str = CHOOSE_LANGUAGE) -> Rendered:
        """The language choice as buttons (names are written in their own language)."""
        buttons = tuple(
            Button(title=LANGUAGE_NAMES[lang], payload=f"{LANGUAGE_PAYLOAD_PREFIX}{lang}")
            for lang in self._catalogs.languages
        )
        return Rendered(text=self.translator(language)(intro), buttons=buttons)

    def engine_messages(self, language: str, messages: Iterable[BotMessage]) -> list[Rendered]:
        """Localize the engine's reply; a custom `language_menu` element becomes the language menu."""
        translate = self.translator(language)
        rendered: list[Rendered] = []
        for message in messages:
            if message.custom.get("kind") == "language_menu":
                rendered.append(self.language_menu(language))
                continue
            buttons = tuple(Button(title=translate(b.title), payload=b.payload) for b in message.buttons)
            if message.text:
                chunks = split_text(translate(message.text))
                rendered.extend(Rendered(text=chunk) for chunk in chunks[:-1])
                rendered.append(Rendered(text=chunks[-1], buttons=buttons))
            elif buttons:
                rendered.append(Rendered(text="", buttons=buttons))
            if message.image:
                rendered.append(Rendered(image=message.image))
        return rendered


def isolate_ltr_runs(text: str) -> str:
    """Wrap each left-to-right run (Latin words, numbers, URLs) of right-to-left text in directional isolates."""
    return _LTR_RUN.sub(lambda m: f"{_LRI}{m.group(0)}{_PDI}", text)


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split text into chunks of at most `limit` characters, preferring paragraph, then line, then word breaks."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    chunks.append(rest)
    return chunks
