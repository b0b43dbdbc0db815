"""Rendering: the engine's messages and the adapter's own texts, localized and cut to Telegram's size."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from babel.dates import format_date
from babel.numbers import format_currency

from contract.profile import PROFILE_FIELDS
from bot.dialogue import BotMessage, Button
from bot.i18n import LANGUAGE_NAMES, Catalogs
from bot.models import JobOpening

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
SLOW_DOWN = _("You are sending messages very fast. Please wait a few seconds, then send your question again.")


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
            kind = message.custom.get("kind")
            if kind == "language_menu":
                rendered.append(self.language_menu(language))
                continue
            if kind == "request_contact":
                label = translate(SHARE_PHONE)
                if rendered:
                    rendered[-1] = replace(rendered[-1], request_contact=label)
                else:
                    rendered.append(Rendered(text=label, request_contact=label))
                continue
            if kind == "lead_summary":
                rendered.append(self.summary(language, message.custom.get("profile") or {}))
                continue
            if kind:
                continue  # other custom payloads are for the assistant, not for display
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

    def value(self, language: str, key: object) -> str:
        """A profile value's label: option keys translated, numbers and free text as they are."""
        if isinstance(key, bool):
            return self.translator(language)(YES if key else NO)
        label = VALUE_LABELS.get(str(key))
        return self.translator(language)(label) if label else str(key)

    def summary(self, language: str, profile: dict[str, object]) -> Rendered:
        """The registration summary, every value localized."""
        values = {name: self.value(language, profile.get(name, "")) for name in SUMMARY_FIELDS}
        return Rendered(text=self.translator(language)(SUMMARY) % values)

    def saved(self, language: str, route: str, has_passport: bool) -> list[Rendered]:
        """The confirmation after saving, with the route recommendation and next steps."""
        translate = self.translator(language)
        advice = translate(ROUTES.get(route, ROUTES["explore"]))
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
                    "level": self.value(language, job.japanese_level),
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


