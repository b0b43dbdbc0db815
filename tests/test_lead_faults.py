"""Faults at the moment a registration is saved, against the real Rasa server, action server, queue and database:
Rasa stopped or killed during the final "save" request, the adapter gone right after the user confirmed.
Each ends with exactly one lead row."""

from __future__ import annotations

import asyncio
import os
import signal
import zlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.dialogue import DialogueClient, DialogueUnavailable
from bot.i18n import Catalogs
from bot.models import LeadEvent, LeadSubmission
from bot.repository import Repository
from tests.conftest import Harness, build_harness, eventually, stop_harness
from tests.fake_telegram import callback_update, message_update
from tests.rasa_server import free_port, rasa_server
from tests.test_integration import expected


async def fill_to_summary(harness: Harness, user: int, catalogs: Catalogs) -> None:
    await harness.send(message_update(user, "/apply"))
    await harness.send(callback_update(user, "/affirm"))
    for answer in ("Imran Khan", "0345 1112223", "Peshawar", "30", "5 years"):
        await harness.send(message_update(user, answer))
        if answer == "30":
            for choice in ("diploma", "construction", "n4"):
                await harness.send(callback_update(user, choice))
    await harness.send(callback_update(user, "yes"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_confirm_profile")


async def exactly_one_lead(url: str, user: int) -> None:
    repository = Repository(url)
    try:

        async def landed() -> bool:
            return await repository.user_data(str(user)) is not None

        await eventually(landed, seconds=30)
        await asyncio.sleep(3)  # give a duplicate every chance to appear
        assert await repository.count_leads() == 1
        async with repository.session() as session:
            assert await session.scalar(select(func.count(LeadSubmission.id))) == 1
            assert await session.scalar(select(func.count(LeadEvent.id))) == 1, "no second save of the same lead"
    finally:
        await repository.dispose()


async def test_rasa_stopped_during_the_save_request(make_harness: Any, catalogs: Catalogs) -> None:
    pids: list[int] = []
    with rasa_server(pids=pids) as rasa:
        harness = await make_harness(DialogueClient(rasa, 4.0))
        user = 801
        await fill_to_summary(harness, user, catalogs)
        os.kill(pids[0], signal.SIGSTOP)
        try:
            await harness.send(callback_update(user, "/affirm"))  # times out: Rasa does not answer
            assert "temporarily unavailable" in harness.telegram.texts()[-1]
        finally:
            os.kill(pids[0], signal.SIGCONT)
        await asyncio.sleep(2)
        await harness.send(callback_update(user, "/affirm"))  # the user taps again once Rasa is back
        await exactly_one_lead(harness.settings.database_url, user)


async def test_rasa_killed_during_the_save_request(make_harness: Any, catalogs: Catalogs, tmp_path: Path) -> None:
    pids: list[int] = []
    port, tracker = free_port(), tmp_path / "tracker.db"
    with rasa_server(pids=pids, port=port, tracker_db=tracker) as rasa:
        harness = await make_harness(DialogueClient(rasa, 30.0))
        user = 802
        await fill_to_summary(harness, user, catalogs)
        confirming = asyncio.create_task(harness.send(callback_update(user, "/affirm")))
        await asyncio.sleep(0.3)  # Rasa is handling the confirmation
        os.kill(pids[0], signal.SIGKILL)
        await confirming
    with rasa_server(port=port, tracker_db=tracker):  # the same conversation store, a new Rasa
        await harness.send(callback_update(user, "/affirm"))  # the user taps again
        await exactly_one_lead(harness.settings.database_url, user)


async def test_the_adapter_gone_right_after_the_user_confirmed(
    tmp_path: Path, rasa_url: str, catalogs: Catalogs
) -> None:
    first = await build_harness(tmp_path, DialogueClient(rasa_url, 30.0))
    user = 803
    await fill_to_summary(first, user, catalogs)
    await stop_harness(first)  # the adapter and its queue worker stop ...
    replies = await DialogueClient(rasa_url, 30.0).send(str(user), "/affirm")  # ... as the confirmation is handled
    assert any(message.custom is not None for message in replies), "Rasa confirmed the registration"
    second = await build_harness(tmp_path, DialogueClient(rasa_url, 30.0))  # the adapter restarts
    try:
        await exactly_one_lead(second.settings.database_url, user)
    finally:
        await stop_harness(second)


@pytest.mark.parametrize(
    ("failure", "resent"), [(httpx.ReadTimeout, False), (httpx.ConnectError, True), (httpx.ReadError, True)]
)
async def test_a_timed_out_message_is_not_handled_by_a_second_instance(
    failure: type[Exception], resent: bool
) -> None:
    seen: list[str] = []

    def first(request: httpx.Request) -> httpx.Response:
        raise failure("no answer", request=request)  # type: ignore[call-arg]

    def second(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(200, json=[{"text": "ok"}])

    def route(request: httpx.Request) -> httpx.Response:
        return first(request) if request.url.host == "rasa-a.test" else second(request)

    sender = next(str(n) for n in range(100) if zlib.crc32(str(n).encode()) % 2 == 0)  # lives on instance A
    dialogue = DialogueClient(["http://rasa-a.test", "http://rasa-b.test"], 5.0, transport=httpx.MockTransport(route))
    try:
        if resent:
            assert [m.text for m in await dialogue.send(sender, "/affirm")] == ["ok"]
        else:
            with pytest.raises(DialogueUnavailable):
                await dialogue.send(sender, "/affirm")  # A may still be saving the lead: B must not handle it too
        assert seen == (["rasa-b.test"] if resent else [])
    finally:
        await dialogue.aclose()
