"""Logging in under attack: parallel guesses, many guesses from one client, enumeration, weak passwords."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.config import PROJECT_ROOT
from bot.migrations import migrate
from bot.models import StaffAuditEntry, StaffUser
from bot.repository import Repository
from bot.staff.accounts import MAX_FAILED_LOGINS, AccountError, LoginResult, StaffAccounts
from bot.staff.app import wait_for_sqlite_locks
from bot.staff.login_limit import CLIENT_MAX_FAILURES
from tests.test_dashboard import (
    EMAIL,
    ORIGIN,
    PASSWORD,
    Dashboard,
    csrf_from,
    login,
    open_dashboard,
    seeded_dashboard,
)


@pytest.fixture
async def dashboard(tmp_path: Path) -> AsyncIterator[Dashboard]:
    async with open_dashboard(tmp_path) as opened:
        yield opened


async def accounts_on(url: str) -> tuple[Repository, StaffAccounts]:
    await migrate(url)
    repository = Repository(url)
    wait_for_sqlite_locks(repository)  # as the dashboard does
    accounts = StaffAccounts(repository)
    await accounts.add(EMAIL, PASSWORD)
    return repository, accounts


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_parallel_guesses_check_at_most_the_limit(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else f"sqlite:///{tmp_path / 'l.db'}"
    repository, accounts = await accounts_on(url)
    guesses = [accounts.login(EMAIL, f"wrong guess {i}") for i in range(40)]
    guesses.insert(19, accounts.login(EMAIL, PASSWORD))  # the right password as attempt #20
    results = [outcome.result for outcome in await asyncio.gather(*guesses)]
    checked = results.count(LoginResult.INVALID) + results.count(LoginResult.OK)
    assert checked <= MAX_FAILED_LOGINS, results
    assert results[19] is not LoginResult.OK
    assert (await accounts.login(EMAIL, PASSWORD)).result is LoginResult.REFUSED  # locked now
    await repository.dispose()


async def test_parallel_guesses_over_http_never_log_in(dashboard: Dashboard) -> None:
    token = await csrf_from(dashboard.client, "/admin/login")

    async def attempt(password: str) -> httpx.Response:
        return await dashboard.client.post(
            "/admin/login",
            data={"username": EMAIL, "password": password, "csrf_token": token},
            headers={"Origin": ORIGIN},
        )

    passwords = [f"wrong guess {i}" for i in range(40)]
    passwords.insert(19, PASSWORD)
    responses = await asyncio.gather(*(attempt(p) for p in passwords))
    assert all(r.status_code == 400 for r in responses), [r.status_code for r in responses]
    assert (await dashboard.client.get("/admin/lead/list")).status_code == 302
    async with dashboard.repository.session() as session:
        failures = list(
            await session.scalars(select(StaffAuditEntry.detail).where(StaffAuditEntry.action == "login_failed"))
        )
    assert len(failures) == 41 and failures.count("invalid") <= MAX_FAILED_LOGINS


async def test_one_client_is_limited_across_accounts(tmp_path: Path) -> None:
    app, repository = await seeded_dashboard(tmp_path)
    attacker = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    colleague = httpx.ASGITransport(app=app, client=("198.51.100.2", 5000))
    async with httpx.AsyncClient(transport=attacker, base_url=ORIGIN) as client:
        for i in range(CLIENT_MAX_FAILURES):  # unknown accounts: no account is locked by this
            await login(client, "whatever it is", email=f"nobody{i}@example.org")
        assert (await login(client)).status_code == 400  # even the right password, from this client
    async with httpx.AsyncClient(transport=colleague, base_url=ORIGIN) as client:
        assert (await login(client)).status_code == 302  # the account itself is not locked
    await repository.dispose()


def _answer(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, re.sub(r'(value|content)="[^"]*"', "", response.text)


async def test_unknown_locked_and_wrong_answer_alike(dashboard: Dashboard) -> None:
    async def timed(password: str, email: str) -> tuple[float, tuple[int, str]]:
        started = time.perf_counter()
        response = await login(dashboard.client, password, email=email)
        return time.perf_counter() - started, _answer(response)

    accounts = StaffAccounts(dashboard.repository)
    await accounts.add("locked@example.org", "another good passphrase")
    for _ in range(MAX_FAILED_LOGINS):
        await accounts.login("locked@example.org", "wrong")
    wrong = [await timed("not it at all", EMAIL) for _ in range(3)]
    await accounts.add(EMAIL, PASSWORD)  # reset the counter the three wrong ones raised
    unknown = [await timed("not it at all", "nobody@example.org") for _ in range(3)]
    locked = [await timed("another good passphrase", "locked@example.org") for _ in range(3)]
    answers = {answer for _, answer in wrong + unknown + locked}
    assert len(answers) == 1, "the page must not tell these cases apart"
    reference = statistics.median(t for t, _ in wrong)
    for case in (unknown, locked):  # a hash is checked in every case (3 ms 'locked' answers told them apart)
        assert statistics.median(t for t, _ in case) > 0.4 * reference


async def test_password_hashing_does_not_block_the_event_loop(dashboard: Dashboard) -> None:
    logins = asyncio.gather(*(login(dashboard.client, f"wrong {i}", email=f"u{i}@example.org") for i in range(8)))
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    static = await dashboard.client.get("/staff-static/dashboard.js")
    static_seconds = time.perf_counter() - started
    await logins
    total = time.perf_counter() - started
    assert static.status_code == 200
    assert static_seconds < 0.5 * total, (static_seconds, total)


@pytest.mark.parametrize(
    "password",
    [
        "short pass",
        "aaaaaaaaaaaa",
        " " * 14,
        "abababababababab",
        "password1234",
        "Password123!",
        "Qwertyuiop12",
        "123456789012",
        "pakistan2024!",
        "recruiter-likes-tea",
    ],
)
async def test_weak_passwords_are_refused(tmp_path: Path, password: str) -> None:
    repository, accounts = await accounts_on(f"sqlite:///{tmp_path / 'p.db'}")
    with pytest.raises(AccountError):
        await accounts.add("recruiter@example.org", password)
    await repository.dispose()


@pytest.mark.parametrize("email", ["x@y", "x@y.", "@example.org", "a b@example.org", "a@b..org", "a@-b.org", "ali"])
async def test_implausible_emails_are_refused(tmp_path: Path, email: str) -> None:
    repository, accounts = await accounts_on(f"sqlite:///{tmp_path / 'e.db'}")
    with pytest.raises(AccountError, match="not an e-mail address"):
        await accounts.add(email, "staple tiger lantern")
    await repository.dispose()


async def test_good_passwords_and_addresses_are_accepted(tmp_path: Path) -> None:
    repository, accounts = await accounts_on(f"sqlite:///{tmp_path / 'g.db'}")
    await accounts.add(" Ana.Khan+jobs@Example.ORG ", "mango river 42 kite")
    assert (await accounts.login("ana.khan+jobs@example.org", "mango river 42 kite")).result is LoginResult.OK
    await repository.dispose()


def test_staff_add_sets_the_role(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def staff_add(*args: str, password: str = "staple tiger lantern") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "staff", "add", *args],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": url, "STAFF_PASSWORD": password},
            capture_output=True,
            text=True,
            timeout=120,
        )

    admin = staff_add("boss@example.org", "--role", "admin")
    assert admin.returncode == 0 and "(admin)" in admin.stdout
    recruiter = staff_add("new@example.org")
    assert recruiter.returncode == 0 and "(recruiter)" in recruiter.stdout
    assert staff_add("x@example.org", "--role", "owner").returncode == 2
    weak = staff_add("y@example.org", "--role", "admin", password="aaaaaaaaaaaaaaaa")
    assert weak.returncode == 2 and "different characters" in weak.stdout
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as connection:
        roles = dict(connection.execute(select(StaffUser.email, StaffUser.role)).all())
    engine.dispose()
    assert roles == {"boss@example.org": "admin", "new@example.org": "recruiter"}
