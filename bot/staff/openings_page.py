"""Dashboard page for demand sheets: the template, the upload (checked cell by cell), the drafts, publishing."""

from __future__ import annotations

import asyncio
import logging
from typing import cast

from sqladmin import BaseView, expose
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.opening_sheet import TEMPLATE_COLUMNS, template_csv, template_xlsx
from bot.openings import NEXT, PUBLISHED, OpeningStore, StatusRefused
from bot.repository import Repository
from bot.staff.audit import record
from bot.staff.auth import current_staff
from bot.staff.exports import XLSX_TYPE
from bot.staff.roles import may
from contract.queue import PUBLISH_ALERTS, open_alert_queue

log = logging.getLogger(__name__)


class OpeningsImportView(BaseView):
    """Upload a demand sheet; every row becomes a draft, or nothing does; drafts are previewed, then published."""

    name, icon, identity = "Import openings", "fa-solid fa-file-import", "openings"

    @staticmethod
    def _store(request: Request) -> OpeningStore:
        return OpeningStore(cast(Repository, request.app.state.repository))

    async def _page(self, request: Request, status_code: int = 200, **context: object) -> Response:
        drafts = await self._store(request).drafts()
        values = {"drafts": drafts, "columns": TEMPLATE_COLUMNS, "errors": (), "rejected": "", **context}
        return await self.templates.TemplateResponse(request, "openings_import.html", values, status_code=status_code)

    @expose("/openings/import", methods=["GET"])
    async def openings(self, request: Request) -> Response:
        """The upload form, the template links and the drafts waiting to be published."""
        return await self._page(request, created=int(request.query_params.get("created", "0") or 0))

    @expose("/openings/template.{kind:str}", methods=["GET"], include_in_schema=False)
    async def opening_template(self, request: Request) -> Response:
        """The demand-sheet template with one example row."""
        if request.path_params["kind"] == "csv":
            return Response(template_csv(), media_type="text/csv; charset=utf-8", headers=_attachment("csv"))
        return Response(template_xlsx(), media_type=XLSX_TYPE, headers=_attachment("xlsx"))

    @expose("/openings/import", methods=["POST"], include_in_schema=False)
    async def opening_upload(self, request: Request) -> Response:
        """Import the uploaded sheet as drafts when every cell is valid; else list every bad cell."""
        if not may(request, "job-opening", "create"):
            return HTMLResponse("You may not import job openings.", status_code=403)
        form = await request.form()
        sheet = form.get("sheet")
        if not isinstance(sheet, UploadFile) or not sheet.filename:
            return await self._page(request, 400, rejected="choose an .xlsx or .csv file")
        outcome = await self._store(request).import_sheet(await sheet.read(), sheet.filename)
        await form.close()
        if not outcome.ok:
            return await self._page(request, 400, errors=outcome.errors, rejected=outcome.rejected)
        repository = cast(Repository, request.app.state.repository)
        detail = f"{len(outcome.created)} drafts from {sheet.filename[:100]}"
        await record(repository, request, current_staff(request).email, "job_opening_import", "job-opening", detail)
        return RedirectResponse(str(request.url_for("admin:view-openings")) + f"?created={len(outcome.created)}", 303)

    @expose("/openings/{opening_id:int}/status", methods=["POST"], include_in_schema=False)
    async def opening_status(self, request: Request) -> Response:
        """Publish or close an opening (the bot lists only published ones); audited."""
        if not may(request, "job-opening", "edit"):
            return HTMLResponse("You may not publish or close job openings.", status_code=403)
        opening_id = int(request.path_params["opening_id"])
        form = await request.form()
        status = str(form.get("status", ""))
        try:
            await self._store(request).set_status(opening_id, status)
        except LookupError:
            return HTMLResponse("There is no such job opening.", status_code=404)
        except StatusRefused as refusal:
            return HTMLResponse(str(refusal), status_code=400)
        if status == PUBLISHED:
            await queue_alerts(request, opening_id)
        repository = cast(Repository, request.app.state.repository)
        target = f"job-opening {opening_id}"
        await record(repository, request, current_staff(request).email, f"job_opening_{status}", target)
        back = str(form.get("back", ""))
        if back == "import":
            return RedirectResponse(str(request.url_for("admin:view-openings")), 303)
        return RedirectResponse(str(request.url_for("admin:details", identity="job-opening", pk=opening_id)), 303)


async def queue_alerts(request: Request, opening_id: int) -> None:
    """Ask the adapter's alert worker to hand out the opening's alerts now (it also finds them on its own)."""
    location = getattr(request.app.state, "queue_location", None)
    if not location:
        return
    try:
        await asyncio.to_thread(lambda: open_alert_queue(location).enqueue(PUBLISH_ALERTS, opening_id))
    except Exception as err:  # Redis or the queue file unreachable: the worker's recovery round still finds it
        log.warning("alerts of opening %d not queued (%s): the worker finds them", opening_id, type(err).__name__)


def _attachment(kind: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=openings-template.{kind}"}


def next_statuses(status: str) -> tuple[str, ...]:
    """The status changes the opening's page offers."""
    return NEXT.get(status, ())
