"""Owns the sending of job alerts: pace, quiet hours and what each Bot API answer means.

- At most `rate` messages a second overall (Telegram allows a bot about 30; the rest is left for replies)
  and one a second per chat.
- Never between the quiet hours' start and end, Pakistan time (22:00-08:00 by default): held until morning.
- 429: the alert waits `retry_after` seconds, and so does all sending (Telegram's flood control is per bot).
- 403: the user blocked the bot: the alert is "blocked" and no further alert is tried for them.
- A timeout after the request went out may have delivered it: "unconfirmed", never resent (no duplicates).
- Other network failures are retried with backoff, up to MAX_ATTEMPTS; a refused request is "failed".
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.alert_outbox import BLOCKED, FAILED, SENT, UNCONFIRMED, AlertOutbox, Claimed
from bot.models import JobOpening
from bot.replies import Rendered

log = logging.getLogger(__name__)

PAKISTAN = ZoneInfo("Asia/Karachi")
PER_CHAT_SECONDS = 1.0
# The cap holds over a little more than a second, so that delays on the way (the event loop, the network)
# cannot bunch `rate` + 1 requests into one second where Telegram counts them: 25 a second is 23.8 sent.
WINDOW_SECONDS = 1.05
MAX_ATTEMPTS = 5
RETRY_SECONDS = 10.0


class Blocked(Exception):
    """The user blocked the bot (403)."""


class SlowDown(Exception):
    """Telegram asked us to wait (429) this many seconds."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:.0f} s")
        self.seconds = seconds


class Unreachable(Exception):
    """The request did not reach Telegram (connection failed): safe to try again."""


class Uncertain(Exception):
    """The request went out but no answer came (a timeout): it may have been delivered."""


class Refused(Exception):
    """Telegram refused the message (chat not found, bad request): trying again will not help."""


class Messenger(Protocol):
    """Sends one alert to one chat and returns its message id, or raises one of the exceptions above."""

    async def deliver(self, chat_id: str, message: Rendered) -> int: ...


Compose = Callable[[str, JobOpening], Rendered]
Clock = Callable[[], datetime]


def quiet_until(now: datetime, hours: tuple[int, int] | None) -> datetime | None:
    """If `now` falls in the quiet hours (Pakistan time), when they end (in UTC); else None."""
    if hours is None:
        return None
    start, end = hours
    local = now.astimezone(PAKISTAN)
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return None
    until = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if until <= local:
        until += timedelta(days=1)
    return until.astimezone(UTC)


@dataclass(frozen=True)
class Drained:
    """What one drain did: how many alerts went out, and when there is more to do (None: nothing left)."""

    sent: int
    wake_at: datetime | None


class AlertSender:
    """Sends due alerts from the outbox, paced; one drain runs at a time in a process."""

    def __init__(
        self,
        outbox: AlertOutbox,
        messenger: Messenger,
        compose: Compose,
        rate: int = 25,
        quiet_hours: tuple[int, int] | None = (22, 8),
        clock: Clock | None = None,
    ) -> None:
        self._outbox = outbox
        self._messenger = messenger
        self._compose = compose
        self._rate = rate
        self._interval = WINDOW_SECONDS / rate
        self._window: deque[float] = deque(maxlen=rate)  # monotonic start times of the last `rate` sends
        self._quiet_hours = quiet_hours
        self._clock = clock or (lambda: datetime.now(UTC))
        self._next_slot = 0.0  # monotonic time of the next free send slot
        self._chats: dict[str, float] = {}  # chat → monotonic time of its last alert (the last second only)
        self._lock = asyncio.Lock()

    async def drain(self, budget_seconds: float) -> Drained:
        """Send due alerts for up to `budget_seconds`; then say when to come back."""
        async with self._lock:
            sent = 0
            stop_at = time.monotonic() + budget_seconds
            while time.monotonic() < stop_at:
                if (wait := self._next_slot - time.monotonic()) > stop_at - time.monotonic():
                    return Drained(sent, self._clock() + timedelta(seconds=wait))  # a long 429: come back then
                await self._pace()  # first: after a 429 the wait may be long, and the clock is read after it
                now = self._clock()
                if (until := quiet_until(now, self._quiet_hours)) is not None:
                    return Drained(sent, until)
                busy = self._busy_chats()
                claimed = await self._outbox.claim(now, busy)
                if claimed is None and busy:  # what is due may be for chats served a moment ago: wait for them
                    await asyncio.sleep(max(0.0, min(self._free_in(), stop_at - time.monotonic())))
                    continue
                if claimed is None:
                    break
                outcome = await self._send(claimed)
                if outcome is None:  # the quiet hours began while it waited for its turn
                    return Drained(sent, quiet_until(self._clock(), self._quiet_hours))
                sent += outcome
            due = await self._outbox.next_due()
            if due is None:
                return Drained(sent, None)
            due = due if due.tzinfo else due.replace(tzinfo=UTC)  # SQLite returns naive UTC
            return Drained(sent, max(due, self._clock()))

    async def _pace(self) -> None:
        """Wait for the next evenly spaced slot."""
        now = time.monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _gate(self) -> None:
        """Right before a request: never more than `rate` requests within any WINDOW_SECONDS."""
        if len(self._window) == self._rate:
            wait = self._window[0] + WINDOW_SECONDS - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        self._window.append(time.monotonic())

    def _free_in(self) -> float:
        """Seconds until the first busy chat may get its next alert."""
        now = time.monotonic()
        return min((at + PER_CHAT_SECONDS - now for at in self._chats.values()), default=0.0)

    def _busy_chats(self) -> list[str]:
        now = time.monotonic()
        self._chats = {chat: at for chat, at in self._chats.items() if now - at < PER_CHAT_SECONDS}
        return list(self._chats)

    async def _send(self, claimed: Claimed) -> int | None:
        """Send one claimed alert and settle it; 1 if it went out, None if the quiet hours began first."""
        message = self._compose(claimed.language, claimed.opening)
        await self._gate()
        if (until := quiet_until(self._clock(), self._quiet_hours)) is not None:
            await self._outbox.release(claimed.delivery_id, until, "quiet hours", count_attempt=False)
            return None
        self._chats[claimed.sender_id] = time.monotonic()
        try:
            message_id = await self._messenger.deliver(claimed.sender_id, message)
        except Blocked:
            await self._outbox.settle(claimed.delivery_id, BLOCKED, error="the user blocked the bot")
            await self._outbox.block(claimed.sender_id)
            return 0
        except SlowDown as wait:
            log.warning("Telegram asked to slow down: alerts wait %.0f s", wait.seconds)
            self._next_slot = max(self._next_slot, time.monotonic() + wait.seconds)
            later = self._clock() + timedelta(seconds=wait.seconds)
            await self._outbox.release(claimed.delivery_id, later, "429 flood control", count_attempt=False)
            return 0
        except Uncertain:
            await self._outbox.settle(claimed.delivery_id, UNCONFIRMED, error="timed out: may have arrived")
            return 0
        except Refused as refusal:
            await self._outbox.settle(claimed.delivery_id, FAILED, error=str(refusal))
            return 0
        except Unreachable as failure:
            if claimed.attempts >= MAX_ATTEMPTS:
                await self._outbox.settle(claimed.delivery_id, FAILED, error=f"unreachable: {failure}")
            else:
                later = self._clock() + timedelta(seconds=RETRY_SECONDS * claimed.attempts)
                await self._outbox.release(claimed.delivery_id, later, f"unreachable: {failure}")
            return 0
        await self._outbox.settle(claimed.delivery_id, SENT, message_id=message_id)
        return 1
