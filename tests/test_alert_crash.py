"""Crash and resume with exact counts: the real adapter process sends job alerts to the fake Bot API over
loopback, is killed with SIGKILL when half the users have theirs, and is started again (bench/alerts.py,
the alerts run of `make bench`, here with fewer users)."""

from __future__ import annotations

from pathlib import Path

from bench.alerts import run_alerts

USERS = 60


async def test_sigkill_halfway_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    result = await run_alerts(USERS, cap=25, work=tmp_path)
    assert result.duplicates == 0  # nobody got the alert twice
    assert result.delivered_before_kill >= USERS // 2  # the kill came halfway, not after the end
    assert result.delivered_before_kill < USERS
    # Every delivery is settled: sent, or "unconfirmed" if it was in flight at the kill (never resent) ...
    assert result.sent + result.unconfirmed == USERS and result.failed == 0
    assert result.unconfirmed <= 1  # one alert at a time is ever in flight
    # ... and the only user who can miss theirs is the one whose request had not left when the process died.
    assert result.lost <= result.unconfirmed
    assert result.max_in_any_second <= 25
