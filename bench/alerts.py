"""`make bench` (alerts run): job alerts to N opted-in users through the real adapter, killed halfway.

Seeds N registered users who opted in to job alerts (a third each in English, Urdu and Roman Urdu) and one
published opening that fits all of them, starts the real adapter (`python -m bot run`) against the fake Bot
API on loopback, queues the opening's alerts as the dashboard does when staff publish, SIGKILLs the adapter
when half the users have their alert, starts it again, and waits until every delivery is settled. Reports
messages per second against the cap (ALERT_RATE_PER_SECOND, 25), users who got the alert twice
(duplicates), users who never got it (lost), and the alerts in flight at the kill ("unconfirmed": never
resent). Quiet hours are switched off for the run (they would hold everything between 22:00 and 08:00 PKT).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn

from bench.fake_bot_api import FakeBotAPI
from bench.run import RESULTS, Adapter
from bot.migrations import migrate
from contract.queue import PUBLISH_ALERTS, open_alert_queue
from tests.rasa_server import free_port

FIRST_CHAT = 20_000_000
LANGUAGES = ("en", "ur", "ur_Latn")


@dataclass(frozen=True)
class AlertsResult:
    """The figures of one alerts run."""

    users: int
    cap_per_s: float
    rate_before_kill: float
    rate_after_restart: float
    rate: float
    share_of_cap: float
    max_in_any_second: int
    delivered_before_kill: int
    restart_s: float
    duplicates: int
    lost: int
    unconfirmed: int
    sent: int
    failed: int


def seed(database: Path, users: int) -> None:
    """N users with a lead and alerts on, and one published opening that fits them all."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    deadline = (datetime.now(UTC) + timedelta(days=30)).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO users (id, sender_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)",
            [(i + 1, str(FIRST_CHAT + i), LANGUAGES[i % 3], now, now) for i in range(users)],
        )
        db.executemany(
            "INSERT INTO leads (user_id, full_name, phone, city, age, education, field, japanese_level,"
            " experience_years, has_passport, language, route, status, source, consent_at, consent_version,"
            " created_at, updated_at) VALUES (?, ?, ?, 'Lahore', 24, 'bachelor', 'it', 'jlpt_n4', 2, 1, ?,"
            " 'engineer', 'new', 'telegram', ?, '2026-12', ?, ?)",
            [(i + 1, f"User {i}", f"0300{i:07d}", LANGUAGES[i % 3], now, now, now) for i in range(users)],
        )
        db.executemany(
            "INSERT INTO alert_subscriptions (sender_id, enabled, changed_at) VALUES (?, 1, ?)",
            [(str(FIRST_CHAT + i), now) for i in range(users)],
        )
        db.execute(
            "INSERT INTO job_openings (title, employer, field, japanese_level, location, salary_min_yen,"
            " salary_max_yen, deadline, how_to_apply, is_open, created_at, status, route, education,"
            " experience_years) VALUES ('Web developer', 'Bench KK', 'it', 'jlpt_n4', 'Osaka', 250000, 320000,"
            " ?, 'Tap I am interested', 1, ?, 'published', 'engineer_it', 'bachelor', 1)",
            (deadline, now),
        )


def settled(database: Path) -> dict[str, int]:
    """Deliveries by status."""
    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT status, count(*) FROM alert_deliveries GROUP BY status").fetchall())


def span_rate(times: list[float]) -> float:
    """Messages per second between the first and the last of `times`."""
    return round((len(times) - 1) / (times[-1] - times[0]), 2) if len(times) > 1 else 0.0


def busiest_second(times: list[float]) -> int:
    """The most messages that arrived within any one second."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def run_alerts(users: int, cap: int = 25, work: Path | None = None) -> AlertsResult:
    """One alerts run with `users` users; the adapter is killed (SIGKILL) when half have their alert."""
    work = work or Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    api = FakeBotAPI()
    api_port = free_port()
    server = uvicorn.Server(uvicorn.Config(api.app, host="127.0.0.1", port=api_port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    adapter = Adapter(api_port, "http://127.0.0.1:9", work)
    adapter.env |= {"ALERT_QUIET_HOURS": "off", "ALERT_RATE_PER_SECOND": str(cap)}
    database = work / "bot.db"
    try:
        await migrate(adapter.env["DATABASE_URL"])
        seed(database, users)
        open_alert_queue(adapter.env["QUEUE_URL"]).enqueue(PUBLISH_ALERTS, 1)  # as the dashboard's "Publish"
        pid = adapter.start("run")
        deadline = time.monotonic() + 120 + 3 * users / cap
        # Polled every 5 ms, not awaited as an event: the kill must land anywhere in a send slot, not right
        # after a request arrived.
        while sum(api.messages.values()) < users // 2 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        os.kill(pid, signal.SIGKILL)
        killed_at = time.perf_counter()
        assert adapter.process is not None
        adapter.process.wait()
        await asyncio.sleep(0.5)
        before = list(api.send_times)
        adapter.start("run")
        while time.monotonic() < deadline:
            counts = settled(database)
            if counts and not counts.get("pending") and not counts.get("sending"):
                break
            await asyncio.sleep(0.5)
        adapter.stop()
    finally:
        server.should_exit = True
        await serving
    after = api.send_times[len(before) :]
    counts = settled(database)
    rate_before, rate_after = span_rate(before), span_rate(after)
    busy = (before[-1] - before[0] if len(before) > 1 else 0) + (after[-1] - after[0] if len(after) > 1 else 0)
    rate = round((len(before) + len(after) - 2) / busy, 2) if busy else 0.0
    return AlertsResult(
        users=users,
        cap_per_s=cap,
        rate_before_kill=rate_before,
        rate_after_restart=rate_after,
        rate=rate,
        share_of_cap=round(rate / cap, 3),
        max_in_any_second=busiest_second(api.send_times),
        delivered_before_kill=len(before),
        restart_s=round(after[0] - killed_at, 1) if after else 0.0,
        duplicates=sum(1 for n in api.messages.values() if n > 1),
        lost=users - len(api.messages),
        unconfirmed=counts.get("unconfirmed", 0),
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0) + counts.get("blocked", 0),
    )


def report(result: AlertsResult) -> str:
    """The run as a short Markdown table, each figure beside its target."""
    rows = [
        ("users opted in", f"{result.users}", ""),
        ("messages/s while sending", f"{result.rate}", f"≥ {0.9 * result.cap_per_s:g} (0.9 of {result.cap_per_s:g})"),
        ("share of the cap", f"{result.share_of_cap}", "≥ 0.9"),
        ("most messages in any one second", f"{result.max_in_any_second}", f"≤ {result.cap_per_s:g}"),
        ("before the kill / after restart", f"{result.rate_before_kill} / {result.rate_after_restart}", ""),
        ("delivered before the SIGKILL", f"{result.delivered_before_kill}", "about half"),
        ("restart to first alert (s)", f"{result.restart_s}", ""),
        ("duplicates (users with 2+)", f"{result.duplicates}", "0"),
        ("lost (users with none)", f"{result.lost}", "0"),
        ("in flight at the kill (unconfirmed)", f"{result.unconfirmed}", "not resent"),
    ]
    lines = ["| alerts run | measured | target |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {target} |" for name, value, target in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the alerts bench and write bench/results/alerts-<time>.json and alerts-latest.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000, help="opted-in users (default 10,000)")
    args = parser.parse_args(argv)
    result = asyncio.run(run_alerts(max(10, args.users)))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    (RESULTS / f"alerts-{stamp}.json").write_text(json.dumps(asdict(result), indent=2))
    (RESULTS / "alerts-latest.md").write_text(report(result) + "\n")
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
