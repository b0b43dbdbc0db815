"""The command line as an operator uses it: migrate, staff accounts, production endpoints, the dashboard."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

from bot.config import PROJECT_ROOT
from tests.rasa_server import free_port


def bot(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_migrate_staff_and_endpoints(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "STAFF_PASSWORD": "a long enough password"}
    assert bot("migrate", env=env).returncode == 0
    added = bot("staff", "add", "Recruiter@Example.org", env=env)
    assert added.returncode == 0 and "recruiter@example.org" in added.stdout
    weak = bot("staff", "add", "x@example.org", env={**env, "STAFF_PASSWORD": "short"})
    assert weak.returncode == 2 and "at least 12" in weak.stdout
    out = tmp_path / "endpoints.yml"
    written = bot(
        "endpoints",
        str(out),
        env={"TRACKER_STORE_URL": "postgresql://u@db:5432/rasa", "LOCK_STORE_URL": "redis://cache:6379/1"},
    )
    assert written.returncode == 0
    config = yaml.safe_load(out.read_text())
    assert config["tracker_store"]["url"] == "db" and config["lock_store"]["db"] == 1
    unknown = bot("frobnicate", env={})
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr


def test_dashboard_process_serves_the_login_page(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dash.db'}",
        "DASHBOARD_PORT": str(port),
        "DASHBOARD_SECRET_KEY": "cli-test",
    }
    process = subprocess.Popen([sys.executable, "-m", "bot", "dashboard"], cwd=PROJECT_ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/admin/login", timeout=2)
                break
            except httpx.HTTPError:
                assert process.poll() is None, "the dashboard process exited"
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.3)
        assert response.status_code == 200 and "Staff login" in response.text
        assert httpx.get(f"http://127.0.0.1:{port}/admin/lead/list").status_code == 302
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_bad_configuration_is_reported_with_the_variable_name() -> None:
    result = bot("migrate", env={"RASA_PORT": "not-a-port"})
    assert result.returncode == 2 and "RASA_PORT" in result.stderr


def test_purge_command(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'purge.db'}", "TRACKER_STORE_URL": "none"}
    result = bot("purge", env=env)
    assert result.returncode == 0 and "erased 0 user(s) inactive for more than 365 days" in result.stdout
