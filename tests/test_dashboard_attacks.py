"""Issue #14's attacks on the dashboard, replayed: file routes, cookies, revocation, hosts, headers, CSRF."""

from __future__ import annotations

import json
import re
import time
from base64 import b64encode
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import httpx
import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from bot.config import PROJECT_ROOT
from bot.models import JobOpening, StaffAuditEntry, StaffUser
from bot.staff.accounts import StaffAccounts
from tests.test_dashboard import (
    ADMIN_EMAIL,
    EMAIL,
    JOB_FORM,
    ORIGIN,
    PASSWORD,
    Dashboard,
    csrf_from,
    login,
    login_admin,
    open_dashboard,
    post_form,
    seeded_dashboard,
)


@pytest.fixture
async def dashboard(tmp_path: Path) -> AsyncIterator[Dashboard]:
    async with open_dashboard(tmp_path) as opened:
        yield opened


def client_for(dashboard: Dashboard, cookies: httpx.Cookies | None = None) -> httpx.AsyncClient:
    """Another browser on the same dashboard (optionally with copied cookies)."""
    transport = dashboard.client._transport  # the same ASGI app
    return httpx.AsyncClient(transport=transport, base_url=ORIGIN, cookies=cookies)


async def add_job(dashboard: Dashboard, title: str) -> int:
    async with dashboard.repository.session() as session:
        job = JobOpening(title=title, employer="x", field="it", japanese_level="n4", location=title)
        session.add(job)
        await session.flush()
        return job.id


async def test_no_column_value_can_name_a_file_to_download(dashboard: Dashboard, tmp_path: Path) -> None:
    database = tmp_path / "dash.db"
    secret = PROJECT_ROOT / "credentials.yml"
    assert database.exists() and secret.exists()  # the files the attack reached are there
    await login_admin(dashboard.client)
    for title in ("data/dashboard-secret", "credentials.yml", str(database), "../" * 8 + str(secret)[1:]):
        job_id = await add_job(dashboard, title)
        for column in ("title", "location"):
            for kind in ("download", "preview"):
                response = await dashboard.client.get(f"/admin/job-opening/{job_id}/{column}/{kind}/")
                assert response.status_code == 404, (title, kind)
                assert b"SQLite format" not in response.content and b"rest:" not in response.content
    imported = await post_form(dashboard.client, "/admin/job-opening/import", {}, "/admin/job-opening/list")
    assert imported.status_code == 404  # CSV import is not mounted either
    assert (await dashboard.client.get("/admin/job-opening/list")).status_code == 200  # still logged in


async def test_the_one_session_cookie_has_the_promised_flags(dashboard: Dashboard) -> None:
    response = await login(dashboard.client)
    assert response.status_code == 302
    cookies = response.headers.get_list("set-cookie")
    assert len(cookies) == 1, cookies
    cookie = cookies[0].lower()
    assert cookie.startswith("staff_session=")
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=28800" in cookie
    assert "secure" not in cookie  # plain http on loopback by default
    assert not any(c.startswith("session=") for c in cookies)


async def test_with_https_the_cookie_is_secure(tmp_path: Path) -> None:
    app, repository = await seeded_dashboard(tmp_path, {"DASHBOARD_HTTPS": "true"})
    origin = "https://localhost"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=origin) as client:
        token = await csrf_from(client, "/admin/login")
        response = await client.post(
            "/admin/login",
            data={"username": EMAIL, "password": PASSWORD, "csrf_token": token},
            headers={"Origin": origin},
        )
        assert response.status_code == 302
        [cookie] = response.headers.get_list("set-cookie")
        assert cookie.startswith("staff_session=") and "secure" in cookie.lower()
        assert (await client.get("/admin/lead/list")).status_code == 200
    await repository.dispose()


def forged_cookie(session: Mapping[str, object], secret: str = "test-secret") -> str:
    """A session cookie signed with the dashboard's key, as an attacker holding the key would make it."""
    data = b64encode(json.dumps(session).encode())
    return TimestampSigner(secret).sign(data).decode()


async def test_the_signing_key_alone_does_not_make_a_session(dashboard: Dashboard) -> None:
    async with dashboard.repository.session() as session:
        staff_id = await session.scalar(select(StaffUser.id).where(StaffUser.email == ADMIN_EMAIL))
    for session_data in (
        {"staff_email": ADMIN_EMAIL},  # what the old dashboard trusted
        {"staff_id": staff_id, "staff_token": "guessed", "login_at": int(time.time())},
        {"staff_id": 9999, "staff_token": "x", "login_at": int(time.time())},
    ):
        cookies = httpx.Cookies({"staff_session": forged_cookie(session_data)})
        async with client_for(dashboard, cookies) as attacker:
            assert (await attacker.get("/admin/lead/list")).status_code == 302
        cookies = httpx.Cookies({"session": forged_cookie(session_data)})  # sqladmin's default cookie name
        async with client_for(dashboard, cookies) as attacker:
            assert (await attacker.get("/admin/lead/list")).status_code == 302


