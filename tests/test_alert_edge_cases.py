"""Job alerts at their edges, from a review that walked the paths people take: both buttons of one alert, taps
after the deadline or after /delete, racing taps, forged payloads, connect timeouts, 429s in a row, a language
changed while an alert waits, a user who unblocks the bot, retention, busy chats, quiet hours beginning
mid-drain, a queue that cannot take a job, and the opening's form. On SQLite and PostgreSQL.

Real classes throughout; fakes only at the network edge (FakeTelegram for the Bot API, ScriptedRasa for Rasa)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.alert_outbox import AlertOutbox
from bot.alert_sender import AlertSender
from bot.alerts import ALERTS_ON, AlertService, is_stop_word
from bot.applications import ApplicationStore
from bot.i18n import Catalogs
from bot.job_alerts import JobInterest, alert_message
from bot.language import LanguageService
from bot.leads import LeadService
from bot.migrations import migrate
from bot.models import AlertDelivery, Application, JobOpening
from bot.replies import Renderer
from bot.repository import Repository
from bot.telegram_send import TelegramMessenger
from bot.throttle import MemoryThrottle
from tests.fake_telegram import TOKEN, FakeTelegram, callback_update, message_update
from tests.test_alert_delivery import Clock, pkt, publish
from tests.test_job_alerts import ScriptedRasa, start, texts_to
from tests.test_leads import job


@dataclass
class Scene:
    repository: Repository
    outbox: AlertOutbox
    alerts: AlertService
    applications: ApplicationStore
    interest: JobInterest
    renderer: Renderer
    catalogs: Catalogs
    telegram: FakeTelegram
    clock: Clock
    opening_id: int

    def sender(self, transport: httpx.BaseTransport | None = None) -> AlertSender:
        bot = Bot(TOKEN, request=HTTPXRequest(httpx_kwargs={"transport": transport or self.telegram.transport()}))
        return AlertSender(
            self.outbox, TelegramMessenger(bot), partial(alert_message, self.renderer), 25, None, self.clock
        )

    async def tap(self, sender: str, data: str) -> str:
        async def register() -> list[Any]:
            return []

        replies = await self.interest.answer(sender, "en", data, register)
        return " ".join(r.text or "" for r in replies)

    async def applications_of(self, sender: str) -> list[Application]:
        async with self.repository.session() as session:
            return list(await session.scalars(select(Application).where(Application.sender_id == sender)))

    async def delivery(self, sender: str) -> AlertDelivery | None:
        async with self.repository.session() as session:
            return await session.scalar(
                select(AlertDelivery).where(
                    AlertDelivery.sender_id == sender, AlertDelivery.opening_id == self.opening_id
                )
            )


@pytest.fixture(params=["sqlite", "postgresql"])
async def scene(request: pytest.FixtureRequest, tmp_path: Path, catalogs: Catalogs) -> AsyncIterator[Scene]:
    url = (
        f"sqlite:///{tmp_path / 'review.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    )
    await migrate(url)
    repository = Repository(url)
    renderer = Renderer(catalogs)
    alerts = AlertService(repository, renderer, dialogue=None)  # type: ignore[arg-type]
    leads = LeadService(repository)
    for sender in ("301", "302"):
        await leads.store(job(sender, language="en", japanese_level="jlpt_n4"))
        await alerts.set(sender, True)
    opening_id = await publish(repository)
    applications = ApplicationStore(repository)
    yield Scene(
        repository,
        AlertOutbox(repository),
        alerts,
        applications,
        JobInterest(applications, renderer, MemoryThrottle(1000, 100.0)),
        renderer,
        catalogs,
        FakeTelegram(),
        Clock(pkt(10)),
        opening_id,
    )
    await repository.dispose()


async def sent_alerts(scene: Scene) -> None:
    assert await scene.outbox.fan_out(scene.opening_id, now=scene.clock.now) == 2
    drained = await scene.sender().drain(10)
    assert drained.sent == 2


# --- The buttons --------------------------------------------------------------------------------------------------


async def test_not_for_me_after_applying_withdraws_the_application(scene: Scene) -> None:
    """ "I'm interested", then "Not for me" (both buttons of one alert before they go, or a second copy): the
    application is withdrawn, kept in the opening's list as such (staff see it), and never reaches a shortlist;
    "I'm interested" again reopens it."""
    await sent_alerts(scene)
    assert "Thank you: you applied" in await scene.tap("301", f"job:yes:{scene.opening_id}")
    answer = await scene.tap("301", f"job:no:{scene.opening_id}")
    assert "Noted: not for you" in answer
    assert "application for Web developer is withdrawn" in answer
    progress = await scene.outbox.progress(scene.opening_id)
    assert (progress.interested, progress.not_for_me, progress.applications) == (0, 1, 1)
    assert [a.status for a in await scene.applications_of("301")] == ["withdrawn"]
    assert "Thank you: you applied" in await scene.tap("301", f"job:yes:{scene.opening_id}")  # changed their mind
    assert [a.status for a in await scene.applications_of("301")] == ["applied"]


async def test_applying_after_the_deadline_is_refused(scene: Scene) -> None:
    """The alert says "Apply by: <date>": after it, "I'm interested" is refused like a closed opening, even
    while nobody has closed the opening yet."""
    await sent_alerts(scene)
    async with scene.repository.session() as session:
        await session.execute(
            update(JobOpening)
            .where(JobOpening.id == scene.opening_id)
            .values(deadline=datetime.now(UTC) - timedelta(hours=1))
        )
    answer = await scene.tap("301", f"job:yes:{scene.opening_id}")
    assert await scene.applications_of("301") == [], f"applied after the deadline: {answer!r}"
    assert "no longer open" in answer


async def test_interest_in_a_closed_opening_is_not_counted(scene: Scene) -> None:
    """ "I'm interested" on an old alert of a closed opening is refused and not counted as interest (the
    opening's page, and a later registration, see no interest)."""
    await sent_alerts(scene)
    from bot.openings import CLOSED, OpeningStore

    await OpeningStore(scene.repository).set_status(scene.opening_id, CLOSED)
    assert "no longer open" in await scene.tap("301", f"job:yes:{scene.opening_id}")
    progress = await scene.outbox.progress(scene.opening_id)
    assert progress.interested == 0, "a refused tap on a closed opening is counted as interest"


async def test_two_simultaneous_interested_taps_make_one_application(scene: Scene) -> None:
    """two "I'm interested" taps racing (two copies of the alert, concurrent updates; the double-tap
    filter only catches the same message) make one application and both answers are sensible."""
    await sent_alerts(scene)
    first, second = await asyncio.gather(
        scene.tap("302", f"job:yes:{scene.opening_id}"), scene.tap("302", f"job:yes:{scene.opening_id}")
    )
    assert len(await scene.applications_of("302")) == 1
    assert sorted(["Thank you" in first, "You already applied" in first]) == [False, True]
    assert "Thank you" in second or "You already applied" in second


@pytest.mark.parametrize(
    "forged",
    [
        "job:yes:-1",
        "job:yes:0",
        "job:yes:99999999999",
        "job:yes:1 ",
        "job:no:" + "1" * 70,
    ],
)
async def test_forged_job_buttons_change_nothing(scene: Scene, forged: str) -> None:
    """negative, zero, huge, padded and over-64-byte payloads are refused and store
    nothing; an opening sent to another user cannot be applied to."""
    await sent_alerts(scene)
    assert "I cannot find that job alert" in await scene.tap("301", forged)
    assert "I cannot find that job alert" in await scene.tap("399", f"job:yes:{scene.opening_id}")  # not ours
    async with scene.repository.session() as session:
        assert await session.scalar(select(func.count()).select_from(Application)) == 0


# --- Sending ------------------------------------------------------------------------------------------------------


async def test_a_connect_timeout_is_retried(scene: Scene) -> None:
    """A connection that cannot even be opened in time (httpx.ConnectTimeout) never left this machine: the
    alert is retried, not settled "unconfirmed" like a timeout after the request went out."""
    failures = ["connect-timeout"]

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sendMessage") and failures:
            failures.pop()
            raise httpx.ConnectTimeout("connect timed out", request=request)
        return scene.telegram._handle(request)

    assert await scene.outbox.fan_out(scene.opening_id, now=scene.clock.now) == 2
    sender = scene.sender(httpx.MockTransport(handle))
    await sender.drain(10)
    scene.clock.now += timedelta(minutes=5)
    await asyncio.sleep(1.0)
    await sender.drain(10)
    statuses = sorted([(await scene.delivery(s)).status for s in ("301", "302")])  # type: ignore[union-attr]
    assert statuses == ["sent", "sent"], f"an alert that never left was given up: {statuses}"


async def test_the_language_is_read_when_the_alert_is_sent(scene: Scene) -> None:
    """A user who switches /language while their alert waits (quiet hours, a 429 pause) gets it in the new
    language: it is read when the alert is sent, as consent is."""
    assert await scene.outbox.fan_out(scene.opening_id, now=scene.clock.now) == 2
    await LanguageService(scene.repository, scene.catalogs.languages, "en").choose("301", "ur")
    await scene.sender().drain(10)
    to_301 = [p["text"] for p in scene.telegram.sent() if int(p["chat_id"]) == 301]
    urdu_header = scene.renderer.translator("ur")("New job opening that fits your profile:")
    assert to_301 and to_301[0].startswith(urdu_header), to_301[0].splitlines()[0]


async def test_repeated_429_then_success_sends_exactly_once(scene: Scene) -> None:
    """Telegram answering 429 three times in a row (each retry_after 1 s) delays, but neither drops
    nor duplicates, the alerts; the attempts are not used up by flood control."""
    assert await scene.outbox.fan_out(scene.opening_id, now=scene.clock.now) == 2
    scene.telegram.send_failures = [429, 429, 429]
    sender = scene.sender()
    for _ in range(8):
        drained = await sender.drain(5)
        if drained.wake_at is None:
            break
        scene.clock.now += timedelta(seconds=2)
    assert sorted(int(p["chat_id"]) for p in scene.telegram.sent()) == [301, 302]
    rows = [await scene.delivery(s) for s in ("301", "302")]
    assert all(r is not None and r.status == "sent" and r.attempts == 1 for r in rows)


async def test_chat_not_found_fails_once_and_is_not_retried(scene: Scene) -> None:
    """a 400 "chat not found" is "failed" at once (BadRequest is checked before NetworkError, of which
    PTB makes it a subclass), the other user still gets theirs, and nothing is retried."""
    scene.telegram.refusing_chats = {301: 400}
    assert await scene.outbox.fan_out(scene.opening_id, now=scene.clock.now) == 2
    drained = await scene.sender().drain(10)
    assert drained.sent == 1 and drained.wake_at is None
    row = await scene.delivery("301")
    assert row is not None and row.status == "failed" and row.attempts == 1


# --- Consent ------------------------------------------------------------------------------------------------------


async def test_a_user_who_unblocked_the_bot_gets_alerts_again(make_harness: Any, tmp_path: Path) -> None:
    """After a 403 the user is not tried again; once they write to the bot again the block is evidently over,
    and the next opening's alert is theirs, as /alerts says."""
    database_url = f"sqlite:///{tmp_path / 'unblock.db'}"
    harness, _ = await start(make_harness, database_url, tmp_path, ScriptedRasa())
    repository = Repository(database_url)
    await LeadService(repository).store(job("401", language="en", japanese_level="jlpt_n4"))
    await harness.send(callback_update(401, ALERTS_ON))
    await AlertOutbox(repository).block("401")  # a 403 on an earlier alert, as AlertSender does
    await harness.send(message_update(401, "hello, I am back"))  # the user unblocked the bot and writes
    await harness.send(message_update(401, "/alerts"))
    said = texts_to(harness, 401)[-1]
    opening = await publish(repository, title="Second opening")
    handed_out = await AlertOutbox(repository).fan_out(opening)
    await repository.dispose()
    assert "Job alerts are ON" in said and handed_out == 1


@pytest.mark.parametrize("text", ["اسٹاپ", "سٹاپ", "band kar do", "band kardo", "stop alerts", "بند کر دیں"])
def test_common_ways_of_saying_stop(text: str) -> None:
    """Common Urdu and Roman Urdu ways of saying "stop" unsubscribe too."""
    assert is_stop_word(text)


async def test_stop_in_urdu_while_an_alert_is_pending_skips_it(scene: Scene) -> None:
    """ "بند" (Urdu "stop") typed after the opening was handed out but before the alert went out (quiet
    hours): the pending alert is skipped, the other user's goes out."""

    class NoForm:
        async def active_form(self, sender: str) -> str | None:
            return None

    alerts = AlertService(scene.repository, scene.renderer, NoForm())
    assert await scene.outbox.fan_out(scene.opening_id, now=scene.clock.now) == 2
    stopped = await alerts.typed("301", "بند۔", "ur")
    assert stopped is not None
    await scene.sender().drain(10)
    assert [int(p["chat_id"]) for p in scene.telegram.sent()] == [302]
    row = await scene.delivery("301")
    assert row is not None and row.status == "skipped"


async def test_delete_then_tap_an_old_alert(scene: Scene) -> None:
    """after /delete, "I'm interested" on an alert received before creates nothing (no application,
    no delivery row recreated) and says the alert cannot be found."""
    await sent_alerts(scene)
    await scene.alerts.forget("301")
    await scene.applications.forget("301")
    await scene.repository.delete_user("301")
    assert "I cannot find that job alert" in await scene.tap("301", f"job:yes:{scene.opening_id}")
    assert await scene.applications_of("301") == [] and await scene.delivery("301") is None


# --- Retention ----------------------------------------------------------------------------------------------------


async def test_tapping_im_interested_counts_as_activity_for_retention(make_harness: Any, tmp_path: Path) -> None:
    """Retention erases users silent for RETENTION_DAYS: a button tap (the main way to act on an alert) is
    activity, so a user who registered almost a year ago and applies today is not erased."""
    database_url = f"sqlite:///{tmp_path / 'retention.db'}"
    harness, _ = await start(make_harness, database_url, tmp_path, ScriptedRasa())
    repository = Repository(database_url)
    await LeadService(repository).store(job("451", language="en", japanese_level="jlpt_n4"))
    await harness.send(callback_update(451, ALERTS_ON))
    from bot.models import User

    long_ago = datetime.now(UTC) - timedelta(days=364)
    async with repository.session() as session:
        await session.execute(update(User).where(User.sender_id == "451").values(last_seen=long_ago))
    opening = await publish(repository)
    assert await AlertOutbox(repository).fan_out(opening) == 1
    async with repository.session() as session:  # the alert went out (as the worker does)
        await session.execute(update(AlertDelivery).values(status="sent"))
    await harness.send(callback_update(451, f"job:yes:{opening}", message_id=9001))
    assert "Thank you: you applied" in texts_to(harness, 451)[-1]
    await asyncio.sleep(0.3)  # background bookkeeping, if any
    # One day later, with RETENTION_DAYS=365, the purge picks this user.
    doomed = await repository.inactive_senders(datetime.now(UTC) - timedelta(days=363))
    await repository.dispose()
    assert "451" not in doomed, "a user who applied today is erased by the retention purge as 'inactive'"


# --- Pace -----------------------------------------------------------------------------------------------------------


async def test_waiting_for_a_busy_chat_does_not_spin_the_send_job(scene: Scene) -> None:
    """When the only due alerts are for chats served less than a second ago (several openings at once), the
    drain waits for the chat instead of ending at once and being queued again and again."""
    second = await publish(scene.repository, title="QA engineer")
    scene.clock = Clock(datetime.now(UTC))
    assert await scene.outbox.fan_out(scene.opening_id) == 2
    assert await scene.outbox.fan_out(second) == 2
    sender = scene.sender()
    drains = 0
    started = asyncio.get_running_loop().time()
    while len(scene.telegram.sent()) < 4 and asyncio.get_running_loop().time() - started < 5:
        scene.clock.now = datetime.now(UTC)
        drained = await sender.drain(2.0)
        drains += 1
        if drained.wake_at is None:
            break
        wait = (drained.wake_at - datetime.now(UTC)).total_seconds()
        await asyncio.sleep(wait if wait > 0.05 else 0)  # what AlertWorker._send does
    assert len(scene.telegram.sent()) == 4
    assert drains <= 5, f"{drains} drains (each a queued job and database queries) to send 4 alerts"


class RunningClock:
    """A clock that runs in real time from a chosen moment (the pace's sleeps move it, as in production)."""

    def __init__(self, start: datetime) -> None:
        self._start, self._t0 = start, asyncio.get_running_loop().time()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=asyncio.get_running_loop().time() - self._t0)


