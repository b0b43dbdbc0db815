"""Owns running a huey queue inside the adapter: consumer threads whose async work runs on the adapter's loop.

No extra process for `make run` to start: huey's consumer runs as threads of the adapter (not huey's `run`,
which would take over the process's signals), and each job bridges its coroutine onto the event loop, where
the database and Bot API clients live. `supervise` restarts a thread that died.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from contract.queue import Queue

log = logging.getLogger(__name__)

JOB_TIMEOUT_SECONDS = 120.0
T = TypeVar("T")


class QueueConsumer:
    """One queue's consumer threads and the bridge to the event loop."""

    def __init__(self, queue: Queue, label: str) -> None:
        self.queue = queue
        self._label = label
        self._loop: asyncio.AbstractEventLoop | None = None
        self._consumer: Any = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the scheduler and worker threads."""
        self._loop = loop
        self._consumer = self.queue.huey.create_consumer(
            workers=1,
            worker_type="thread",
            periodic=False,
            scheduler_interval=1,
            check_worker_health=False,  # `supervise` does it, from the adapter's own periodic jobs
            max_delay=1.0,  # an idle worker polls at least every second, so that it also stops within one
        )
        self._consumer.scheduler.start()
        for _, thread in self._consumer.worker_threads:
            thread.start()
        log.info("%s queue worker started", self._label)

    def supervise(self) -> None:
        """Restart consumer threads that died (huey logs which one)."""
        if self._consumer is not None and not self._consumer.check_worker_health():
            log.error("a %s queue worker thread had died and was restarted", self._label)

    def stop(self) -> None:
        """Let the running job finish (bounded), then stop the threads; queued jobs stay in the queue."""
        if self._consumer is not None:
            self._consumer.shutdown_timeout = 10
            self._consumer.stop(graceful=True)
            self._consumer = None

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the adapter's event loop and wait for it (from a consumer thread)."""
        if self._loop is None:
            work.close()
            raise RuntimeError(f"the {self._label} worker was not started")
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(JOB_TIMEOUT_SECONDS)
