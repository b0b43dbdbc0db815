"""Rendering: the engine's messages and the adapter's own texts, localized and cut to Telegram's size."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from babel.dates import format_date
from babel.numbers import format_currency

from bot.dialogue import BotMessage, Button, LanguageMenu, LeadSummary, RequestContact
from bot.i18n import LANGUAGE_NAMES, Catalogs
from bot.models import JobOpening
from bot.routes import JAPANESE_LEVEL_LABELS, ROUTE_EXPLORE, ROUTE_TEXTS
from bot.texts import (
    CHOOSE_LANGUAGE,
    JOB_DEADLINE,
    JOB_HOW,
    JOB_LINE,
    JOB_SALARY,
    JOBS_HEADER,
    NO,
    NO_JOBS,
    NO_PASSPORT,
    SAVED,
    SHARE_PHONE,
    STATUS_LABELS,
    SUMMARY,
    TOPIC_LABELS,
    VALUE_LABELS,
    YES,
)
from contract.profile import PROFILE_FIELDS

TELEGRAM_TEXT_LIMIT = 4096
LANGUAGE_PAYLOAD_PREFIX = "lang:"

# Right-to-left text with Latin terms inside (JLPT N4, URLs, yen amounts) is displayed in the wrong
# order by many clients unless each left-to-right run is isolated (U+2066 LRI ... U+2069 PDI).
_LTR_TOKEN = r"(?:%\(\w+\)s|[A-Za-z0-9¥$€£@#&+=/:._\-]*[A-Za-z0-9¥$€£]/?|\([A-Za-z0-9 .\-]+\))"
_LTR_RUN = re.compile(rf"{_LTR_TOKEN}(?:[ ,/\-–+]+{_LTR_TOKEN})*")
_LRI, _PDI = "\u2066", "\u2069"
RTL_LANGUAGES = frozenset({"ur"})
# Babel locales for numbers, money and dates (Roman Urdu readers get Latin digits, as in en_PK).
BABEL_LOCALES = {"en": "en_PK", "ur": "ur_PK", "ur_Latn": "en_PK"}


@dataclass(frozen=True)
class Rendered:
    """A message ready to send: localized text, buttons and optional image."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    # Ask Telegram for a "share my phone number" keyboard (shown until the next reply).
    request_contact: str | None = None


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
            match message.custom:
                case LanguageMenu():
                    rendered.append(self.language_menu(language))
                case RequestContact():
                    label = translate(SHARE_PHONE)
                    if rendered:
                        rendered[-1] = replace(rendered[-1], request_contact=label)
                    else:
                        rendered.append(Rendered(text=label, request_contact=label))
                case LeadSummary(profile=profile):
                    rendered.append(self.summary(language, profile))
                case None:
                    rendered.extend(self._plain(translate, message))
                case _:
                    pass  # the other kinds are for the turn (bot/assistant.py), not for display
        return rendered

    @staticmethod
    def _plain(translate: Callable[[str], str], message: BotMessage) -> list[Rendered]:
        rendered: list[Rendered] = []
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

    def value(self, language: str, key: object, field: str = "") -> str:
        """A profile value's label: option keys translated, numbers and free text as they are."""
        if isinstance(key, bool):
            return self.translator(language)(YES if key else NO)
        label = (JAPANESE_LEVEL_LABELS.get(str(key)) if field == "japanese_level" else None) or VALUE_LABELS.get(
            str(key)
        )
        return self.translator(language)(label) if label else str(key)

    def summary(self, language: str, profile: dict[str, object]) -> Rendered:
        """The registration summary, every value localized."""
        values = {name: self.value(language, profile.get(name, ""), name) for name in SUMMARY_FIELDS}
        return Rendered(text=self.translator(language)(SUMMARY) % values)

    def date(self, language: str, value: datetime) -> str:
        """A date in the reader's locale."""
        return format_date(value, format="medium", locale=BABEL_LOCALES.get(language, "en_PK"))

    def saved(self, language: str, route: str, has_passport: bool, notes: tuple[str, ...] = ()) -> list[Rendered]:
        """The confirmation after saving, with the route recommendation, its notes and next steps."""
        translate = self.translator(language)
        advice = translate(ROUTE_TEXTS.get(route, ROUTE_TEXTS[ROUTE_EXPLORE]))
        for note in notes:
            advice += "\n" + translate(note)
        if not has_passport:
            advice += "\n" + translate(NO_PASSPORT)
        return [Rendered(text=translate(SAVED)), Rendered(text=advice)]

    def jobs(self, language: str, openings: Sequence[JobOpening]) -> Rendered:
        """The open vacancies, with money and dates formatted for the user's locale."""
        translate = self.translator(language)
        if not openings:
            return Rendered(text=translate(NO_JOBS))
        locale = BABEL_LOCALES.get(language, "en_PK")
        lines = [translate(JOBS_HEADER)]
        for job in openings:
            lines.append(
                translate(JOB_LINE)
                % {
                    "title": job.title,
                    "employer": job.employer,
                    "location": job.location,
                    "field": self.value(language, job.field),
                    "level": self.value(language, job.japanese_level, "japanese_level"),
                }
            )
            if job.salary_min_yen and job.salary_max_yen:
                lines.append(
                    translate(JOB_SALARY)
                    % {
                        "low": format_currency(job.salary_min_yen, "JPY", locale=locale),
                        "high": format_currency(job.salary_max_yen, "JPY", locale=locale),
                    }
                )
            if job.deadline:
                lines.append(translate(JOB_DEADLINE) % {"date": format_date(job.deadline, "medium", locale=locale)})
            if job.how_to_apply:
                lines.append(translate(JOB_HOW) % {"how": job.how_to_apply})
        return Rendered(text="\n".join(lines))


def replace_buttons(rendered: Rendered, buttons: tuple[Button, ...]) -> Rendered:
    """The same message with other buttons."""
    return replace(rendered, buttons=buttons)


def language_name(language: str) -> str:
    """A language's name, written in that language."""
    return LANGUAGE_NAMES.get(language, language)


def topic_label(topic: str) -> str:
    """The English source label of an FAQ topic (translated by the caller)."""
    return TOPIC_LABELS.get(topic, topic.replace("_", " "))


def status_label(status: str) -> str:
    """The English source label of a lead status (translated by the caller)."""
    return STATUS_LABELS.get(status, status)


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


SUMMARY_FIELDS = PROFILE_FIELDS
