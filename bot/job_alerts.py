"""Owns what a job alert says and what its buttons do: "I'm interested" applies, "Not for me" declines.

The alert tells the user, before they tap, what applying shares with the employer (never the phone number),
that it is not a job offer and that nobody may charge them for a job. Buttons carry `job:yes:<opening>` or
`job:no:<opening>`; a payload we did not send (forged, or an alert erased since) gets a clear answer and
changes nothing. A user without a profile (erased, or never registered) is taken to the registration first;
their interest is kept and becomes an application once the lead is stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from babel.dates import format_date
from babel.numbers import format_currency

from bot.applications import INTERESTED, NOT_FOR_ME, WITHDRAWN, ApplicationStore, OpeningUnavailable
from bot.dialogue import Button
from bot.models import JobOpening
from bot.replies import BABEL_LOCALES, Rendered, Renderer, replace_buttons
from bot.repository import StorageUnavailable
from bot.texts import SLOW_DOWN, _
from bot.throttle import Throttle, Verdict

log = logging.getLogger(__name__)

JOB_PAYLOAD_PREFIX = "job:"
JOB_PAYLOAD = re.compile(r"^job:(yes|no):(\d{1,9})$")

ALERT_HEADER = _("New job opening that fits your profile:")
ALERT_JOB = _("%(title)s, %(employer)s, %(location)s")
ALERT_FIELD = _("Field: %(field)s. Japanese needed: %(level)s")
ALERT_SALARY = _("Salary: %(low)s to %(high)s a month")
ALERT_SALARY_FROM = _("Salary: from %(low)s a month")
ALERT_SALARY_UP_TO = _("Salary: up to %(high)s a month")
ALERT_DEADLINE = _("Apply by: %(date)s")
ALERT_SHARING = _(
    'If you tap "I\'m interested", our placement staff review your profile. If they put you on the shortlist for '
    "this employer, we share your name, age, city, education, field, Japanese result, work experience and whether "
    "you have a passport with the employer, never your phone number."
)
ALERT_SAFETY = _(
    "This is not a job offer and does not promise a visa. Applying through us is free. Nobody may charge you for "
    "the job or the visa itself; a licensed promoter (check BEOE's list, beoe.gov.pk/list-of-oeps) may ask only its "
    "service charge capped by law, with a receipt. Send /alerts to stop these messages."
)
INTERESTED_BUTTON = _("I'm interested")
NOT_FOR_ME_BUTTON = _("Not for me")
APPLIED = _(
    "Thank you: you applied for %(title)s (%(employer)s). Next steps: our placement staff review your profile; if "
    "they shortlist you for the employer, they send the employer the details you agreed to share and contact you "
    "here or by phone. This is not a job offer yet. Applying is free, and nobody may charge you for this job or its "
    "visa: if anyone asks you for money for it, do not pay, and tell us. /mydata shows your applications."
)
ALREADY_APPLIED = _(
    "You already applied for %(title)s on %(date)s; nothing more to do. Our staff contact you if you are shortlisted."
)
REGISTER_FIRST = _(
    "To apply, we first need your profile (a few questions). Once you have registered, your interest in "
    "%(title)s counts as your application."
)
NOT_FOR_ME_WITHDRAWN = _(
    "Noted: not for you. Your application for %(title)s is withdrawn, and our staff will not send your details to "
    'the employer. If you change your mind, tap "I\'m interested" again while the opening is open.'
)
NOT_FOR_ME_KEPT = _(
    "Noted. Your application for %(title)s is already with our staff (%(status)s), so it stays as it is; to "
    "withdraw it, ask to talk to a person."
)
NOT_FOR_ME_NOTED = _(
    "Noted: not for you. You will still get alerts about other openings that fit (send /alerts to stop)."
)
OPENING_GONE = _("Sorry, this opening is no longer open, so it cannot take applications.")
UNKNOWN_ALERT = _("I cannot find that job alert. Use /help to see what I can do.")
MY_APPLICATIONS = _("Your job applications:")
MY_APPLICATION = _("• %(title)s (%(employer)s): %(status)s, since %(date)s")
APPLICATION_STATUS_LABELS = {
    "applied": _("applied, waiting for review"),
    "shortlisted": _("shortlisted"),
    "interview": _("interview"),
    "selected": _("selected"),
    "not_selected": _("not selected"),
    "withdrawn": _("withdrawn by you"),
}
JOBS_STORAGE_DOWN = _("Sorry, I cannot save your answer just now. Please tap the button again in a few minutes.")

Registration = Callable[[], Awaitable[list[Rendered]]]


def alert_message(renderer: Renderer, language: str, opening: JobOpening) -> Rendered:
    """The alert about `opening` in `language`: money and dates formatted by Babel, with the two buttons."""
    translate = renderer.translator(language)
    locale = BABEL_LOCALES.get(language, "en_PK")
    lines = [
        translate(ALERT_HEADER),
        translate(ALERT_JOB) % {"title": opening.title, "employer": opening.employer, "location": opening.location},
        translate(ALERT_FIELD)
        % {
            "field": renderer.value(language, opening.field),
            "level": renderer.value(language, opening.japanese_level, "japanese_level"),
        },
    ]
    low, high = opening.salary_min_yen, opening.salary_max_yen
    if low or high:
        salary = ALERT_SALARY if low and high else ALERT_SALARY_FROM if low else ALERT_SALARY_UP_TO
        yen = {
            "low": format_currency(low or 0, "JPY", locale=locale),
            "high": format_currency(high or 0, "JPY", locale=locale),
        }
        lines.append(translate(salary) % yen)
    if opening.deadline:
        lines.append(translate(ALERT_DEADLINE) % {"date": format_date(opening.deadline, "long", locale=locale)})
    lines += ["", translate(ALERT_SHARING), translate(ALERT_SAFETY)]
    buttons = (
        Button(translate(INTERESTED_BUTTON), f"{JOB_PAYLOAD_PREFIX}yes:{opening.id}"),
        Button(translate(NOT_FOR_ME_BUTTON), f"{JOB_PAYLOAD_PREFIX}no:{opening.id}"),
    )
    return Rendered(text="\n".join(lines), buttons=buttons)


class JobInterest:
    """Answers taps on an alert's buttons."""

    def __init__(self, applications: ApplicationStore, renderer: Renderer, throttle: Throttle) -> None:
        self._applications = applications
        self._renderer = renderer
        self._throttle = throttle  # the same flood limit as every other message

    async def answer(self, sender: str, language: str, payload: str, register: Registration) -> list[Rendered]:
        """ "I'm interested" (apply, or register first) or "Not for me"; anything else is refused clearly."""
        parsed = JOB_PAYLOAD.match(payload)
        if parsed is None:
            return [self._renderer.text(language, UNKNOWN_ALERT)]
        interested, opening_id = parsed.group(1) == "yes", int(parsed.group(2))
        verdict = await self._throttle.check(sender)
        if verdict is not Verdict.ALLOW:
            return [self._renderer.text(language, SLOW_DOWN)] if verdict is Verdict.WARN else []
        try:
            await self._applications.touch(sender)
            if not await self._applications.alerted(sender, opening_id):
                return [self._renderer.text(language, UNKNOWN_ALERT)]
            if not interested:
                await self._applications.respond(sender, opening_id, NOT_FOR_ME)
                return await self._not_for_me(sender, language, opening_id)
            applied = await self._applications.apply(sender, opening_id)  # a closed opening raises first
            await self._applications.respond(sender, opening_id, INTERESTED)  # so a refused interest is not kept
            if applied is None:  # no profile yet: the interest is kept, the registration starts
                title = (await self._applications.open_opening(opening_id)).title
                return [self._renderer.text(language, REGISTER_FIRST, title=title), *await register()]
        except OpeningUnavailable:
            return [self._renderer.text(language, OPENING_GONE)]
        except StorageUnavailable:
            log.warning("job alert answer not stored: database unavailable")
            return [self._renderer.text(language, JOBS_STORAGE_DOWN)]
        log.info("application %d %s", applied.application_id, "made" if applied.created else "already made")
        if not applied.created:
            date = self._renderer.date(language, applied.at)
            return [self._renderer.text(language, ALREADY_APPLIED, title=applied.opening.title, date=date)]
        opening = applied.opening
        return [self._renderer.text(language, APPLIED, title=opening.title, employer=opening.employer)]

    async def _not_for_me(self, sender: str, language: str, opening_id: int) -> list[Rendered]:
        withdrawn = await self._applications.withdraw(sender, opening_id)
        # The alert's buttons are gone; a change of mind keeps its way back while the opening is open.
        again = (
            Button(self._renderer.translator(language)(INTERESTED_BUTTON), f"{JOB_PAYLOAD_PREFIX}yes:{opening_id}"),
        )
        if withdrawn is None:
            return [replace_buttons(self._renderer.text(language, NOT_FOR_ME_NOTED), again)]
        application, title = withdrawn
        if application.status == WITHDRAWN:
            return [replace_buttons(self._renderer.text(language, NOT_FOR_ME_WITHDRAWN, title=title), again)]
        status = self._renderer.translator(language)(APPLICATION_STATUS_LABELS.get(application.status, ""))
        return [self._renderer.text(language, NOT_FOR_ME_KEPT, title=title, status=status)]

    async def my_data(self, sender: str, language: str) -> list[Rendered]:
        """The /mydata lines about applications (nothing when there are none)."""
        try:
            rows = await self._applications.of_sender(sender)
        except StorageUnavailable:
            return []
        if not rows:
            return []
        translate = self._renderer.translator(language)
        lines = [translate(MY_APPLICATIONS)]
        for application, opening in rows:
            status = translate(APPLICATION_STATUS_LABELS.get(application.status, application.status))
            date = self._renderer.date(language, application.updated_at or application.created_at)
            values = {"title": opening.title, "employer": opening.employer, "status": status, "date": date}
            lines.append(translate(MY_APPLICATION) % values)
        return [Rendered(text="\n".join(lines))]

    async def forget(self, sender: str) -> None:
        """Erase the user's applications (/delete, retention)."""
        await self._applications.forget(sender)
