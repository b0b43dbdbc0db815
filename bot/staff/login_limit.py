"""A per-client limit on failed dashboard logins, on top of the per-account lock-out."""

from __future__ import annotations

import time
from collections import deque

CLIENT_MAX_FAILURES = 20
CLIENT_WINDOW_SECONDS = 15 * 60


class ClientLoginLimit:
    """At most `limit` failed logins per client address in a sliding window.

    An attempt is reserved before its password is checked (no await between the check and the
    reservation, so parallel requests on the event loop cannot overshoot) and handed back on success.
    Kept in the dashboard process: it protects that process's CPU and slows guessing; the per-account
    lock-out, in the database, is what holds across processes.
    """

    def __init__(self, limit: int = CLIENT_MAX_FAILURES, window: float = CLIENT_WINDOW_SECONDS) -> None:
        self._limit, self._window = limit, window
        self._attempts: dict[str, deque[float]] = {}

    def reserve(self, client: str, now: float | None = None) -> bool:
        """Whether the client may try once more (and count the try)."""
        now = time.monotonic() if now is None else now
        attempts = self._attempts.setdefault(client, deque())
        while attempts and attempts[0] <= now - self._window:
            attempts.popleft()
        if len(attempts) >= self._limit:
            return False
        attempts.append(now)
        if len(self._attempts) > 10_000:  # forget idle clients so the table cannot grow without bound
            for key in [k for k, v in self._attempts.items() if not v or v[-1] <= now - self._window]:
                del self._attempts[key]
        return True

    def release(self, client: str) -> None:
        """A successful login does not count against the client."""
        attempts = self._attempts.get(client)
        if attempts:
            attempts.pop()
