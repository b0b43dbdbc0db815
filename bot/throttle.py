"""Owns flood protection: a token bucket per sender, in this process (embedded default) or in Redis (shared).

A person tapping through the registration sends about one message every one to two seconds; the
defaults (a burst of 12, then one a second) never stop that, while a flood gets one polite message
and then silence until it slows down.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from bot.bounded import BoundedMap

log = logging.getLogger(__name__)


class Verdict(Enum):
    """What to do with a message: handle it, say "slow down" once, or drop it silently."""

    ALLOW = "allow"
    WARN = "warn"
    SILENT = "silent"


class Throttle(Protocol):
    """Decides whether a sender's message may be handled now."""

    async def check(self, sender: str) -> Verdict:
        """Take a token for this message."""
        ...


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class MemoryThrottle:
    """Token buckets in this process, for the embedded default; at most `max_senders` are remembered."""

    def __init__(
        self, burst: int, rate: float, clock: Callable[[], float] = time.monotonic, max_senders: int = 10_000
    ) -> None:
        self._burst, self._rate, self._clock = float(burst), rate, clock
        self._buckets: BoundedMap[str, _Bucket] = BoundedMap(max_senders)

    async def check(self, sender: str) -> Verdict:
        """Take a token; a sender forgotten for lack of room starts with a full bucket again."""
        now = self._clock()
        bucket = self._buckets.get(sender) or _Bucket(tokens=self._burst, updated=now)
        self._buckets.put(sender, bucket)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.SILENT
        bucket.warned = True
        return Verdict.WARN

    def __len__(self) -> int:
        return len(self._buckets)


# KEYS[1]: the bucket hash. ARGV: burst, rate per second, now (seconds), ttl (seconds).
# Returns 1 (allow), 2 (warn once) or 0 (silent).
_TOKEN_BUCKET = """
local burst, rate, now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'warned')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
local warned = tonumber(state[3]) or 0
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local verdict = 0
if tokens >= 1 then
  tokens = tokens - 1
  warned = 0
  verdict = 1
elseif warned == 0 then
  warned = 1
  verdict = 2
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now), 'warned', warned)
redis.call('EXPIRE', KEYS[1], ttl)
return verdict
"""


class RedisThrottle:
    """Token buckets in Redis, shared by every adapter process; idle buckets expire by themselves."""

    def __init__(self, redis: Any, burst: int, rate: float, prefix: str = "japanwork:throttle:") -> None:
        self._redis, self._burst, self._rate, self._prefix = redis, burst, rate, prefix
        self._script = redis.register_script(_TOKEN_BUCKET)
        self._ttl = max(60, int(burst / rate) + 60)

    async def check(self, sender: str) -> Verdict:
        """Take a token atomically (one Lua script); if Redis is down, let the message through."""
        from redis.exceptions import RedisError

        try:
            result = await self._script(
                keys=[f"{self._prefix}{sender}"], args=[self._burst, self._rate, time.time(), self._ttl]
            )
        except (RedisError, OSError):
            log.warning("throttle unavailable (Redis); message allowed")
            return Verdict.ALLOW
        return {1: Verdict.ALLOW, 2: Verdict.WARN}.get(int(result), Verdict.SILENT)