async def test_a_session_older_than_eight_hours_is_refused(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    token = await _session_token(dashboard, EMAIL)
    async with dashboard.repository.session() as session:
        staff_id = await session.scalar(select(StaffUser.id).where(StaffUser.email == EMAIL))
    fresh = {"staff_id": staff_id, "staff_token": token, "login_at": int(time.time()) - 60}
    stale = {**fresh, "login_at": int(time.time()) - 8 * 3600 - 60}
    async with client_for(dashboard, httpx.Cookies({"staff_session": forged_cookie(fresh)})) as browser:
        assert (await browser.get("/admin/lead/list")).status_code == 200  # the forgery is well made
    async with client_for(dashboard, httpx.Cookies({"staff_session": forged_cookie(stale)})) as browser:
        assert (await browser.get("/admin/lead/list")).status_code == 302


async def _session_token(dashboard: Dashboard, email: str) -> str:
    async with dashboard.repository.session() as session:
        return str(await session.scalar(select(StaffUser.session_token).where(StaffUser.email == email)))


async def test_a_cookie_copied_before_logout_no_longer_works(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    copied = httpx.Cookies(dashboard.client.cookies)
    async with client_for(dashboard, copied) as thief:
        assert (await thief.get("/admin/lead/list")).status_code == 200
    await dashboard.client.get("/admin/logout")
    async with client_for(dashboard, copied) as thief:
        response = await thief.get("/admin/lead/list")
        assert response.status_code == 302 and "Ali Raza" not in response.text


async def test_a_removed_account_is_logged_out(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 200
    async with client_for(dashboard) as admin:
        await login_admin(admin)
        page = await admin.get("/admin/staff-user/list")
        assert EMAIL in page.text
        async with dashboard.repository.session() as session:
            staff_id = await session.scalar(select(StaffUser.id).where(StaffUser.email == EMAIL))
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert token
        no_token = await admin.delete(f"/admin/staff-user/delete?pks={staff_id}", headers={"Origin": ORIGIN})
        assert no_token.status_code == 400
        removed = await admin.delete(
            f"/admin/staff-user/delete?pks={staff_id}", headers={"Origin": ORIGIN, "X-CSRF-Token": token.group(1)}
        )
        assert removed.status_code == 200
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 302
    async with dashboard.repository.session() as session:
        actions = list(
            await session.scalars(select(StaffAuditEntry.action).where(StaffAuditEntry.actor == ADMIN_EMAIL))
        )
    assert "staff_delete" in actions


async def test_a_password_change_ends_the_old_session(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 200
    await StaffAccounts(dashboard.repository).add(EMAIL, "a brand new passphrase", "recruiter")
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 302
    assert (await login(dashboard.client, "a brand new passphrase")).status_code == 302


async def test_security_headers_on_every_page(dashboard: Dashboard) -> None:
    await login(dashboard.client)
    for path in ("/admin/login", "/admin/lead/list", "/admin/lead/details/1", "/admin/overview"):
        headers = (await dashboard.client.get(path)).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"


async def test_unknown_hosts_are_refused_and_never_reflected(dashboard: Dashboard) -> None:
    evil = await dashboard.client.get("/admin/login", headers={"Host": "evil.example"})
    assert evil.status_code == 400
    posted = await dashboard.client.post(
        "/admin/login",
        headers={"Host": "evil.example", "Origin": "http://evil.example"},
        data={"username": EMAIL, "password": PASSWORD},
    )
    assert posted.status_code == 400 and "evil" not in posted.headers.get("location", "")
    home = await dashboard.client.get("/", headers={"Host": "localhost:8080"})
    assert home.status_code == 307 and home.headers["location"] == "/admin/"


async def test_same_origin_check_uses_the_allowed_hosts(dashboard: Dashboard) -> None:
    token = await csrf_from(dashboard.client, "/admin/login")
    form = {"username": EMAIL, "password": PASSWORD, "csrf_token": token}
    for origin in ("http://evil.example", "http://localhost:8080.evil.example", "http://127.0.0.1:8080", "null"):
        response = await dashboard.client.post("/admin/login", data=form, headers={"Origin": origin})
        assert response.status_code == 403, origin
    assert (await dashboard.client.post("/admin/login", data=form, headers={"Origin": ORIGIN})).status_code == 302


@pytest.fixture
async def admin_client(dashboard: Dashboard) -> AsyncIterator[httpx.AsyncClient]:
    await login_admin(dashboard.client)
    yield dashboard.client


async def test_sqladmin_forms_carry_and_need_a_csrf_token(
    dashboard: Dashboard, admin_client: httpx.AsyncClient
) -> None:
    form_page = await admin_client.get("/admin/job-opening/create")
    assert re.search(r'<form[^>]*method="POST"(?s:.)*name="csrf_token" value="[^"]+"', form_page.text)
    created = await admin_client.post(
        "/admin/job-opening/create", data={**JOB_FORM, "is_open": "y"}, headers={"Origin": ORIGIN}
    )
    assert created.status_code == 400 and "reload the page" in created.text
    forged = await admin_client.post(
        "/admin/job-opening/create", data={**JOB_FORM, "csrf_token": "guess"}, headers={"Origin": ORIGIN}
    )
    assert forged.status_code == 400
    async with dashboard.repository.session() as session:
        assert await session.scalar(select(func.count(JobOpening.id))) == 0
    job_id = await add_job(dashboard, "Welder")
    edit_page = await admin_client.get(f"/admin/job-opening/edit/{job_id}")
    assert 'name="csrf_token"' in edit_page.text
    edited = await admin_client.post(f"/admin/job-opening/edit/{job_id}", data=JOB_FORM, headers={"Origin": ORIGIN})
    assert edited.status_code == 400
    deleted = await admin_client.delete(f"/admin/job-opening/delete?pks={job_id}", headers={"Origin": ORIGIN})
    assert deleted.status_code == 400
    async with dashboard.repository.session() as session:
        job = await session.get(JobOpening, job_id)
        assert job is not None and job.title == "Welder"
