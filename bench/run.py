"""`make bench`: latency against offered load through the real adapter and straight to Rasa, plus cold
start, training time and memory. Writes bench/results/<date>.json, latest.md and latency.png.

All traffic stays on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bench.fake_bot_api import FakeBotAPI
from bot.migrations import migrate
from tests.evaluate import LANGUAGES, load_examples
from tests.rasa_server import RASA_BIN, ROOT, current_model, free_port, rasa_server

RESULTS = ROOT / "bench" / "results"
ANSWER_TIMEOUT = 30.0


@dataclass(frozen=True)
class LoadResult:
    """Latency figures at one offered load."""

    path: str
    offered_per_s: float
    messages: int
    answered: int
    achieved_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank, in the values' unit."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summarise(path: str, rate: float, sent: int, latencies: list[float], elapsed: float) -> LoadResult:
    ms = [x * 1000 for x in latencies]
    return LoadResult(
        path=path,
        offered_per_s=rate,
        messages=sent,
        answered=len(latencies),
        achieved_per_s=round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(percentile(ms, 50), 1),
        p95_ms=round(percentile(ms, 95), 1),
        p99_ms=round(percentile(ms, 99), 1),
    )


def questions() -> list[str]:
    """Realistic messages in all three languages (the held-out set's FAQ questions)."""
    return [text for language in LANGUAGES for text, label in load_examples(language) if label.startswith("faq/")]


async def through_adapter(api: FakeBotAPI, rate: float, duration: float, first_chat: int) -> LoadResult:
    texts = questions()
    count = int(rate * duration)
    pushed: dict[int, float] = {}
    start = time.perf_counter()
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        chat = first_chat + i
        pushed[chat] = time.perf_counter()
        api.push_text(chat, texts[i % len(texts)])
    deadline = time.perf_counter() + ANSWER_TIMEOUT
    # Bounded poll: answers arrive through the fake server, not through an event this loop owns.
    while time.perf_counter() < deadline and not all(chat in api.sent_at for chat in pushed):  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    latencies = [api.sent_at[c] - t for c, t in pushed.items() if c in api.sent_at]
    last = max((api.sent_at[c] for c in pushed if c in api.sent_at), default=start)
    return summarise("adapter", rate, count, latencies, last - start)


async def straight_to_rasa(url: str, rate: float, duration: float, first_sender: int) -> LoadResult:
    texts = questions()
    count = int(rate * duration)
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=url, timeout=ANSWER_TIMEOUT, limits=limits) as client:

        async def one(i: int) -> None:
            began = time.perf_counter()
            try:
                response = await client.post(
                    "/webhooks/rest/webhook", json={"sender": str(first_sender + i), "message": texts[i % len(texts)]}
                )
                response.raise_for_status()
            except httpx.HTTPError:
                return
            latencies.append(time.perf_counter() - began)

        start = time.perf_counter()
        tasks = []
        for i in range(count):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return summarise("rasa-direct", rate, count, latencies, elapsed)


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


