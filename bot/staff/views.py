"""The admin interface (sqladmin): leads with filters and exports, job openings."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from sqladmin import ModelView
from sqladmin._types import SimpleColumnFilter
from sqladmin.filters import AllUniqueStringValuesFilter, OperationColumnFilter, StaticValuesFilter
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import StreamingResponse

from bot.alert_outbox import AlertOutbox
from bot.applications import STATUS_NAMES, ApplicationStore
from bot.matching import leads_for_opening, openings_by_id, openings_for_lead, reason
from bot.models import LEAD_STATUSES, JobOpening, Lead, User
from bot.repository import Repository
from bot.routes import JAPANESE_LEVEL_LABELS
from bot.staff.applicants_page import NOTE_REQUIRED, next_statuses
from bot.staff.audit import record
from bot.staff.auth import current_staff
from bot.staff.exports import export_response
from contract.profile import JAPANESE_LEVELS, LEGACY_JAPANESE_LEVELS, PROFILE_FIELDS

LANGUAGES = [("en", "English"), ("ur", "Urdu"), ("ur_Latn", "Roman Urdu")]
JAPANESE = [("none", "None")] + [
    (key, JAPANESE_LEVEL_LABELS.get(key, key)) for key in (*JAPANESE_LEVELS, *LEGACY_JAPANESE_LEVELS) if key != "none"
]
EXPORT_COLUMNS = (
    "id",
    "created_at",
    *PROFILE_FIELDS,
    "language",
    "route",
    "status",
    "source",
    "consent_at",
    "consent_version",
)


class LeadAdmin(ModelView, model=Lead):
    """Leads: search, filters, sorting, pagination, CSV/XLSX export of the current filter."""

    name, name_plural, icon = "Lead", "Leads", "fa-solid fa-user"
    can_create = False
    can_edit = False
    can_delete = False
    column_list: ClassVar[Any] = [
        Lead.id,
        Lead.created_at,
        Lead.full_name,
        Lead.city,
        Lead.field,
        Lead.japanese_level,
        Lead.language,
        Lead.status,
    ]
    column_searchable_list: ClassVar[Any] = [Lead.full_name, Lead.city, Lead.phone]
    column_sortable_list: ClassVar[Any] = [Lead.id, Lead.created_at, Lead.full_name, Lead.city, Lead.age, Lead.status]
    column_default_sort: ClassVar[Any] = [(Lead.created_at, True)]
    column_filters: ClassVar[Any] = [
        StaticValuesFilter(Lead.status, values=[(s, s) for s in LEAD_STATUSES], title="Status"),
        AllUniqueStringValuesFilter(Lead.city, title="City"),
        AllUniqueStringValuesFilter(Lead.field, title="Field"),
        StaticValuesFilter(Lead.japanese_level, values=JAPANESE, title="Japanese"),
        StaticValuesFilter(Lead.language, values=LANGUAGES, title="Language"),
        OperationColumnFilter(Lead.created_at, title="Created"),
    ]
    column_details_exclude_list: ClassVar[Any] = [Lead.user, Lead.history]
    page_size = 25
    page_size_options: ClassVar[list[int]] = [25, 50, 100]
    can_export = True
    export_types: ClassVar[list[str]] = ["csv", "xlsx"]
    export_max_rows = 50_000
    list_template = "leads_list.html"
    details_template = "lead_details.html"
    can_import = False

    def details_query(self, request: Request) -> Select[Any]:
        """The lead with its history and the user's topics."""
        return (
            super()
            .details_query(request)
            .options(selectinload(Lead.history), selectinload(Lead.user).selectinload(User.topics))
        )

    async def details_context(self, request: Request) -> dict[str, Any]:
        """The published openings this lead fits (bot/matching.py) and the lead's applications."""
        repository = cast(Repository, request.app.state.repository)
        lead_id = int(request.path_params["pk"])
        matches = await openings_for_lead(repository, lead_id)
        return {
            "fitting_openings": await openings_by_id(repository, [m.opening_id for m in matches]),
            "lead_applications": await ApplicationStore(repository).of_lead(lead_id),
            "application_status_names": STATUS_NAMES,
        }

    async def get_object_for_details(self, request: Request) -> Any:
        """The lead; opening a lead's page (name, phone) is recorded in the audit log once per request."""
        lead = await super().get_object_for_details(request)
        if lead is not None and not getattr(request.state, "lead_view_recorded", False):
            request.state.lead_view_recorded = True
            repository = cast(Repository, request.app.state.repository)
            await record(repository, request, current_staff(request).email, "lead_view", f"lead {lead.id}")
        return lead

    async def get_model_objects(self, request: Request, limit: int | None = 0) -> list[Any]:
        """Rows for export: the same search, filters and sort as the list page the export was started from."""
        stmt = self.list_query(request)
        for filter_ in self.get_filters():
            value = request.query_params.get(filter_.parameter_name)
            if not value:
                continue
            if isinstance(filter_, OperationColumnFilter):
                operation = request.query_params.get(f"{filter_.parameter_name}_op")
                if operation:
                    stmt = await filter_.get_filtered_query(stmt, operation, value, self.model)
            else:
                stmt = await cast(SimpleColumnFilter, filter_).get_filtered_query(stmt, value, self.model)
        stmt = self.sort_query(stmt, request)
        if search := request.query_params.get("search"):
            stmt = self.search_query(stmt=stmt, term=search)
        return list(await self._run_query(stmt.limit(limit or None)))

    async def export_data(
        self, data: list[Any], export_type: str = "csv", request: Request | None = None
    ) -> StreamingResponse:
        """CSV (UTF-8 with BOM, so Excel shows Urdu) or XLSX of the given leads, formula-safe; audited."""
        if request is not None:
            await record_export(request, "leads", len(data))
        rows = [[getattr(lead, column) for column in EXPORT_COLUMNS] for lead in data]
        return export_response(export_type, EXPORT_COLUMNS, rows, "leads")


