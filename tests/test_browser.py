"""A real browser (Debian's Chromium, headless, driven by Playwright) using the staff dashboard.

Screenshots are kept in data/artifacts/browser/ as test artefacts.
"""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Page, async_playwright

from bot.config import PROJECT_ROOT
from bot.models import JobOpening
from tests.rasa_server import free_port
from tests.test_dashboard import ADMIN_EMAIL, ADMIN_PASSWORD, EMAIL, PASSWORD, seeded_dashboard

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


@pytest.fixture
async def dashboard_url(tmp_path: Path) -> AsyncIterator[str]:
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
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


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
