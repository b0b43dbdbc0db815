"""The staff dashboard over HTTP: authentication, authorisation, every page, workflow and exports."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from starlette.applications import Starlette

from bot.config import Settings
from bot.leads import LeadJob, LeadService
from bot.migrations import migrate
from bot.models import JobOpening
from bot.repository import Repository
from bot.staff.accounts import LoginResult, StaffAccounts
from bot.staff.app import create_dashboard

ORIGIN = "http://localhost:8080"
EMAIL, PASSWORD = "recruiter@example.org", "correct horse battery"
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.org", "staple tiger lantern"


def lead_payload(name: str, city: str, field: str, level: str = "n4") -> dict[str, Any]:
    return {
        "profile": {
            "full_name": name,
            "phone": "+923001234567",
            "city": city,
            "age": 25,
            "education": "bachelor",
            "field": field,
            "japanese_level": level,
            "experience_years": 2,
            "has_passport": True,
        },
        "consent_at": "2026-11-20T09:00:00+00:00",
        "consent_version": "2026-11-v1",
    }


@dataclass
class Dashboard:
    client: httpx.AsyncClient
    repository: Repository


async def seed(repository: Repository, tmp_path: Path) -> None:
    service = LeadService(repository)
    await service.store(LeadJob("1", "run", "ur", lead_payload("Ali Raza", "Lahore", "it")))
    await service.store(LeadJob("2", "run", "en", lead_payload("Sara Khan", "Lahore", "it")))
    await service.store(LeadJob("3", "run", "ur", lead_payload("Bilal Ahmed", "Karachi", "it")))
    await service.store(LeadJob("4", "run", "ur", lead_payload("Hina Iqbal", "Lahore", "nursing_care")))
    await repository.record_topic("1", "it_jobs")
    await repository.record_topic("anonymous", "fraud")


async def seeded_dashboard(
    tmp_path: Path, env: dict[str, str] | None = None, database_url: str | None = None
) -> tuple[Starlette, Repository]:
    """The dashboard app on a fresh database with a recruiter, an admin and four leads."""
    url = database_url or f"sqlite:///{tmp_path / 'dash.db'}"
    await migrate(url)
    repository = Repository(url)
    await StaffAccounts(repository).add(EMAIL, PASSWORD, "recruiter")
    await StaffAccounts(repository).add(ADMIN_EMAIL, ADMIN_PASSWORD, "admin")
    await seed(repository, tmp_path)
    settings = Settings.from_env({"DATABASE_URL": url, "DASHBOARD_SECRET_KEY": "test-secret", **(env or {})})
    return create_dashboard(settings, repository), repository


@contextlib.asynccontextmanager
async def open_dashboard(tmp_path: Path) -> AsyncIterator[Dashboard]:
    """The seeded dashboard and a browser-like client on it."""
    app, repository = await seeded_dashboard(tmp_path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN) as client:
        yield Dashboard(client, repository)
    await repository.dispose()


@pytest.fixture
async def dashboard(tmp_path: Path) -> AsyncIterator[Dashboard]:
    async with open_dashboard(tmp_path) as opened:
        yield opened


async def csrf_from(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text) or re.search(
        r'name="csrf-token" content="([^"]+)"', page.text
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def login(client: httpx.AsyncClient, password: str = PASSWORD, email: str = EMAIL) -> httpx.Response:
    token = await csrf_from(client, "/admin/login")
    return await client.post(
        "/admin/login", data={"username": email, "password": password, "csrf_token": token}, headers={"Origin": ORIGIN}
    )


async def login_admin(client: httpx.AsyncClient) -> httpx.Response:
    return await login(client, ADMIN_PASSWORD, ADMIN_EMAIL)


async def post_form(client: httpx.AsyncClient, path: str, data: dict[str, str], token_from: str) -> httpx.Response:
    """A form post as the browser sends it: with the page's CSRF token, from the dashboard's origin."""
    token = await csrf_from(client, token_from)
    return await client.post(path, data={**data, "csrf_token": token}, headers={"Origin": ORIGIN})


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/lead/list",
        "/admin/lead/details/1",
        "/admin/overview",
        "/admin/lead/export/csv",
        "/admin/job-opening/list",
        "/admin/job-opening/create",
    ],
)
async def test_nothing_is_visible_without_login(dashboard: Dashboard, path: str) -> None:
    response = await dashboard.client.get(path)
    assert response.status_code == 302 and response.headers["location"].endswith("/admin/login")
    assert "Ali Raza" not in response.text


async def test_status_change_is_refused_without_login(dashboard: Dashboard) -> None:
    forged = await dashboard.client.post(
        "/admin/leads/1/status", data={"status": "contacted", "note": "x"}, headers={"Origin": ORIGIN}
    )
    assert forged.status_code == 400  # no CSRF token
    response = await post_form(dashboard.client, "/admin/leads/1/status", {"status": "contacted"}, "/admin/login")
    assert response.status_code == 302 and response.headers["location"].endswith("/admin/login")
    data = await dashboard.repository.user_data("1")
    assert data is not None and data.lead is not None and data.lead["status"] == "new"


async def test_login_logout_and_wrong_password(dashboard: Dashboard) -> None:
    wrong = await login(dashboard.client, "not the password")
    assert wrong.status_code == 400 and "Wrong e-mail or password" in wrong.text
    ok = await login(dashboard.client)
    assert ok.status_code == 302
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 200
    await dashboard.client.get("/admin/logout")
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 302


async def test_login_without_csrf_token_or_from_another_site_is_refused(dashboard: Dashboard) -> None:
    await dashboard.client.get("/admin/login")
    no_token = await dashboard.client.post(
        "/admin/login", data={"username": EMAIL, "password": PASSWORD}, headers={"Origin": ORIGIN}
    )
    assert no_token.status_code == 400
    token = await csrf_from(dashboard.client, "/admin/login")
    cross_site = await dashboard.client.post(
        "/admin/login",
        headers={"Origin": "https://evil.example"},
        data={"username": EMAIL, "password": PASSWORD, "csrf_token": token},
    )
    assert cross_site.status_code == 403
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 302


async def test_lock_out_after_repeated_failures(dashboard: Dashboard) -> None:
    for _ in range(5):
        await login(dashboard.client, "wrong password")
    locked = await login(dashboard.client)  # even the right password is refused while locked
    assert locked.status_code == 400 and "locked for 15 minutes" in locked.text
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 302
    accounts = StaffAccounts(dashboard.repository)
    later = datetime.now(UTC) + timedelta(minutes=16)
    assert (await accounts.login(EMAIL, PASSWORD, now=later)).result is LoginResult.OK


async def test_lead_list_search_filters_and_sorting(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    everything = await dashboard.client.get("/admin/lead/list")
    assert all(name in everything.text for name in ("Ali Raza", "Sara Khan", "Bilal Ahmed", "Hina Iqbal"))
    filtered = await dashboard.client.get(
        "/admin/lead/list", params={"language": "ur", "field": "it", "city": "Lahore"}
    )
    assert "Ali Raza" in filtered.text
    assert not any(name in filtered.text for name in ("Sara Khan", "Bilal Ahmed", "Hina Iqbal"))
    searched = await dashboard.client.get("/admin/lead/list", params={"search": "Bilal"})
    assert "Bilal Ahmed" in searched.text and "Sara Khan" not in searched.text
    by_name = await dashboard.client.get("/admin/lead/list", params={"sortBy": "full_name", "sort": "asc"})
    positions = [by_name.text.index(n) for n in ("Ali Raza", "Bilal Ahmed", "Hina Iqbal", "Sara Khan")]
    assert positions == sorted(positions)


async def test_lead_page_status_workflow_and_history(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    page = await dashboard.client.get("/admin/lead/details/1")
    assert page.status_code == 200
    assert "2026-11-v1" in page.text and "it_jobs" in page.text and "created" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    bad = await dashboard.client.post(
        "/admin/leads/1/status",
        headers={"Origin": ORIGIN},
        data={"status": "contacted", "note": "x", "csrf_token": "forged"},
    )
    assert bad.status_code == 400
    changed = await dashboard.client.post(
        "/admin/leads/1/status",
        headers={"Origin": ORIGIN},
        data={"status": "contacted", "note": "Called, sent JLPT info", "csrf_token": token.group(1)},
    )
    assert changed.status_code == 303
    page = await dashboard.client.get("/admin/lead/details/1")
    assert "new → contacted" in page.text and EMAIL in page.text and "Called, sent JLPT info" in page.text


async def test_exports_follow_the_current_filter(dashboard: Dashboard) -> None:
    await login_admin(dashboard.client)
    listing = await dashboard.client.get("/admin/lead/list", params={"language": "ur", "city": "Lahore"})
    assert "/admin/lead/export/csv?language=ur&amp;city=Lahore" in listing.text
    response = await dashboard.client.get("/admin/lead/export/csv", params={"language": "ur", "city": "Lahore"})
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert sorted(r["full_name"] for r in rows) == ["Ali Raza", "Hina Iqbal"]
    assert rows[0]["phone"] == "'+923001234567"  # a leading ' so that no spreadsheet reads a formula
    xlsx = await dashboard.client.get("/admin/lead/export/xlsx", params={"field": "it"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    names = sorted(str(row[2]) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["Ali Raza", "Bilal Ahmed", "Sara Khan"]


async def test_overview_draws_charts(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    page = await dashboard.client.get("/admin/overview")
    assert page.status_code == 200
    assert page.text.count("<svg") == 5 and "4 leads in total" in page.text
    assert "Lahore" in page.text and "fraud" in page.text


JOB_FORM = {
    "title": "Caregiver",
    "employer": "Sakura Care",
    "field": "nursing_care",
    "japanese_level": "n4",
    "location": "Osaka",
    "salary_min_yen": "200000",
    "salary_max_yen": "230000",
    "deadline": "",
    "how_to_apply": "Through OEC",
}


async def test_job_openings_can_be_added_and_closed(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    form = await dashboard.client.get("/admin/job-opening/create")
    assert form.status_code == 200
    created = await post_form(
        dashboard.client, "/admin/job-opening/create", {**JOB_FORM, "is_open": "y"}, "/admin/job-opening/create"
    )
    assert created.status_code == 302
    [job] = await dashboard.repository.open_jobs()
    assert job.title == "Caregiver" and job.location == "Osaka"
    edit_page = f"/admin/job-opening/edit/{job.id}"
    edited = await post_form(dashboard.client, edit_page, JOB_FORM, edit_page)  # unchecked box: closed
    assert edited.status_code == 302
    assert await dashboard.repository.open_jobs() == []
    assert isinstance(job, JobOpening)
