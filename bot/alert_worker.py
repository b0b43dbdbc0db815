"""Owns the job-alerts queue's jobs in the adapter: hand out an opening's alerts, then send them, paced.

- `publish_alerts(opening_id)` (enqueued by the dashboard when staff publish) writes the opening's deliveries
  once (bot/alert_outbox.py) and starts sending.
- `send_alerts()` sends for DRAIN_SECONDS (bot/alert_sender.py), then enqueues itself again while alerts are
  due, or schedules itself for the end of the quiet hours or the next retry. Short jobs on a queue of their
  own: leads never wait behind thousands of alerts.
- Nothing is lost when the process dies: the deliveries are rows, and `recover` (at start and every
  supervision round) settles what a dead process left "sending", hands out openings published while no worker
  ran (or whose job was lost), and restarts sending when alerts are due and no send job is queued.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from functools import partial

from huey.exceptions import RetryTask
from telegram import Bot

from bot.alert_outbox import AlertOutbox, stale_before
from bot.alert_sender import AlertSender
from bot.consumer import QueueConsumer
from bot.job_alerts import alert_message
from bot.replies import Renderer
from bot.repository import Repository, StorageRejected, StorageUnavailable
from bot.telegram_send import TelegramMessenger
from contract.queue import PUBLISH_ALERTS, SEND_ALERTS, Queue, open_alert_queue

log = logging.getLogger(__name__)

DRAIN_SECONDS = 2.0
RETRY_SECONDS = 5.0
STALE_SENDING_SECONDS = 60.0  # a live sender settles a claimed alert within its request timeout


class AlertWorker:
    """The alerts queue's consumer and its two jobs."""

    def __init__(self, location: str, outbox: AlertOutbox, sender: AlertSender) -> None:
        self._outbox = outbox
        self._sender = sender
        self.queue: Queue = open_alert_queue(location, {PUBLISH_ALERTS: self._publish, SEND_ALERTS: self._send})
        self._consumer = QueueConsumer(self.queue, "job alerts")
        self._queued = 0  # send jobs this process enqueued that have not run yet
        self._lock = threading.Lock()
        self._started_at = datetime.now(UTC)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the consumer threads (recovery runs from the adapter's periodic jobs, `recover`)."""
        self._started_at = datetime.now(UTC)
        self._consumer.start(loop)

    def stop(self) -> None:
        """Stop the consumer threads; queued and scheduled jobs stay in the queue."""
        self._consumer.stop()

    def supervise(self) -> None:
        """Restart a consumer thread that died."""
        self._consumer.supervise()

    async def recover(self) -> None:
        """Settle abandoned claims, hand out unstarted openings, and restart sending if it stopped.

        A claim older than this process belongs to one that died (with a second adapter it may be that one's
        message in flight: its own `settle` then corrects the status, and nothing is sent twice either way)."""
        now = datetime.now(UTC)
        cutoff = max(self._started_at, stale_before(now, STALE_SENDING_SECONDS))
        try:
            settled = await self._outbox.recover(cutoff)
            unstarted = await self._outbox.unstarted_openings()
            due = await self._outbox.next_due()
        except StorageUnavailable:
            log.warning("job alerts recovery postponed: database unavailable")
            return
        if settled:
            log.warning("%d job alert(s) were being sent when a process stopped: marked unconfirmed", settled)
        try:
            for opening_id in unstarted:
                self.queue.enqueue(PUBLISH_ALERTS, opening_id)
        except Exception as err:  # the queue's store unreachable: the next round tries again
            log.warning("job alerts not queued (%s): retried next round", type(err).__name__)
            return
        if due is not None and not unstarted:
            self._kick()

    def _kick(self, delay: float | None = None) -> None:
        """Enqueue a send job unless this process already has one waiting (counted once it is queued)."""
        with self._lock:
            if self._queued:
                return
            self._queued += 1
        try:
            self.queue.enqueue(SEND_ALERTS, delay=delay)
        except Exception as err:  # the queue's store unreachable or locked: the next recovery round kicks again
            with self._lock:
                self._queued -= 1
            log.warning("job alerts send job not queued (%s): retried next round", type(err).__name__)

    def _publish(self, opening_id: int) -> None:
        try:
            made = self._consumer.run(self._outbox.fan_out(int(opening_id)))
        except StorageRejected as err:  # retrying cannot help; nothing was written (one transaction)
            log.error("job alerts of opening %s refused by the database (%s): not handed out", opening_id, err)
            return
        except StorageUnavailable as err:
            log.warning("job alerts not handed out yet (%s); retrying", type(err).__name__)
            raise RetryTask(delay=RETRY_SECONDS) from err
        log.info("job opening %s: %d alert(s) to send", opening_id, made)
        self._kick()

    def _send(self) -> None:
        with self._lock:
            self._queued = max(0, self._queued - 1)
        try:
            drained = self._consumer.run(self._sender.drain(DRAIN_SECONDS))
        except StorageUnavailable as err:
            log.warning("job alerts paused (%s); retrying", type(err).__name__)
            self._kick(RETRY_SECONDS)
            return
        if drained.wake_at is None:
            return
        wait = (drained.wake_at - datetime.now(UTC)).total_seconds()
        self._kick(wait if wait > 0.05 else None)


def telegram_alert_worker(
    bot: Bot, renderer: Renderer, repository: Repository, location: str, rate: int, quiet: tuple[int, int] | None
) -> AlertWorker:
    """The alert worker of a Telegram adapter: alerts composed in each user's language, sent by `bot`."""
    outbox = AlertOutbox(repository)
    sender = AlertSender(outbox, TelegramMessenger(bot), partial(alert_message, renderer), rate, quiet)
    return AlertWorker(location, outbox, sender)