def time_training() -> float:
    """Seconds for a full training with an empty cache (into a temporary folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache"),
        }
        began = time.perf_counter()
        subprocess.run(
            [
                str(RASA_BIN),
                "train",
                "--domain",
                "domain.yml",
                "--data",
                "nlu",
                "stories",
                "responses",
                "--config",
                "config.yml",
                "--out",
                tmp,
                "--fixed-model-name",
                "bench",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return round(time.perf_counter() - began, 1)


async def run(rates: list[float], duration: float, train: bool) -> dict[str, Any]:
    """Run every measurement and return the figures."""
    pids: list[int] = []
    began = time.perf_counter()
    with rasa_server(current_model(), pids=pids) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            await client.post("/webhooks/rest/webhook", json={"sender": "cold", "message": "What is SSW?"})
        cold_start = round(time.perf_counter() - began, 1)

        api = FakeBotAPI()
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(api.app, host="127.0.0.1", port=port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        work = Path(tempfile.mkdtemp(prefix="bench-"))
        database = f"sqlite:///{work / 'bot.db'}"
        await migrate(database)
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "777:BENCH",
            "TELEGRAM_API_URL": f"http://127.0.0.1:{port}",
            "RASA_URL": url,
            "DATABASE_URL": database,
            "TRACKER_STORE_URL": "none",
            "LOG_LEVEL": "WARNING",
            "LEAD_OUTBOX": str(work / "outbox.jsonl"),
        }
        adapter = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env)  # noqa: ASYNC220
        try:
            await asyncio.wait_for(api.polled.wait(), timeout=60)
            results: list[LoadResult] = []
            for index, rate in enumerate(rates):
                results.append(await through_adapter(api, rate, duration, 10_000_000 * (index + 1)))
                print(results[-1], flush=True)
                results.append(await straight_to_rasa(url, rate, duration, 20_000_000 * (index + 1)))
                print(results[-1], flush=True)
            memory = {"rasa": rss_mb(pids[0]), "action_server": rss_mb(pids[1]), "adapter": rss_mb(adapter.pid)}
        finally:
            adapter.terminate()
            adapter.wait(timeout=30)
            server.should_exit = True
            await serving
            shutil.rmtree(work, ignore_errors=True)
    held = [r.offered_per_s for r in results if r.path == "adapter" and r.p95_ms < 500 and r.answered == r.messages]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "duration_per_load_s": duration,
        "loads": [asdict(r) for r in results],
        "highest_load_with_p95_under_500ms": max(held, default=0.0),
        "cold_start_s": cold_start,
        "training_s": time_training() if train else None,
        "memory_mb": {**memory, "total": round(sum(memory.values()), 1)},
    }


def markdown(figures: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = [
        f"Measured {figures['date']} on {figures['machine']}, {figures['duration_per_load_s']:.0f} s per load.",
        "",
        "| path | offered msg/s | answered | achieved msg/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in figures["loads"]:
        lines.append(
            f"| {r['path']} | {r['offered_per_s']:.0f} | {r['answered']}/{r['messages']} | "
            f"{r['achieved_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |"
        )
    memory = figures["memory_mb"]
    lines += [
        "",
        f"- highest offered load through the adapter with p95 < 500 ms: "
        f"{figures['highest_load_with_p95_under_500ms']:.0f} msg/s",
        f"- cold start (Rasa + action server launched → first answer): {figures['cold_start_s']} s",
        "- full training, empty cache: "
        + (f"{figures['training_s']} s" if figures["training_s"] is not None else "not measured (--no-train)"),
        f"- memory (RSS): Rasa {memory['rasa']} MB, action server {memory['action_server']} MB, "
        f"adapter {memory['adapter']} MB, total {memory['total']} MB",
    ]
    return "\n".join(lines) + "\n"


def plot(figures: dict[str, Any], path: Path) -> None:
    """Latency (p50 and p95) against offered load for both paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for name, colour in (("adapter", "tab:blue"), ("rasa-direct", "tab:orange")):
        rows = [r for r in figures["loads"] if r["path"] == name]
        rates = [r["offered_per_s"] for r in rows]
        axis.plot(rates, [r["p50_ms"] for r in rows], "o--", color=colour, label=f"{name} p50")
        axis.plot(rates, [r["p95_ms"] for r in rows], "o-", color=colour, label=f"{name} p95")
    axis.axhline(500, color="grey", linewidth=0.8, linestyle=":")
    axis.set_xlabel("offered load (messages/s)")
    axis.set_ylabel("latency (ms)")
    axis.set_yscale("log")
    axis.set_title(f"Latency against load ({figures['date'][:10]})")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="10,30,60", help="offered loads in messages/s")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per load")
    parser.add_argument("--no-train", action="store_true", help="skip the full training measurement")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    figures = asyncio.run(run(rates, min(args.duration, 60.0), train=not args.no_train))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = figures["date"][:16].replace(":", "")  # e.g. 2026-11-23T0101: every run is kept
    (RESULTS / f"{stamp}.json").write_text(json.dumps(figures, indent=2))
    (RESULTS / "latest.md").write_text(markdown(figures))
    plot(figures, RESULTS / "latency.png")
    print(markdown(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
