"""Real processes: two webhook adapters behind one bot share state in order; `make run` stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import PROJECT_ROOT
from tests.loopback import loopback_fakes
from tests.rasa_server import current_model, free_port

SECRET = "s3cret-token-for-tests-0123456789"
CHAT = 4321


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _update(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Ali", "language_code": "en"},
        },
    }


def _wait_healthy(url: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the adapter exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the adapter did not become healthy")


@pytest.fixture
def redis_db() -> Iterator[str]:
    """A Redis database of the machine's server, emptied before and after."""
    import redis

    url = "redis://127.0.0.1:6379/9"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.mark.parametrize("burst_limit", [100, 6])
async def test_two_webhook_adapters_serve_one_chats_burst_in_order(
    tmp_path: Path, redis_db: str, burst_limit: int
) -> None:
    """Both processes share each chat's order and its flood limit through Redis."""
    with loopback_fakes(max_delay=0.08) as fakes:
        ports = [free_port(), free_port()]
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "123:TEST",
            "TELEGRAM_API_URL": fakes.url,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "RASA_URL": fakes.url,
            "REDIS_URL": redis_db,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
            "TRACKER_STORE_URL": "none",
            "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
            "THROTTLE_BURST": str(burst_limit),
            "THROTTLE_PER_MINUTE": "1",  # no refill during the burst
        }
        subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, cwd=PROJECT_ROOT)
        adapters = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env={**env, "WEBHOOK_PORT": str(port)},
                cwd=PROJECT_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=(tmp_path / f"adapter-{port}.log").open("wb"),
            )
            for port in ports
        ]
        try:
            for port, process in zip(ports, adapters, strict=True):
                _wait_healthy(f"http://127.0.0.1:{port}", process, time.monotonic() + 60)
            burst = [f"question number {i}" for i in range(16)]
            async with httpx.AsyncClient(timeout=10) as client:

                async def post(index: int, text: str) -> int:
                    await asyncio.sleep(index * 0.01)  # a burst, as Telegram delivers it: numbered, close together
                    response = await client.post(
                        f"http://127.0.0.1:{ports[index % 2]}/telegram",
                        json=_update(100 + index, text),
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    )
                    return response.status_code

                assert await asyncio.gather(*(post(i, t) for i, t in enumerate(burst))) == [200] * len(burst)
                expected = min(len(burst), burst_limit + 1)
                deadline = time.monotonic() + 30
                while len(fakes.texts_to(CHAT)) < expected and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.5)  # nothing more may arrive
            if burst_limit >= len(burst):
                assert fakes.texts_to(CHAT) == [f"answer to {text}" for text in burst], "one chat's messages in order"
                assert sorted(fakes.rasa_seen) == sorted(burst), "each message was handled exactly once"
            else:
                # The limit counts across both processes: the first six are answered, then one "slow down".
                replies = fakes.texts_to(CHAT)
                assert replies[:burst_limit] == [f"answer to {text}" for text in burst[:burst_limit]]
                assert len(replies) == burst_limit + 1 and "very fast" in replies[-1]
        finally:
            for process in adapters:
                process.send_signal(signal.SIGTERM)
            for process in adapters:
                assert process.wait(timeout=20) == 0
        for port in ports:
            assert _port_free(port)
        logs = " ".join((tmp_path / f"adapter-{port}.log").read_text() for port in ports)
        assert "Traceback" not in logs
        assert "question number" not in logs, "message text is never logged"


def _start_make_run(tmp_path: Path, ports: dict[str, int]) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"TELEGRAM_BOT_TOKEN", "RASA_URL", "RASA_URLS"}},
        "RASA_PORT": str(ports["rasa"]),
        "ACTIONS_PORT": str(ports["actions"]),
        "DASHBOARD_PORT": str(ports["dashboard"]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
        "DASHBOARD_SECRET_PATH": str(tmp_path / "secret"),
    }
    current_model()  # the trained model must exist (make test trains it)
    return subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, like a shell job
    )


def _wait_for_chat(process: subprocess.Popen[bytes], ports: dict[str, int]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert process.poll() is None, "make run exited early"
        if not any(_port_free(port) for port in ports.values()):
            return
        time.sleep(0.5)
    raise AssertionError("make run did not open every port")


@pytest.mark.parametrize("stop", ["SIGTERM", "Ctrl-C"])
def test_stopping_make_run_leaves_nothing_running(tmp_path: Path, stop: str) -> None:
    ports = {"rasa": free_port(), "actions": free_port(), "dashboard": free_port()}
    process = _start_make_run(tmp_path, ports)
    try:
        _wait_for_chat(process, ports)
        time.sleep(1)  # the terminal chat is waiting for a line
        started = time.monotonic()
        if stop == "SIGTERM":
            process.send_signal(signal.SIGTERM)  # as systemd or a container stop sends it
        else:
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground process group
        output, _ = process.communicate(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    text = output.decode(errors="replace")
    assert elapsed < 10, f"stopping took {elapsed:.1f} s"
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    for name, port in ports.items():
        assert _port_free(port), f"{name} still holds port {port}"
