"""Job alert delivery on SQLite and PostgreSQL: who gets an alert (once), quiet hours, the pace, and what each
Bot API answer does (429 waits retry_after, 403 marks the user blocked, a timeout is never resent). The real
python-telegram-bot Bot sends; Telegram is faked at its HTTP edge."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_currency
from sqlalchemy import select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.alert_outbox import AlertOutbox
from bot.alert_sender import PER_CHAT_SECONDS, AlertSender, quiet_until
from bot.alert_worker import AlertWorker
from bot.alerts import AlertService
from bot.i18n import Catalogs
from bot.job_alerts import alert_message
from bot.language import LanguageService
from bot.leads import LeadService
from bot.migrations import migrate
from bot.models import AlertDelivery, AlertSubscription
from bot.opening_sheet import OpeningDraft
from bot.openings import PUBLISHED, OpeningStore
from bot.replies import Renderer
from bot.repository import Repository
from bot.telegram_send import TelegramMessenger
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.test_leads import job

PKT = timedelta(hours=5)


def pkt(hour: int, minute: int = 0) -> datetime:
    """A moment on 2026-12-02 at hour:minute Pakistan time (UTC+5), in UTC."""
    return datetime(2026, 12, 2, hour, minute, tzinfo=UTC) - PKT


@pytest.mark.parametrize(
    ("moment", "until"),
    [
        (pkt(21, 59), None),
        (pkt(22, 0), pkt(8) + timedelta(days=1)),
        (pkt(23, 30), pkt(8) + timedelta(days=1)),
        (pkt(3, 0), pkt(8)),
        (pkt(7, 59), pkt(8)),
        (pkt(8, 0), None),
        (pkt(12, 0), None),
    ],
)
def test_quiet_hours_are_22_to_8_pakistan_time(moment: datetime, until: datetime | None) -> None:
    assert quiet_until(moment, (22, 8)) == until
    assert quiet_until(moment, None) is None


def test_quiet_hours_within_one_day() -> None:
    assert quiet_until(pkt(1), (0, 6)) == pkt(6)
    assert quiet_until(pkt(6), (0, 6)) is None


class Clock:
    """The sender's notion of now, moved by the test (quiet hours and retry times without waiting hours)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class TimedMessenger:
    """The real Telegram messenger; the fake Bot API also notes when each request arrived."""

    def __init__(self, bot: Bot) -> None:
        self._messenger = TelegramMessenger(bot)
        self.times: list[tuple[str, float]] = []

    async def deliver(self, chat_id: str, message: Any) -> int:
        self.times.append((chat_id, time.monotonic()))
        return await self._messenger.deliver(chat_id, message)


@dataclass
class World:
    repository: Repository
    outbox: AlertOutbox
    telegram: FakeTelegram
    renderer: Renderer
    opening_id: int
    clock: Clock
    messenger: TimedMessenger | None = None

    def sender(self, rate: int = 25, quiet: tuple[int, int] | None = None) -> AlertSender:
        bot = Bot(TOKEN, request=HTTPXRequest(httpx_kwargs={"transport": self.telegram.transport()}))
        self.messenger = TimedMessenger(bot)
        compose = partial(alert_message, self.renderer)
        return AlertSender(self.outbox, self.messenger, compose, rate, quiet, self.clock)

    def times(self) -> list[tuple[str, float]]:
        assert self.messenger is not None
        return self.messenger.times

    async def deliveries(self) -> dict[str, AlertDelivery]:
        async with self.repository.session() as session:
            return {d.sender_id: d for d in await session.scalars(select(AlertDelivery))}


def draft(**changes: Any) -> OpeningDraft:
    values: dict[str, Any] = {
        "title": "Web developer",
        "employer": "Sakura Systems KK",
        "field": "it",
        "route": "engineer_it",
        "japanese_level": "jlpt_n4",
        "education": "bachelor",
        "age_min": 20,
        "age_max": 35,
        "experience_years": 1,
        "location": "Osaka",
        "salary_min_yen": 250000,
        "salary_max_yen": 320000,
        "headcount": 3,
        "deadline": datetime.now(UTC) + timedelta(days=30),
        "how_to_apply": "Tap I'm interested",
    }
    return OpeningDraft(**{**values, **changes})


