"""Owns the adapter's side of the durable queue: the huey consumer that stores leads and announces them to staff.

The action server enqueues `store_lead` when a registration is confirmed (contract/queue.py). This worker runs
inside the adapter process as huey's consumer threads (bot/consumer.py).

- A lead is written once per user and form run (`lead_submissions`), so a replay, a retry after a timeout or a
  second instance never duplicates it; queued work of a user who erased their data since is dropped.
- Database down: the job is retried every RETRY_SECONDS until it is back (huey's schedule is durable).
- Poison (an undecodable entry, an invalid profile, a record the database rejects) is set aside among the
  dead letters, logged, counted on /healthz, and never blocks the entries behind it.
- Announcements are a job of their own, off the user's reply path, at most ANNOUNCE_PER_MINUTE a minute
  (Telegram allows a group about 20); over the limit huey reschedules them for the next window.
- `supervise` (a periodic job) restarts a consumer thread that died, and logs it.
- Once a lead is stored, an "I'm interested" the user tapped before having a profile becomes an application.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from huey.exceptions import RetryTask

from bot.applications import ApplicationStore
from bot.consumer import QueueConsumer
from bot.leads import InvalidProfile, LeadJob, LeadService, Profile, StaffNotifier
from bot.repository import Repository, StorageRejected, StorageUnavailable
from contract.queue import ANNOUNCE_LEAD, STORE_LEAD, Queue, open_queue

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
ANNOUNCE_PER_MINUTE = 18  # below Telegram's 20 messages a minute per group, leaving room for case messages
T = TypeVar("T")


class LeadWorker:
    """Runs the queue's jobs in consumer threads; each job's async work runs on the adapter's event loop."""

    def __init__(
        self,
        location: str,
        leads: LeadService,
        repository: Repository,
        notifier: StaffNotifier | None,
        applications: ApplicationStore | None = None,
    ) -> None:
        self._leads = leads
        self._applications = applications
        self._repository = repository
        self._notifier = notifier
        self.queue: Queue = open_queue(location, {STORE_LEAD: self._store, ANNOUNCE_LEAD: self._announce})
        self._consumer = QueueConsumer(self.queue, "lead")
        self._rate = self.queue.huey.rate_limit("staff-announcements", ANNOUNCE_PER_MINUTE, 60)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the consumer threads."""
        self._consumer.start(loop)

    def supervise(self) -> None:
        """Restart consumer threads that died."""
        self._consumer.supervise()

    def stop(self) -> None:
        """Let the running job finish (bounded), then stop the threads; queued jobs stay in the queue."""
        self._consumer.stop()

    async def dead_letters(self) -> int:
        """How many entries were set aside (reported on /healthz)."""
        return await asyncio.to_thread(self.queue.dead_letters)

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return self._consumer.run(work)

    def _set_aside(self, name: str, args: tuple[Any, ...], reason: str) -> None:
        log.error("set aside a %s job: %s", name, reason)
        self.queue.set_aside(self.queue.huey.serialize_task(self.queue.tasks[name].s(*args)))

    def _store(self, *args: Any) -> None:
        try:
            job = LeadJob(*args)
            saved = self._run(self._leads.store(job))
        except (InvalidProfile, TypeError) as err:
            self._set_aside(STORE_LEAD, args, f"invalid job ({type(err).__name__})")
            return
        except StorageRejected as err:
            if not self._run(self._leads.already_stored(job)):
                self._set_aside(STORE_LEAD, args, f"the database rejected the lead ({err})")
            return
        except StorageUnavailable as err:
            log.warning("lead not stored yet (%s); retrying in %.0f s", type(err).__name__, RETRY_SECONDS)
            raise RetryTask(delay=RETRY_SECONDS) from err
        if saved is None:
            log.info("a queued lead was already stored, or its user erased their data: skipped")
            return
        log.info("stored lead %d from the queue (%s)", saved.lead_id, "new" if saved.created else "updated")
        self._apply_pending(job.sender_id)
        if self._notifier is not None:
            record = job.record()
            self.queue.enqueue(
                ANNOUNCE_LEAD, saved.lead_id, job.sender_id, job.language, record.route, saved.created, record.profile
            )

    def _apply_pending(self, sender_id: str) -> None:
        if self._applications is None:
            return
        try:
            made = self._run(self._applications.apply_pending(sender_id))
        except StorageUnavailable:  # the interest stays recorded; the next stored lead of this user applies it
            log.warning("earlier job interest not applied yet: database unavailable")
            return
        if made:
            log.info("%d application(s) made from job interest shown before registering", made)

    def _announce(self, lead_id: int, sender_id: str, language: str, route: str, created: bool, profile: Any) -> None:
        if self._notifier is None:
            return
        self._rate.acquire()  # over the limit: huey reschedules this job for the next window
        if self._run(self._repository.lead_of(sender_id)) is None:
            log.info("lead %d was erased before its announcement: skipped", lead_id)
            return
        try:
            self._run(self._notifier.announce(lead_id, Profile.from_payload(profile), language, route, created))
        except Exception:  # the lead is stored and on the dashboard; a failed announcement must not repeat it
            log.exception("staff announcement failed for lead %d", lead_id)
