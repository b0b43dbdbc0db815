"""Per-user flood protection: a token bucket per sender."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


@dataclass
class Throttle:
    """Allows `burst` messages at once and `rate` per second after that, per sender."""

    burst: int = 8
    rate: float = 0.5
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def allow(self, sender: str) -> bool:
        """Take a token for this sender's message; False if they are sending too fast."""
        now = self.clock()
        bucket = self._buckets.get(sender)
        if bucket is None:
            bucket = self._buckets[sender] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return True
        return False

    def should_warn(self, sender: str) -> bool:
        """True once per flood, so the polite message itself does not flood the chat."""
        bucket = self._buckets.get(sender)
        if bucket is None or bucket.warned:
            return False
        bucket.warned = True
        if len(self._buckets) > 50_000:  # forget idle senders now and then
            cutoff = self.clock() - self.burst / self.rate
            self._buckets = {k: v for k, v in self._buckets.items() if v.updated > cutoff}
        return True