async def publish(repository: Repository, **changes: Any) -> int:
    store = OpeningStore(repository)
    (opening_id,) = await store.add_drafts([draft(**changes)])
    await store.set_status(opening_id, PUBLISHED)
    return opening_id


@pytest.fixture(params=["sqlite", "postgresql"])
async def world(request: pytest.FixtureRequest, tmp_path: Path, catalogs: Catalogs) -> AsyncIterator[World]:
    url = (
        f"sqlite:///{tmp_path / 'alerts.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    )
    await migrate(url)
    repository = Repository(url)
    leads = LeadService(repository)
    renderer = Renderer(catalogs)
    alerts = AlertService(repository, renderer, dialogue=None)  # type: ignore[arg-type]  # no form checks here
    # 101: Urdu, fits. 102: English, fits. 103: another field. 104: too little Japanese. 105: alerts off.
    # 106: never opted in. 107: opted in, then blocked the bot.
    await leads.store(job("101", language="ur", japanese_level="jlpt_n4"))
    await leads.store(job("102", language="en", japanese_level="jlpt_n3"))
    await leads.store(job("103", field="construction", japanese_level="jlpt_n4"))
    await leads.store(job("104", japanese_level="jlpt_n5"))
    for sender in ("105", "106", "107"):
        await leads.store(job(sender, japanese_level="jlpt_n4"))
    for sender in ("101", "102", "103", "104", "105", "107"):
        await alerts.set(sender, True)
    await alerts.set("105", False)
    await LanguageService(repository, catalogs.languages, "en").choose("101", "ur")
    opening_id = await publish(repository)
    telegram = FakeTelegram(refusing_chats={107: 403})
    yield World(repository, AlertOutbox(repository), telegram, renderer, opening_id, Clock(pkt(10)))
    await repository.dispose()


async def test_each_fitting_opted_in_user_gets_one_alert_in_their_language(world: World) -> None:
    assert await world.outbox.fan_out(world.opening_id) == 3  # 101, 102, 107
    assert await world.outbox.fan_out(world.opening_id) == 0  # handed out once, never again
    drained = await world.sender().drain(10)
    assert drained.sent == 2 and drained.wake_at is None
    chats = [int(params["chat_id"]) for params in world.telegram.sent()]
    assert sorted(chats) == [101, 102]
    urdu = next(params for params in world.telegram.sent() if int(params["chat_id"]) == 101)
    assert "ملازمت" in urdu["text"] and format_currency(250000, "JPY", locale="ur_PK") in urdu["text"]
    english = next(params for params in world.telegram.sent() if int(params["chat_id"]) == 102)
    assert "New job opening that fits your profile" in english["text"] and "never your phone number" in english["text"]
    assert "Nobody may charge you for the job or the visa itself" in english["text"]
    buttons = world.telegram.keyboards()[-1]
    assert {b["callback_data"] for b in buttons} == {f"job:yes:{world.opening_id}", f"job:no:{world.opening_id}"}
    found = await world.deliveries()
    assert {s: d.status for s, d in found.items()} == {"101": "sent", "102": "sent", "107": "blocked"}
    async with world.repository.session() as session:
        blocked = await session.get(AlertSubscription, "107")
    assert blocked is not None and blocked.blocked_at is not None
    # A second opening: the user who blocked the bot is not even tried again.
    second = await publish(world.repository, title="QA engineer")
    assert await world.outbox.fan_out(second) == 2
    progress = await world.outbox.progress(world.opening_id)
    assert (progress.sent, progress.pending, progress.blocked) == (2, 0, 1)


async def test_consent_is_checked_again_when_sending(world: World) -> None:
    await world.outbox.fan_out(world.opening_id)
    alerts = AlertService(world.repository, world.renderer, dialogue=None)  # type: ignore[arg-type]
    await alerts.set("102", False)  # "stop" after the opening was published
    await alerts.forget("101")  # /delete after it was published
    await world.sender().drain(10)
    assert [int(p["chat_id"]) for p in world.telegram.sent()] == []
    found = await world.deliveries()
    assert found["102"].status == "skipped" and "101" not in found


async def test_quiet_hours_hold_alerts_until_eight(world: World) -> None:
    await world.outbox.fan_out(world.opening_id)
    world.clock.now = pkt(23, 15)
    sender = world.sender(quiet=(22, 8))
    held = await sender.drain(5)
    assert held.sent == 0 and held.wake_at == pkt(8) + timedelta(days=1)
    assert world.telegram.sent() == []
    world.clock.now = pkt(8) + timedelta(days=1)
    assert (await sender.drain(5)).sent == 2


async def test_429_waits_retry_after_and_sends_once(world: World) -> None:
    await world.outbox.fan_out(world.opening_id)
    world.telegram.send_failures = [429]  # retry_after: 1 second
    sender = world.sender()
    first = await sender.drain(10)
    assert first.sent == 1 and first.wake_at is not None  # one went out; the other waits its second
    world.clock.now += timedelta(seconds=1)
    second = await sender.drain(10)
    assert second.sent == 1 and second.wake_at is None
    assert sorted(int(p["chat_id"]) for p in world.telegram.sent()) == [101, 102]  # once each
    refused_at = [at for chat, at in world.times()]
    assert refused_at[-1] - refused_at[0] >= 1.0  # the retry came after retry_after, not before


async def test_a_timeout_is_never_resent_and_a_bad_gateway_is_retried(world: World) -> None:
    await world.outbox.fan_out(world.opening_id)
    world.telegram.send_failures = ["timeout", 502]
    sender = world.sender()
    await sender.drain(10)
    found = await world.deliveries()
    statuses = sorted(d.status for s, d in found.items() if s != "107")
    assert statuses == ["pending", "unconfirmed"]  # the 502 waits for a retry; the timeout may have arrived
    world.clock.now += timedelta(seconds=11)
    await asyncio.sleep(PER_CHAT_SECONDS)  # and the chat's one-a-second spacing, which counts real time
    await sender.drain(10)
    found = await world.deliveries()
    assert sorted(d.status for s, d in found.items() if s != "107") == ["sent", "unconfirmed"]
    assert len(world.telegram.sent()) == 1


async def test_the_pace_is_capped_overall_and_per_chat(world: World) -> None:
    await world.outbox.fan_out(world.opening_id)
    second = await publish(world.repository, title="QA engineer")
    await world.outbox.fan_out(second)
    sender = world.sender(rate=4)
    while (await sender.drain(10)).wake_at is not None:
        pass
    times = world.times()
    sent = [t for chat, t in times if chat != "107"]
    assert len(sent) == 4  # 101 and 102, two openings each
    assert all(b - a >= 0.24 for a, b in itertools.pairwise(sent))  # never faster than 4 a second
    for chat in ("101", "102"):
        own = [t for c, t in times if c == chat]
        assert own[1] - own[0] >= 1.0  # one a second per chat


async def test_a_claim_left_by_a_dead_process_is_settled_not_resent(world: World, tmp_path: Path) -> None:
    await world.outbox.fan_out(world.opening_id)
    dead = await world.outbox.claim(datetime.now(UTC))  # a process took it and died before it settled
    assert dead is not None
    # The next process starts after the claim; its recovery round settles it.
    worker = AlertWorker(f"sqlite:///{tmp_path / 'queue.db'}", world.outbox, world.sender())
    await worker.recover()
    await world.sender().drain(10)
    found = await world.deliveries()
    assert found[dead.sender_id].status == "unconfirmed"
    assert [int(p["chat_id"]) for p in world.telegram.sent()] == [101 if dead.sender_id == "102" else 102]
    progress = await world.outbox.progress(world.opening_id)
    assert (progress.sent, progress.failed, progress.blocked, progress.pending) == (1, 1, 1, 0)


async def test_a_429_longer_than_the_job_ends_it_and_says_when_to_come_back(world: World) -> None:
    await world.outbox.fan_out(world.opening_id)
    world.telegram.send_failures = [429]  # retry_after: 1 second, longer than this drain's budget
    began = time.monotonic()
    drained = await world.sender().drain(0.5)
    assert time.monotonic() - began < 0.9  # it did not sit out the wait inside the job
    assert drained.sent == 0 and drained.wake_at is not None
    assert drained.wake_at >= world.clock.now + timedelta(seconds=0.9)
    assert world.telegram.sent() == []  # nothing else went out during Telegram's wait either
