"""`make bench`: every target of issue #17 measured in one run and printed side by side with it.

Starts what `make run` starts — Rasa, its action server, the adapter, the staff dashboard (and a queue
worker when the project has one) — against a fake Telegram Bot API on loopback; offers each load
(default 10, 30 and 60 messages/s from distinct users, 15 s, twice) through the adapter fed by long
polling, through its webhook, and straight to Rasa's REST channel; measures the held-out accuracy through
`POST /model/parse`, the memory of every process, cold start and a full training with an empty cache
(wall and CPU time). Writes bench/results/<date>T<time>.json (every run is kept), latest.md and latency.png.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bench.fake_bot_api import FakeBotAPI
from bench.load import LoadResult, straight_to_rasa, through_polling, through_webhook
from bench.report import TARGET_RATE, markdown, plot
from bot.migrations import migrate
from tests.evaluate import evaluate
from tests.rasa_server import RASA_BIN, ROOT, current_model, free_port, rasa_server

RESULTS = ROOT / "bench" / "results"
WEBHOOK_SECRET = "bench-webhook-secret-0123456789"


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pids += [int(child) for child in children]
        except (OSError, StopIteration):
            continue
    return round(total / 1024, 1)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (from /proc: robust to other work on the machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_training() -> dict[str, float]:
    """Wall and CPU (user + system) seconds of a full training with an empty cache, into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache"),
        }
        command = [str(RASA_BIN), "train", "--domain", "domain.yml", "--data", "nlu", "stories", "responses"]
        command += ["--config", "config.yml", "--out", tmp, "--fixed-model-name", "bench"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "load_average": round(os.getloadavg()[0], 1)}


class Adapter:
    """The real adapter process (`python -m bot run`) with its own database, against the fake Bot API."""

    def __init__(self, api_port: int, rasa_url: str, work: Path, webhook_port: int | None = None) -> None:
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "777:BENCH",
            "TELEGRAM_API_URL": f"http://127.0.0.1:{api_port}",
            "RASA_URL": rasa_url,
            "DATABASE_URL": f"sqlite:///{work / 'bot.db'}",
            "TRACKER_STORE_URL": "none",
            "LOG_LEVEL": "WARNING",
            "QUEUE_URL": f"sqlite:///{work / 'queue.db'}",
            "DASHBOARD_SECRET_KEY": "bench-dashboard-secret",
        }
        if webhook_port is not None:
            self.env |= {
                "TELEGRAM_WEBHOOK_URL": "https://bench.invalid/telegram",
                "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "WEBHOOK_PORT": str(webhook_port),
            }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *command: str) -> int:
        """Run `python -m bot <command>`; its pid."""
        self.process = subprocess.Popen([sys.executable, "-m", "bot", *command], cwd=ROOT, env=self.env)
        return self.process.pid

    def stop(self) -> None:
        """Terminate and reap it."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def _ready(url: str) -> None:
    """Wait up to a minute until `url` answers at all (any status below 500)."""
    deadline = time.monotonic() + 60.0
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within a minute")


def has_worker() -> bool:
    """Whether this checkout's `python -m bot` has a queue worker to start."""
    usage = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=ROOT, capture_output=True, text=True)
    return "worker" in usage.stdout


