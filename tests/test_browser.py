"""A real browser (Debian's Chromium, headless, driven by Playwright) using the staff dashboard.

A recruiter filters leads and marks one contacted, an admin exports; a recruiter imports a demand sheet,
publishes the opening and moves its applicant along, then downloads the employer's shortlist.

Screenshots are kept in data/artifacts/browser/ as test artefacts.
"""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from openpyxl import load_workbook
from playwright.async_api import Page, async_playwright, expect
from sqlalchemy import select

from bot.applications import ApplicationStore
from bot.config import PROJECT_ROOT
from bot.models import JobOpening
from bot.opening_sheet import TEMPLATE_COLUMNS
from bot.repository import Repository
from tests.rasa_server import free_port
from tests.test_dashboard import ADMIN_EMAIL, ADMIN_PASSWORD, EMAIL, PASSWORD, seeded_dashboard
from tests.test_openings_import import as_csv, row

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "data" / "artifacts" / "browser"
# As root in a sandbox with no network: no sandbox, no GPU, no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Served:
    url: str
    repository: Repository


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    app, repository = await seeded_dashboard(tmp_path)
    async with repository.session() as session:
        session.add(
            JobOpening(title="Welder", employer="Kobe Steelworks", field="it", japanese_level="n4", location="Kobe")
        )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", repository)
    server.should_exit = True
    await serving


@pytest.fixture
def dashboard_url(served: Served) -> str:
    return served.url


async def log_in(page: Page, url: str, email: str, password: str) -> None:
    await page.goto(f"{url}/admin/lead/list")
    assert page.url.endswith("/admin/login"), "the list is not visible without logging in"
    await page.fill("#username", email)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/admin/")


