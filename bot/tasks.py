"""Owns work done beside the conversation: fire-and-forget bookkeeping, and supervised periodic jobs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Background:
    """Runs bookkeeping off the reply path; `drain` waits for it on shutdown."""

    def __init__(self) -> None:
        self._pending: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Start `work` without waiting for it; its failure is logged, never raised into a turn."""
        task = asyncio.create_task(work)
        self._pending.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work failed", exc_info=task.exception())

    def every(self, name: str, interval: float, job: Callable[[], Awaitable[None]], first_delay: float = 0) -> None:
        """Run `job` every `interval` seconds; a crash is logged and the job runs again at the next interval."""

        async def loop() -> None:
            await asyncio.sleep(first_delay)
            while True:
                try:
                    await job()
                except Exception:
                    log.exception("periodic job %s failed; it runs again in %.0f s", name, interval)
                await asyncio.sleep(interval)

        self._loops.append(asyncio.create_task(loop(), name=name))

    async def drain(self) -> None:
        """Stop the periodic jobs and wait for pending bookkeeping."""
        for task in self._loops:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loops.clear()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