async def record_export(request: Request, what: str, count: int) -> None:
    """Audit an export: who, how many rows, with which search and filters."""
    repository = cast(Repository, request.app.state.repository)
    await record(
        repository, request, current_staff(request).email, "export", what, f"{count} rows; {request.url.query}"
    )


SHEET_ONLY = (
    JobOpening.route,
    JobOpening.education,
    JobOpening.age_min,
    JobOpening.age_max,
    JobOpening.experience_years,
    JobOpening.headcount,
)


class JobOpeningAdmin(ModelView, model=JobOpening):
    """Job openings staff add, edit and close; the bot lists the open ones."""

    name, name_plural, icon = "Job opening", "Job openings", "fa-solid fa-briefcase"
    column_list: ClassVar[Any] = [
        JobOpening.id,
        JobOpening.title,
        JobOpening.employer,
        JobOpening.field,
        JobOpening.japanese_level,
        JobOpening.location,
        JobOpening.deadline,
        JobOpening.status,
        JobOpening.is_open,
    ]
    column_searchable_list: ClassVar[Any] = [JobOpening.title, JobOpening.employer, JobOpening.location]
    column_filters: ClassVar[Any] = [
        AllUniqueStringValuesFilter(JobOpening.field, title="Field"),
        AllUniqueStringValuesFilter(JobOpening.status, title="Status"),
    ]
    # Status changes go through the opening's page (publish, close); the demand-sheet columns through imports.
    # alerts_started_at is the alert worker's own mark (set once when the alerts are handed out), never edited.
    form_excluded_columns: ClassVar[Any] = [
        JobOpening.created_at,
        JobOpening.status,
        JobOpening.alerts_started_at,
        *SHEET_ONLY,
    ]
    details_template = "opening_details.html"
    create_template = "staff_create.html"
    edit_template = "staff_edit.html"
    can_import = False
    can_export = True  # for admins only (roles.py)
    export_types: ClassVar[list[str]] = ["csv", "xlsx"]
    export_columns: ClassVar[Any] = [
        "id",
        "title",
        "employer",
        "field",
        "japanese_level",
        "location",
        "salary_min_yen",
        "salary_max_yen",
        "deadline",
        "how_to_apply",
        "is_open",
        "status",
        "route",
        "education",
        "age_min",
        "age_max",
        "experience_years",
        "headcount",
        "created_at",
    ]
    column_labels: ClassVar[Any] = {
        JobOpening.salary_min_yen: "Salary from (yen/month)",
        JobOpening.salary_max_yen: "Salary to (yen/month)",
        JobOpening.is_open: "Open",
        JobOpening.japanese_level: "Japanese level needed",
    }

    async def details_context(self, request: Request) -> dict[str, Any]:
        """The fitting leads, ranked with their reasons (bot/matching.py); the alerts' progress; the applicants."""
        repository = cast(Repository, request.app.state.repository)
        opening_id = int(request.path_params["pk"])
        return {
            "fitting_leads": await leads_for_opening(repository, opening_id),
            "progress": await AlertOutbox(repository).progress(opening_id),
            "applicants": await ApplicationStore(repository).applicants(opening_id),
            "application_next": next_statuses,
            "application_note_required": NOTE_REQUIRED,
            "status_names": STATUS_NAMES,
            "why": reason,
        }

    async def export_data(
        self, data: list[Any], export_type: str = "csv", request: Request | None = None
    ) -> StreamingResponse:
        """The job openings as CSV or XLSX, formula-safe; audited."""
        if request is not None:
            await record_export(request, "job openings", len(data))
        columns = list(self.export_columns)
        rows = [[getattr(job, column) for column in columns] for job in data]
        return export_response(export_type, columns, rows, "job-openings")