# Registration (leads). Values are canonical keys from the dialogue engine, shown with these labels.
SHARE_PHONE = _("Share my phone number")
SUMMARY = _(
    "Please check your details:\n"
    "Name: %(full_name)s\n"
    "Phone: %(phone)s\n"
    "City: %(city)s\n"
    "Age: %(age)s\n"
    "Education: %(education)s\n"
    "Field: %(field)s\n"
    "Japanese: %(japanese_level)s\n"
    "Work experience: %(experience_years)s years\n"
    "Passport: %(has_passport)s"
)
SAVED = _(
    "Thank you, your registration is saved. Placement staff may contact you about suitable legitimate openings. "
    "This is not a job offer, and nobody from us will ask you for money. See what we hold with /mydata, erase it "
    "with /delete."
)
INVALID_PROFILE = _("Sorry, something went wrong with your registration. Please type /apply to try again.")
YES = _("Yes")
NO = _("No")
VALUE_LABELS = {
    "none": _("None"),
    "primary": _("Primary / Middle"),
    "matric": _("Matric"),
    "intermediate": _("Intermediate (FA/FSc/ICS)"),
    "diploma": _("Diploma / DAE"),
    "bachelor": _("Bachelor's degree"),
    "master": _("Master's or higher"),
    "it": _("IT / software"),
    "nursing_care": _("Nursing care"),
    "building_cleaning": _("Building cleaning"),
    "manufacturing": _("Manufacturing"),
    "construction": _("Construction"),
    "shipbuilding": _("Shipbuilding"),
    "automobile_repair": _("Car repair"),
    "aviation": _("Aviation"),
    "accommodation": _("Hotels"),
    "agriculture": _("Agriculture"),
    "fishery": _("Fishery"),
    "food_manufacturing": _("Food manufacturing"),
    "food_service": _("Restaurants"),
    "automobile_transport": _("Driving / transport"),
    "railway": _("Railway"),
    "forestry": _("Forestry"),
    "wood_industry": _("Wood industry"),
    "other": _("Something else"),
    "studying": _("Studying now"),
    "n5": "JLPT N5",
    "n4": "JLPT N4",
    "n3": "JLPT N3",
    "n2": "JLPT N2",
    "n1": "JLPT N1",
    "jft_a2": "JFT-Basic A2",
}
# Route recommendations (bot/leads.py decides which). facts.md IDs are in each comment.
ROUTES = {
    # R1.5, E5.1, E5.7
    "engineer_degree": _(
        "Your best fit is the Engineer/Specialist in Humanities/International Services visa: it needs a job offer "
        "from a Japanese employer, a degree related to the job, and pay equal to a Japanese employee's. "
        "Next steps: prepare a CV for Japanese IT companies, and study Japanese; many employers ask for it."
    ),
    # E5.1
    "engineer_experience": _(
        "Without a related degree, the Engineer visa is still possible with 10 or more years of experience in the "
        "field, plus a job offer from a Japanese employer. Next steps: collect experience letters and prepare a CV."
    ),
    # C0.1, E5.1
    "it_no_degree": _(
        "IT is not an SSW field, and the Engineer visa needs a related degree or 10 years of experience. "
        "Next steps: complete a related degree or gain experience, or consider an SSW field that matches your "
        "skills."
    ),
    # R1.3, L3.1, K4.1
    "ssw_ready": _(
        "Your Japanese level meets the SSW (i) language rule. Next step: pass the skills test of your field "
        "(see ssw.go.jp), then look for an employer through OEC or a licensed promoter."
    ),
    # L3.1, L3.12, T9.1
    "japanese_first": _(
        "For SSW (i) you first need JLPT N4 or JFT-Basic A2. Next step: study Japanese (see /help → Learn "
        "Japanese), then take the skills test of your field."
    ),
    # D6.1
    "too_young": _("SSW needs you to be at least 18. Meanwhile, start learning Japanese; it takes time."),
    # R1.1
    "explore": _("Compare the legal routes to Japan under /help → Ways to work in Japan to find the best fit."),
}
NO_PASSPORT = _("You will also need a valid passport: apply early, it takes time.")
MY_DATA_NONE = _("We do not hold any personal data about you.")
MY_DATA = _(
    "This is what we hold about you:\n"
    "%(summary)s\n"
    "Registered: %(created)s (consent version %(consent_version)s)\n"
    "Status: %(status)s\n"
    "Topics you asked about: %(topics)s\n"
    "Erase everything with /delete."
)
CONFIRM_DELETE = _(
    "Do you want to erase your registration, your topics and your conversation history? This cannot be undone."
)
DELETE_YES = _("Yes, erase everything")
DELETE_NO = _("No, keep it")
DELETED = _("Done: everything we held about you has been erased.")
DELETE_KEPT = _("Nothing was erased.")
SUMMARY_FIELDS = PROFILE_FIELDS
STORAGE_DOWN = _("Sorry, I cannot reach our records right now. Please try again in a few minutes.")

# Job openings (bot/assistant.py lists what staff published).
JOBS_HEADER = _(
    "Open vacancies our placement staff have listed. A listing is not a job offer; never pay anyone to apply."
)
JOB_LINE = _("• %(title)s, %(employer)s, %(location)s (%(field)s; Japanese: %(level)s)")
JOB_SALARY = _("  Salary: %(low)s to %(high)s a month")
JOB_DEADLINE = _("  Apply by: %(date)s")
JOB_HOW = _("  How to apply: %(how)s")
NO_JOBS = _(
    "There are no open vacancies listed here right now. Official Japan job demands are shared by the Overseas "
    "Employment Corporation (oec.gov.pk) and by licensed promoters on BEOE's list (beoe.gov.pk/list-of-oeps). "
    "A real offer never asks you to pay for the visa or the job."
)

# Talking to a person.
HANDOFF_STARTED = _(
    "I have passed your conversation to our staff. A person will answer here, usually within a working day. "
    "Until they close the conversation I will stay quiet, and your messages go to them."
)
HANDOFF_UNAVAILABLE = _(
    "I cannot connect you to a person from this chat right now. For official help, contact the Overseas "
    "Employment Corporation (oec.gov.pk) or the Bureau of Emigration and Overseas Employment (beoe.gov.pk). "
    "Never pay anyone who contacts you privately and promises a job in Japan."
)
STAFF_SAYS = _("Staff: %(text)s")
HANDOFF_CLOSED = _("Our staff have closed this conversation. You are talking to the assistant again.")