async def test_recruiter_filters_and_marks_contacted_admin_exports(dashboard_url: str) -> None:
    assert Path(CHROMIUM).exists(), "Debian's chromium is required (scripts/system-deps.sh installs it)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = await browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
        blocked: list[str] = []  # what the Content-Security-Policy refused: nothing of the dashboard's own
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        await log_in(page, dashboard_url, EMAIL, PASSWORD)
        await page.screenshot(path=str(ARTIFACTS / "1-logged-in.png"))

        # Find the Urdu-speaking IT leads from Lahore with the list's filters.
        await page.goto(f"{dashboard_url}/admin/lead/list")
        assert await page.locator("#export-csv").count() == 0, "recruiters do not export"
        for label in ("Urdu", "it", "Lahore"):
            await page.get_by_role("link", name=label, exact=True).first.click()
            await page.wait_for_load_state()
        await page.screenshot(path=str(ARTIFACTS / "2-filtered.png"), full_page=True)
        table = await page.inner_text("table")
        assert "Ali Raza" in table
        assert not any(name in table for name in ("Sara Khan", "Bilal Ahmed", "Hina Iqbal"))

        # Mark the lead as contacted, with a note.
        filtered_url = page.url
        await page.get_by_role("row", name="Ali Raza").locator("a[href*='/details/']").first.click()
        await page.wait_for_load_state()
        await page.select_option("#status-select", "contacted")
        await page.fill("#status-note", "Called on WhatsApp; sent JLPT N4 study plan")
        await page.click("#status-form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.inner_text("#current-status") == "contacted"
        history = await page.inner_text("#history")
        assert "new → contacted" in history and EMAIL in history and "JLPT N4 study plan" in history
        await page.screenshot(path=str(ARTIFACTS / "3-contacted.png"), full_page=True)

        # Delete a job opening through sqladmin's own dialog (its JavaScript request carries the CSRF token).
        await page.goto(f"{dashboard_url}/admin/job-opening/list")
        await page.get_by_role("row", name="Welder").locator("a[data-bs-target='#modal-delete']").click()
        await page.click("#modal-delete-button")
        await page.wait_for_load_state()
        await page.wait_for_function("() => !document.body.innerText.includes('Kobe Steelworks')")
        await page.goto(f"{dashboard_url}/admin/logout")

        # An admin exports what the filter shows.
        await log_in(page, dashboard_url, ADMIN_EMAIL, ADMIN_PASSWORD)
        await page.goto(filtered_url)
        async with page.expect_download() as download_info:
            await page.click("#export-csv")
        download = await download_info.value
        target = ARTIFACTS / "leads.csv"
        await download.save_as(str(target))
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
        assert [(r["full_name"], r["status"], r["language"], r["city"]) for r in rows] == [
            ("Ali Raza", "contacted", "ur", "Lahore")
        ]
        await page.goto(f"{dashboard_url}/admin/staff-audit-entry/list")
        audit = await page.inner_text("table")
        assert "export" in audit and "status_change" in audit and "job_opening_delete" in audit
        await page.screenshot(path=str(ARTIFACTS / "4-audit-log.png"), full_page=True)
        assert blocked == [], blocked
        await browser.close()


async def test_recruiter_publishes_an_import_and_moves_its_applicant(served: Served, tmp_path: Path) -> None:
    assert Path(CHROMIUM).exists(), "Debian's chromium is required (scripts/system-deps.sh installs it)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    demand = tmp_path / "demand.csv"
    developer = row(title="Developer", field="it", route="engineer_it", japanese_required="none", education="bachelor")
    demand.write_bytes(as_csv([list(TEMPLATE_COLUMNS), developer]))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = await browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        await log_in(page, served.url, EMAIL, PASSWORD)

        # Import the demand sheet as a draft, then publish it from the opening's page.
        await page.goto(f"{served.url}/admin/openings/import")
        await page.set_input_files("#sheet-file", str(demand))
        await page.click("#import-form button[type=submit]")
        await expect(page.locator("#import-done")).to_contain_text("Imported 1 openings as drafts")
        async with served.repository.session() as session:
            opening_id = await session.scalar(select(JobOpening.id).where(JobOpening.title == "Developer"))
        assert opening_id is not None
        await page.goto(f"{served.url}/admin/job-opening/details/{opening_id}")
        await page.click("button[name=status][value=published]")
        await expect(page.locator("#opening-status")).to_have_text("published")
        await expect(page.locator("#applicants")).to_contain_text("Nobody has applied yet.")

        # Ali Raza taps "I'm interested" on the alert; the recruiter shortlists him with a note.
        applied = await ApplicationStore(served.repository).apply("1", opening_id)
        assert applied is not None
        await page.reload()
        await expect(page.locator("#progress-applications")).to_have_text("1")
        applicant = page.locator(f"#applicant-{applied.application_id}")
        await expect(applicant).to_contain_text("Ali Raza")
        await applicant.locator("select[name=status]").select_option("shortlisted")
        await applicant.locator("input[name=note]").fill("Good fit; CV sent to the employer")
        await applicant.locator("button[type=submit]").click()
        history = page.locator(f"#applicant-{applied.application_id} .application-history")
        await expect(history).to_contain_text(f"{EMAIL}: applied → shortlisted (Good fit; CV sent to the employer)")
        await expect(page.locator(f"#applicant-{applied.application_id} .application-status")).to_have_text(
            "shortlisted"
        )
        await page.screenshot(path=str(ARTIFACTS / "5-applicant-shortlisted.png"), full_page=True)

        # The employer's shortlist: the shortlisted applicant, with what he agreed to share and no phone number.
        async with page.expect_download() as download_info:
            await page.click("#export-shortlist")
        download = await download_info.value
        target = ARTIFACTS / "shortlist.xlsx"
        await download.save_as(str(target))
        sheet = load_workbook(target).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert [(r[0], r[2], r[-1]) for r in rows[1:]] == [("Ali Raza", "Lahore", "shortlisted")]
        assert "3001234567" not in str(rows)
        assert blocked == [], blocked
        await browser.close()
