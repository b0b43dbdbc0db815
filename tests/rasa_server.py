"""Starts the real Rasa server on a free loopback port, for integration tests, evaluation and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
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


@contextmanager
def rasa_server(model: Path | None = None, port: int | None = None, timeout: float = 180.0) -> Iterator[str]:
    """Run `rasa run --enable-api` with `model`; yield its base URL; stop it afterwards."""
    model = model or current_model()
    port = port or free_port()
    log_path = ROOT / "data" / f"rasa-test-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
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
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RasaServerError(f"Rasa exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/status", timeout=2).json().get("model_file"):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RasaServerError(f"Rasa did not load a model in {timeout:.0f}s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
