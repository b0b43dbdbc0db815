"""An opening's applicants in the dashboard: moving an application along its workflow, and the shortlist.

- POST /admin/applications/{id}/status moves an application to one of its next statuses (applications.WORKFLOW)
  with a note; "selected" and "not selected" need a note (the decision must be explainable to the young
  person and the employer). Allowed to whoever may change a lead's status (recruiters and admins);
  CSRF-checked by CsrfMiddleware; every change is kept in the application's history and the audit log.
- GET /admin/openings/{id}/shortlist.xlsx is the list for the employer: the applicants who are shortlisted,
  at interview or selected, with only the fields each of them agreed to share (application.shared_fields,
  at most applications.SHARED_FIELDS) and the status; never the phone number, the Telegram id or any other
  lead column. Unlike the lead exports (admins only), recruiters may download it: sending the shortlist to
  the employer is their job (the grant ("job-opening", "shortlist") in roles.py). Every download is audited.

The view is reached from an opening's page (opening_details.html), not from the menu.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.applications import (
    INTERVIEW,
    NOT_SELECTED,
    SELECTED,
    SHARED_FIELDS,
    SHORTLISTED,
    STATUS_NAMES,
    WORKFLOW,
    Applicant,
    ApplicationStore,
    TransitionRefused,
)
from bot.models import Application, JobOpening
from bot.repository import Repository
from bot.routes import JAPANESE_LEVEL_LABELS
from bot.staff.audit import record
from bot.staff.auth import current_staff
from bot.staff.exports import xlsx_response
from bot.staff.roles import may
from bot.texts import NO, VALUE_LABELS, YES

NOTE_REQUIRED = frozenset({SELECTED, NOT_SELECTED})
MAX_NOTE = 2000
SHORTLIST_STATUSES = (SHORTLISTED, INTERVIEW, SELECTED)
HEADERS = {
    "full_name": "Name",
    "age": "Age",
    "city": "City",
    "education": "Education",
    "field": "Field",
    "japanese_level": "Japanese",
    "experience_years": "Experience (years)",
    "has_passport": "Passport",
}
SHORTLIST_COLUMNS = (*(HEADERS[field] for field in SHARED_FIELDS), "Status")


class ApplicationRefused(ValueError):
    """A status change the workflow or the note rule does not allow (the message is shown to the recruiter)."""


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses an application in `status` may move to."""
    return WORKFLOW.get(status, ())


def check(previous: str, status: str, note: str) -> None:
    """Raise ApplicationRefused unless previous → status is allowed with this note."""
    allowed = next_statuses(previous)
    if status not in allowed:
        options = ", ".join(f"“{STATUS_NAMES[s]}”" for s in allowed) or "none (the decision is final)"
        target = STATUS_NAMES.get(status, status)
        raise ApplicationRefused(
            f"An application that is “{STATUS_NAMES.get(previous, previous)}” cannot be moved to “{target}”. "
            f"Allowed: {options}."
        )
    if status in NOTE_REQUIRED and not note.strip():
        raise ApplicationRefused(f"Please write a note saying why the applicant is now “{STATUS_NAMES[status]}”.")
    if len(note.strip()) > MAX_NOTE:
        raise ApplicationRefused(f"The note is longer than {MAX_NOTE} characters.")


def shown(field: str, value: Any) -> Any:
    """A shared value as the employer reads it: labels instead of stored keys."""
    if field == "has_passport":
        return YES if value else NO
    if field == "japanese_level":
        return JAPANESE_LEVEL_LABELS.get(str(value), str(value))
    if field in {"education", "field"}:
        return VALUE_LABELS.get(str(value), str(value))
    return value


def shortlist_rows(applicants: Sequence[Applicant]) -> list[list[Any]]:
    """One row per shortlisted, interviewing or selected applicant: only the fields they agreed to share."""
    rows = []
    for applicant in applicants:
        application = applicant.application
        if application.status not in SHORTLIST_STATUSES:
            continue
        shared = set(application.shared_fields or ()) & set(SHARED_FIELDS)
        values = [shown(f, getattr(applicant.lead, f)) if f in shared else "" for f in SHARED_FIELDS]
        rows.append([*values, STATUS_NAMES[application.status]])
    return rows


class ApplicantsView(BaseView):
    """Routes posted from, and linked on, a job opening's page."""

    name, icon, identity = "Applicants", "fa-solid fa-user-check", "applicants"

    def is_visible(self, request: Request) -> bool:
        """Not in the menu: each opening's page has its applicants."""
        return False

    def is_accessible(self, request: Request) -> bool:
        """Whoever may see an opening's page; each route checks its own permission as well."""
        return may(request, "job-opening", "details")

    @staticmethod
    def _repository(request: Request) -> Repository:
        return cast(Repository, request.app.state.repository)

    @expose("/applications/{application_id:int}/status", methods=["POST"], include_in_schema=False)
    async def application_status(self, request: Request) -> Response:
        """Move an application to an allowed next status with a note; who and when are recorded."""
        if not may(request, "lead", "status"):
            return HTMLResponse("You may not change applications.", status_code=403)
        application_id = int(request.path_params["application_id"])
        form = await request.form()
        status, note = str(form.get("status", "")), str(form.get("note", ""))
        repository = self._repository(request)
        async with repository.session() as session:
            application = await session.get(Application, application_id)
        if application is None:
            return HTMLResponse("There is no such application (it may have been erased).", status_code=404)
        opening_id, previous, actor = application.opening_id, application.status, current_staff(request).email
        try:
            check(previous, status, note)
            await ApplicationStore(repository).change_status(application_id, status, note, actor)
        except LookupError:
            return HTMLResponse("There is no such application (it may have been erased).", status_code=404)
        except (ApplicationRefused, TransitionRefused) as refusal:
            context = {"message": str(refusal), "opening_id": opening_id}
            return await self.templates.TemplateResponse(request, "application_refused.html", context, status_code=400)
        detail = f"{previous} → {status}; job-opening {opening_id}"
        await record(repository, request, actor, "application_status", f"application {application_id}", detail)
        back = request.url_for("admin:details", identity="job-opening", pk=opening_id)
        return RedirectResponse(f"{back}#applicant-{application_id}", status_code=303)

    @expose("/openings/{opening_id:int}/shortlist.xlsx", methods=["GET"], include_in_schema=False)
    async def shortlist(self, request: Request) -> Response:
        """The shortlist for the employer as XLSX (formula-safe); audited."""
        if not may(request, "job-opening", "shortlist"):
            return HTMLResponse("You may not export shortlists.", status_code=403)
        opening_id = int(request.path_params["opening_id"])
        repository = self._repository(request)
        async with repository.session() as session:
            opening = await session.get(JobOpening, opening_id)
        if opening is None:
            return HTMLResponse("There is no such job opening.", status_code=404)
        rows = shortlist_rows(await ApplicationStore(repository).applicants(opening_id))
        target = f"shortlist of job-opening {opening_id}"
        await record(repository, request, current_staff(request).email, "export", target, f"{len(rows)} rows")
        return xlsx_response(SHORTLIST_COLUMNS, rows, f"shortlist-{opening_id}")