async def test_no_alert_goes_out_after_the_quiet_hours_began(scene: Scene) -> None:
    """The clock is read again after the wait for a send slot (after a 429 that can be long): no alert goes
    out after 22:00 Pakistan time, even if the drain began at 21:59:59."""
    clock = RunningClock(pkt(21, 59) + timedelta(seconds=59.5))
    sent_at: list[datetime] = []

    def handle(request: httpx.Request) -> httpx.Response:
        response = scene.telegram._handle(request)
        if request.url.path.endswith("/sendMessage") and response.status_code == 200:
            sent_at.append(clock())
        return response

    assert await scene.outbox.fan_out(scene.opening_id, now=clock()) == 2
    scene.telegram.send_failures = [429]  # retry_after 1 s
    bot = Bot(TOKEN, request=HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(handle)}))
    sender = AlertSender(
        scene.outbox, TelegramMessenger(bot), partial(alert_message, scene.renderer), 25, (22, 8), clock
    )
    await sender.drain(3)
    late = [at for at in sent_at if at >= pkt(22)]
    assert late == [], f"{len(late)} alert(s) sent in the quiet hours, at {late}"


async def test_a_failed_enqueue_is_kicked_again_by_recovery(scene: Scene, tmp_path: Path) -> None:
    """A send job that cannot be queued (the queue's store locked past its timeout) is not counted as queued:
    the next recovery round queues it, so pending alerts do not wait for a restart."""
    import sqlite3

    from bot.alert_worker import AlertWorker

    queue_file = tmp_path / "alert-queue.db"
    worker = AlertWorker(f"sqlite:///{queue_file}", scene.outbox, scene.sender())
    assert await scene.outbox.fan_out(scene.opening_id) == 2
    blocker = sqlite3.connect(queue_file, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # the queue's store is busy for longer than its timeout
    try:
        await worker.recover()  # alerts are due; the send job cannot be queued (logged, not counted)
    finally:
        blocker.rollback()
        blocker.close()
    assert await asyncio.to_thread(worker.queue.pending) == 0
    await worker.recover()  # the next supervision round
    assert await asyncio.to_thread(worker.queue.pending) == 1, "nothing would ever send the pending alerts"


# --- Dashboard ----------------------------------------------------------------------------------------------------


async def test_the_opening_form_does_not_offer_alerts_started_at(tmp_path: Path) -> None:
    """The alert worker's own mark (when an opening's alerts were handed out) is not a field of the opening's
    edit form: staff cannot clear it (which would hand the opening out again) or set it (no alerts)."""

    from bot.models import AlertSubscription
    from tests.test_dashboard import ORIGIN, login, seeded_dashboard

    app, repository = await seeded_dashboard(tmp_path)
    async with repository.session() as session:
        for sender in ("1", "2", "3"):  # the seeded IT leads opted in
            session.add(AlertSubscription(sender_id=sender, enabled=True))
    opening = await publish(
        repository,
        japanese_level="none",
        route="other",
        education="none",
        age_min=None,
        age_max=None,
        experience_years=0,
    )
    outbox = AlertOutbox(repository)
    assert await outbox.fan_out(opening) == 3
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN) as client:
        await login(client)
        edit_page = (await client.get(f"/admin/job-opening/edit/{opening}")).text
        create_page = (await client.get("/admin/job-opening/create")).text
    assert 'name="title"' in edit_page and 'name="title"' in create_page  # the forms themselves are there
    assert "alerts_started_at" not in edit_page and "alerts_started_at" not in create_page
    # Even if the mark is cleared by hand in the database, handing out again sends nobody a second copy.
    async with repository.session() as session:
        await session.execute(update(JobOpening).where(JobOpening.id == opening).values(alerts_started_at=None))
    try:
        assert await outbox.unstarted_openings() == [opening]
        assert await outbox.fan_out(opening) == 0
        assert await outbox.unstarted_openings() == []
    finally:
        await repository.dispose()
