"""Dashboard pages of our own: the overview with charts and the lead status change."""

from __future__ import annotations

import asyncio
from typing import cast

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.repository import Repository
from bot.staff.audit import client_of
from bot.staff.auth import current_staff
from bot.staff.overview import bar_chart_svg, load_overview
from bot.staff.roles import may
from bot.staff.workflow import StatusChangeRefused, change_status


class WorkflowView(BaseView):
    """Status changes of a lead (posted from the lead's page) and the overview with charts."""

    name, icon, identity = "Overview", "fa-solid fa-chart-bar", "overview"

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
        """Apply an allowed status change (CSRF token checked by CsrfMiddleware); who and when are recorded."""
        if not may(request, "lead", "status"):
            return HTMLResponse("You may not change lead statuses.", status_code=403)
        lead_id = int(request.path_params["lead_id"])
        form = await request.form()
        status, note = str(form.get("status", "")), str(form.get("note", ""))
        try:
            await change_status(
                self._repository(request), lead_id, status, note, current_staff(request).email, client_of(request)
            )
        except LookupError:
            return HTMLResponse("There is no such lead (it may have been erased).", status_code=404)
        except StatusChangeRefused as refusal:
            return await self.templates.TemplateResponse(
                request, "status_refused.html", {"message": str(refusal), "lead_id": lead_id}, status_code=400
            )
        return RedirectResponse(str(request.url_for("admin:details", identity="lead", pk=lead_id)), status_code=303)