async def measure_loads(
    api: FakeBotAPI,
    api_port: int,
    url: str,
    rasa_pid: int,
    work: Path,
    rates: list[float],
    duration: float,
    repeats: int,
) -> tuple[list[LoadResult], dict[str, float], list[float]]:
    """Every load through the polling adapter, Rasa direct and the webhook adapter; the processes' memory;
    Rasa's CPU milliseconds per answered message in each direct load."""
    results: list[LoadResult] = []
    memory: dict[str, float] = {}
    cpu_per_message: list[float] = []
    chat = 10_000_000
    polling = Adapter(api_port, url, work / "poll")
    (work / "poll").mkdir()
    await migrate(polling.env["DATABASE_URL"])
    pid = polling.start("run")
    try:
        await asyncio.wait_for(api.polled.wait(), timeout=60)
        for rate in rates:
            for repeat in range(1, repeats + 1):
                chat += 1_000_000
                results.append(await through_polling(api, rate, duration, chat, repeat))
                print(results[-1], flush=True)
                chat += 1_000_000
                before = cpu_s(rasa_pid)
                results.append(await straight_to_rasa(url, rate, duration, chat, repeat))
                cpu_per_message.append(round((cpu_s(rasa_pid) - before) * 1000 / max(1, results[-1].answered), 1))
                print(results[-1], f"Rasa CPU {cpu_per_message[-1]} ms/message", flush=True)
        memory["adapter"] = rss_mb(pid)
        dashboard_port = free_port()
        dashboard = Adapter(api_port, url, work / "poll")
        dashboard.env["DASHBOARD_PORT"] = str(dashboard_port)
        dashboard_pid = dashboard.start("dashboard")
        try:
            await _ready(f"http://127.0.0.1:{dashboard_port}/admin/login")
            memory["dashboard"] = rss_mb(dashboard_pid)
        finally:
            dashboard.stop()
        if has_worker():
            worker = Adapter(api_port, url, work / "poll")
            worker_pid = worker.start("worker")
            try:
                await asyncio.sleep(10)
                memory["worker"] = rss_mb(worker_pid)
            finally:
                worker.stop()
    finally:
        polling.stop()
    webhook_port = free_port()
    hooked = Adapter(api_port, url, work / "webhook", webhook_port)
    (work / "webhook").mkdir()
    await migrate(hooked.env["DATABASE_URL"])
    hooked.start("run")
    try:
        await asyncio.wait_for(api.webhook_set.wait(), timeout=60)
        await _ready(f"http://127.0.0.1:{webhook_port}/healthz")
        for rate in rates:
            for repeat in range(1, repeats + 1):
                chat += 1_000_000
                hook = f"http://127.0.0.1:{webhook_port}/telegram"
                results.append(await through_webhook(api, hook, WEBHOOK_SECRET, rate, duration, chat, repeat))
                print(results[-1], flush=True)
    finally:
        hooked.stop()
    return results, memory, cpu_per_message


async def run(rates: list[float], duration: float, repeats: int, train: bool, accuracy: bool) -> dict[str, Any]:
    """Run every measurement and return the figures."""
    pids: list[int] = []
    began = time.perf_counter()
    model = current_model()
    with rasa_server(model, pids=pids) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            await client.post("/webhooks/rest/webhook", json={"sender": "cold", "message": "What is SSW?"})
        cold_start = round(time.perf_counter() - began, 1)
        heldout = [asdict(r) for r in await asyncio.to_thread(evaluate, url)] if accuracy else []
        api = FakeBotAPI()
        api_port = free_port()
        server = uvicorn.Server(uvicorn.Config(api.app, host="127.0.0.1", port=api_port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        work = Path(tempfile.mkdtemp(prefix="bench-"))
        try:
            results, memory, cpu_per_message = await measure_loads(
                api, api_port, url, pids[0], work, rates, duration, repeats
            )
            processes = {"rasa": rss_mb(pids[0]), "action_server": rss_mb(pids[1]), **memory}
        finally:
            server.should_exit = True
            await serving
            shutil.rmtree(work, ignore_errors=True)
    # The lead queue's worker runs as threads inside the adapter (bot/worker.py): its memory is the adapter's.
    estimated = ""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "model": model.name,
        "load_average": round(os.getloadavg()[0], 1),
        "duration_per_load_s": duration,
        "repeats": repeats,
        "target_rate": TARGET_RATE,
        "loads": [asdict(r) for r in results],
        "rasa_cpu_ms_per_message": cpu_per_message,
        "cold_start_s": cold_start,
        "heldout": heldout,
        "training": time_training() if train else None,
        "memory_mb": {
            "processes": processes,
            "rasa": processes["rasa"],
            "total": round(sum(processes.values()), 1),
            "worker_estimated": estimated,
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="10,30,60", help="offered loads in messages/s")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per load")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each load (the spread shows the noise)")
    parser.add_argument("--no-train", action="store_true", help="skip the full training measurement")
    parser.add_argument("--no-accuracy", action="store_true", help="skip the held-out accuracy check")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    figures = asyncio.run(
        run(rates, min(args.duration, 60.0), max(1, args.repeats), not args.no_train, not args.no_accuracy)
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = figures["date"][:16].replace(":", "")  # e.g. 2026-11-23T0101: every run is kept
    (RESULTS / f"{stamp}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    (RESULTS / "latest.md").write_text(markdown(figures))
    plot(figures, RESULTS / "latency.png")
    print(markdown(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
