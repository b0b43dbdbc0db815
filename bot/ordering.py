"""Owns per-chat ordering: one chat's updates are handled one at a time, in the order Telegram numbered them.

`MemoryChatOrder` serves one adapter process (polling, or one webhook process); `RedisChatOrder` lets
several webhook processes behind one URL share the order: each waiting update is queued in a Redis
sorted set by its update id, and only the lowest one whose predecessors are done may run.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

log = logging.getLogger(__name__)


class ChatOrder(Protocol):
    """Serialises the handling of one chat's updates."""

    async def arrived(self, chat_id: int, update_id: int) -> None:
        """Note an update's place in its chat's order the moment it arrives (before it is queued for handling)."""
        ...

    def turn(self, chat_id: int, update_id: int) -> AbstractAsyncContextManager[None]:
        """Wait for this update's turn; the block runs while no other update of the chat runs."""
        ...


class MemoryChatOrder:
    """One asyncio lock per chat with waiters (FIFO); idle chats are forgotten, so memory stays bounded."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def arrived(self, chat_id: int, update_id: int) -> None:
        """In one process the lock's queue keeps the order of arrival: nothing to note."""

    @asynccontextmanager
    async def turn(self, chat_id: int, update_id: int) -> AsyncIterator[None]:
        """Hold the chat's lock for the block."""
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users <= 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class RedisChatOrder:
    """Per-chat order shared by several processes through Redis.

    An update joins the chat's queue (a sorted set scored by update id) and runs once it is the lowest
    entry and holds the chat's lock. A process that dies leaves its entry behind: entries carry a
    heartbeat key, and an entry whose heartbeat expired is dropped by whoever waits behind it.
    """

    def __init__(
        self,
        redis: Any,
        prefix: str = "japanwork:order:",
        lease: float = 60.0,
        poll: float = 0.01,
        settle: float = 0.05,
    ) -> None:
        self._redis, self._prefix, self._lease, self._poll = redis, prefix, lease, poll
        # Updates reach the processes over separate connections: an update waits this long after arriving
        # before it runs, so that an earlier-numbered one still in flight to the other process goes first.
        self._settle = settle

    async def arrived(self, chat_id: int, update_id: int) -> None:
        """Join the chat's queue (the webhook calls this before it answers Telegram)."""
        member = str(update_id)
        # The heartbeat first: an entry without one is taken for the leftover of a stopped process.
        await self._redis.set(self._alive(chat_id, member), "1", px=int(self._lease * 1000))
        await self._redis.zadd(self._queue(chat_id), {member: update_id})
        await self._redis.expire(self._queue(chat_id), int(self._lease * 10))

    @asynccontextmanager
    async def turn(self, chat_id: int, update_id: int) -> AsyncIterator[None]:
        """Queue (if not done on arrival), wait to be first, hold the lock for the block, then leave the queue."""
        queue, lock = self._queue(chat_id), f"{self._prefix}{chat_id}:lock"
        member, token = str(update_id), uuid.uuid4().hex
        ttl = int(self._lease * 1000)
        await self.arrived(chat_id, update_id)
        arrived = beat = time.monotonic()
        try:
            while True:
                if time.monotonic() - beat > self._lease / 3:
                    await self._redis.set(self._alive(chat_id, member), "1", px=ttl)
                    beat = time.monotonic()
                first = await self._redis.zrange(queue, 0, 0)
                head = first[0].decode() if first and isinstance(first[0], bytes) else (first[0] if first else None)
                if head is not None and head != member and not await self._redis.exists(self._alive(chat_id, head)):
                    log.warning("dropped a stale queued update of a chat (its process stopped)")
                    await self._redis.zrem(queue, head)
                    continue
                settled = time.monotonic() - arrived >= self._settle
                if head == member and settled and await self._redis.set(lock, token, nx=True, px=ttl):
                    break
                await asyncio.sleep(self._poll)
            try:
                yield
            finally:
                if await self._redis.get(lock) in (token, token.encode()):
                    await self._redis.delete(lock)
        finally:
            await self._redis.zrem(queue, member)
            await self._redis.delete(self._alive(chat_id, member))

    def _queue(self, chat_id: int) -> str:
        return f"{self._prefix}{chat_id}:queue"

    def _alive(self, chat_id: int, member: str) -> str:
        return f"{self._prefix}{chat_id}:alive:{member}"
