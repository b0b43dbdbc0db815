"""Starts the real Rasa server on a free loopback port, for integration tests, evaluation and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = ROOT / ".venv" / "rasa" / "bin" / "rasa"


class RasaServerError(RuntimeError):
    """The server did not start; the message carries the end of its log."""


def current_model() -> Path:
    """The trained model `make` points the tests at (RASA_MODEL), which must exist."""
    value = os.environ.get("RASA_MODEL")
    if not value:
        raise RasaServerError("RASA_MODEL is not set: run the tests with `make test`, which trains the model first")
    path = Path(value) if Path(value).is_absolute() else ROOT / value
    if not path.is_file():
        raise RasaServerError(f"RASA_MODEL={value} does not exist: run `make model`")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def session_queue_url() -> str:
    """The job queue shared by this test session's Rasa action servers and harnesses (one file per pytest run)."""
    return f"sqlite:///{ROOT / 'data' / f'test-queue-{os.getpid()}.db'}"


def write_endpoints(directory: Path, actions_port: int, tracker_db: Path, stores: str | None = None) -> Path:
    """An endpoints.yml for a throw-away server: its own action server port, and its own SQLite tracker
    database unless `stores` gives other tracker/lock store settings (YAML)."""
    path = directory / "endpoints.yml"
    default = f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    path.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n{stores or default}')
    return path


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], log: Path, deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise RasaServerError(f"{log.name}: exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if ready():
                return
        except (httpx.HTTPError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise RasaServerError(f"{log.name}: not ready in time:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


@contextmanager
def rasa_server(
    model: Path | None = None,
    port: int | None = None,
    timeout: float = 180.0,
    tracker_db: Path | None = None,
    pids: list[int] | None = None,
    stores: str | None = None,
    queue_url: str | None = None,
) -> Iterator[str]:
    """Run the action server and `rasa run --enable-api` with `model`; yield the base URL; stop both."""
    model = model or current_model()
    port = port or free_port()
    actions_port = free_port()
    work = ROOT / "data" / f"rasa-test-{port}"
    work.mkdir(parents=True, exist_ok=True)
    if tracker_db is None:
        tracker_db = work / "tracker.db"
        tracker_db.unlink(missing_ok=True)
    endpoints = write_endpoints(work, actions_port, tracker_db, stores)
    # The action server queues confirmed leads here (contract/queue.py); the harness's worker reads the same queue.
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "QUEUE_URL": queue_url or session_queue_url(),
    }
    actions_command = [str(RASA_BIN), "run", "actions", "--actions", "actions", "--port", str(actions_port)]
    command = [
        str(RASA_BIN),
        "run",
        "--enable-api",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--model",
        str(model),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--endpoints",
        str(endpoints),
    ]
    with open(work / "actions.log", "wb") as actions_log:
        actions = subprocess.Popen(actions_command, cwd=ROOT, env=env, stdout=actions_log, stderr=subprocess.STDOUT)
    with open(work / "rasa.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if pids is not None:
        pids += [process.pid, actions.pid]
    try:
        deadline = time.monotonic() + timeout
        _wait_until(
            lambda: bool(httpx.get(f"{url}/status", timeout=2).json().get("model_file")),
            process,
            work / "rasa.log",
            deadline,
        )
        _wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{actions_port}/health", timeout=2).status_code == 200,
            actions,
            work / "actions.log",
            deadline,
        )
        yield url
    finally:
        _stop(process)
        _stop(actions)
