"""The admin interface (sqladmin): leads with filters and exports, the status workflow, job openings, overview."""

from __future__ import annotations

import asyncio
import io
from typing import Any, ClassVar, cast

from openpyxl import Workbook
from sqladmin import BaseView, ModelView, expose
from sqladmin._types import SimpleColumnFilter
from sqladmin.filters import AllUniqueStringValuesFilter, OperationColumnFilter, StaticValuesFilter
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from bot.models import LEAD_STATUSES, JobOpening, Lead, User
from bot.repository import Repository
from bot.staff.overview import bar_chart_svg, load_overview
from bot.staff.security import csrf_valid, current_staff
from contract.profile import PROFILE_FIELDS

LANGUAGES = [("en", "English"), ("ur", "Urdu"), ("ur_Latn", "Roman Urdu")]
JAPANESE = [(k, k.upper().replace("_", "-")) for k in ("none", "studying", "n5", "n4", "n3", "n2", "n1", "jft_a2")]
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

    def details_query(self, request: Request) -> Select[Any]:
        """The lead with its history and the user's topics."""
        return (
            super()
            .details_query(request)
            .options(selectinload(Lead.history), selectinload(Lead.user).selectinload(User.topics))
        )

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
        """CSV (UTF-8 with BOM, so Excel shows Urdu) or XLSX of the given leads."""
        rows = [[_cell(getattr(lead, column)) for column in EXPORT_COLUMNS] for lead in data]
        stamp = "leads"
        if export_type == "xlsx":
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("Leads")
            sheet.append(list(EXPORT_COLUMNS))
            for row in rows:
                sheet.append(row)
            buffer = io.BytesIO()
            workbook.save(buffer)
            return StreamingResponse(
                iter([buffer.getvalue()]),
                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition": f"attachment; filename={stamp}.xlsx"},
            )
        import csv

        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(rows)
        return StreamingResponse(
            iter(["\ufeff" + text.getvalue()]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename={stamp}.csv"},
        )


def _cell(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="minutes")
    return value


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
        JobOpening.is_open,
    ]
    column_searchable_list: ClassVar[Any] = [JobOpening.title, JobOpening.employer, JobOpening.location]
    column_filters: ClassVar[Any] = [AllUniqueStringValuesFilter(JobOpening.field, title="Field")]
    form_excluded_columns: ClassVar[Any] = [JobOpening.created_at]
    column_labels: ClassVar[Any] = {
        JobOpening.salary_min_yen: "Salary from (yen/month)",
        JobOpening.salary_max_yen: "Salary to (yen/month)",
        JobOpening.is_open: "Open",
        JobOpening.japanese_level: "Japanese level needed",
    }


class WorkflowView(BaseView):
    """Status changes of a lead (posted from the lead's page) and the overview with charts."""

    name, icon = "Overview", "fa-solid fa-chart-bar"

    @staticmethod
    def _repository(request: Request) -> Repository:
        return cast(Repository, request.app.state.repository)

    @expose("/overview", methods=["GET"])
    async def overview(self, request: Request) -> Response:
        """Leads per day and by field, city and Japanese level; the most-asked topics."""
        figures = await load_overview(self._repository(request))
        charts = await asyncio.to_thread(
            lambda: [
                bar_chart_svg("Leads per day (last 30 days)", figures.per_day),
                bar_chart_svg("Leads by field", figures.by_field),
                bar_chart_svg("Leads by city", figures.by_city),
                bar_chart_svg("Leads by Japanese level", figures.by_japanese_level),
                bar_chart_svg("Most-asked topics (all users, anonymous)", figures.top_topics),
            ]
        )
        return await self.templates.TemplateResponse(request, "overview.html", {"figures": figures, "charts": charts})

    @expose("/leads/{lead_id:int}/status", methods=["POST"], include_in_schema=False)
    async def change_status(self, request: Request) -> Response:
        """Apply a status change with a note; who and when are recorded."""
        lead_id = int(request.path_params["lead_id"])
        form = await request.form()
        status, note = str(form.get("status", "")), str(form.get("note", ""))
        if not csrf_valid(request, form.get("csrf_token")) or status not in LEAD_STATUSES:
            return Response("invalid request", status_code=400)
        try:
            await self._repository(request).change_status(lead_id, status, note, actor=current_staff(request))
        except LookupError:
            return Response("no such lead", status_code=404)
        return RedirectResponse(str(request.url_for("admin:details", identity="lead", pk=lead_id)), status_code=303)
