"""Demand sheets in the dashboard: template download, upload with every bad cell shown, drafts, publishing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.models import JobOpening, Lead, StaffAuditEntry
from bot.opening_sheet import TEMPLATE_COLUMNS, template_csv
from tests.test_dashboard import ORIGIN, Dashboard, csrf_from, login, open_dashboard
from tests.test_openings_import import as_csv, as_xlsx, row

IMPORT = "/admin/openings/import"


@pytest.fixture
async def dashboard(tmp_path: Path) -> AsyncIterator[Dashboard]:
    async with open_dashboard(tmp_path) as opened:
        yield opened


async def upload(client: httpx.AsyncClient, data: bytes, name: str) -> httpx.Response:
    token = await csrf_from(client, IMPORT)
    return await client.post(
        IMPORT, data={"csrf_token": token}, files={"sheet": (name, data)}, headers={"Origin": ORIGIN}
    )


async def test_templates_download_for_a_recruiter(dashboard: Dashboard) -> None:
    assert (await dashboard.client.get("/admin/openings/template.csv")).status_code in (302, 303)  # login first
    await login(dashboard.client)
    page = await dashboard.client.get(IMPORT)
    assert page.status_code == 200 and "No drafts." in page.text
    csv_file = await dashboard.client.get("/admin/openings/template.csv")
    assert csv_file.content == template_csv()
    xlsx_file = await dashboard.client.get("/admin/openings/template.xlsx")
    assert xlsx_file.content[:2] == b"PK" and "openings-template.xlsx" in xlsx_file.headers["content-disposition"]


async def test_bad_cells_are_listed_and_nothing_is_imported(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    sheet = as_csv([list(TEMPLATE_COLUMNS), row(), row(age_min="12", field="<b>x</b>")])
    refused = await upload(dashboard.client, sheet, "demand.csv")
    assert refused.status_code == 400
    assert "Nothing imported: 2 bad cells" in refused.text
    assert "<td>3</td><td>age_min</td><td>12 is outside 16–60</td>" in refused.text
    assert "<b>x</b>" not in refused.text  # escaped
    wrong = await upload(dashboard.client, as_csv([["name", "phone"], ["a", "b"]]), "leads.csv")
    assert wrong.status_code == 400 and "wrong template (missing columns: employer" in wrong.text
    async with dashboard.repository.session() as session:
        assert list(await session.scalars(select(JobOpening))) == []


async def test_import_preview_publish_and_the_bot_lists_it(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    sheet = as_xlsx([list(TEMPLATE_COLUMNS), row(), row(title="Factory worker", field="manufacturing")])
    done = await upload(dashboard.client, sheet, "demand.xlsx")
    assert done.status_code == 303
    preview = await dashboard.client.get(done.headers["location"])
    assert "Imported 2 openings as drafts" in preview.text and "Factory worker" in preview.text
    assert await dashboard.repository.open_jobs() == []
    async with dashboard.repository.session() as session:
        first, second = list(await session.scalars(select(JobOpening.id).order_by(JobOpening.id)))
    details = f"/admin/job-opening/details/{first}"
    page = await dashboard.client.get(details)
    assert page.status_code == 200 and 'id="opening-status">draft<' in page.text
    token = await csrf_from(dashboard.client, details)
    published = await dashboard.client.post(
        f"/admin/openings/{first}/status", data={"csrf_token": token, "status": "published"}, headers={"Origin": ORIGIN}
    )
    assert published.status_code == 303 and published.headers["location"].endswith(details)
    assert [job.id for job in await dashboard.repository.open_jobs()] == [first]
    again = await dashboard.client.post(
        f"/admin/openings/{first}/status", data={"csrf_token": token, "status": "published"}, headers={"Origin": ORIGIN}
    )
    assert again.status_code == 400
    no_token = await dashboard.client.post(
        f"/admin/openings/{second}/status", data={"status": "published"}, headers={"Origin": ORIGIN}
    )
    assert no_token.status_code == 400
    assert [job.id for job in await dashboard.repository.open_jobs()] == [first]
    async with dashboard.repository.session() as session:
        actions = list(await session.scalars(select(StaffAuditEntry.action).order_by(StaffAuditEntry.id)))
    assert actions[-2:] == ["job_opening_import", "job_opening_published"]


async def test_lead_and_opening_pages_show_what_fits(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    # The seeded leads are IT graduates of 25 with the old "n4" level key (never a pass) and two years' experience.
    sheet = as_csv(
        [
            list(TEMPLATE_COLUMNS),
            row(title="Developer", field="it", route="engineer_it", japanese_required="none", education="bachelor"),
            row(title="Care worker"),
        ]
    )
    assert (await upload(dashboard.client, sheet, "d.csv")).status_code == 303
    async with dashboard.repository.session() as session:
        developer, care = list(await session.scalars(select(JobOpening.id).order_by(JobOpening.id)))
        ali = await session.scalar(select(Lead.id).where(Lead.full_name == "Ali Raza"))
    page = (await dashboard.client.get(f"/admin/job-opening/details/{developer}")).text
    assert "Leads that fit (3), best first" in page  # the three IT leads, not the nursing-care one
    assert (
        "bachelor, 2 years&#39; experience, Lahore" not in page and "IT degree, 2 years&#39; experience, Lahore" in page
    )
    assert f'/admin/lead/details/{ali}">Ali Raza</a>' in page
    care_page = (await dashboard.client.get(f"/admin/job-opening/details/{care}")).text
    assert "No lead fits this opening yet." in care_page
    lead_page = (await dashboard.client.get(f"/admin/lead/details/{ali}")).text
    assert "No published opening fits this lead." in lead_page  # the opening is still a draft
    token = await csrf_from(dashboard.client, f"/admin/job-opening/details/{developer}")
    await dashboard.client.post(
        f"/admin/openings/{developer}/status",
        data={"csrf_token": token, "status": "published"},
        headers={"Origin": ORIGIN},
    )
    lead_page = (await dashboard.client.get(f"/admin/lead/details/{ali}")).text
    assert f'/admin/job-opening/details/{developer}">Developer</a>' in lead_page
