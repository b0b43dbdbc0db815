"""Job alerts through the real adapter, on SQLite and PostgreSQL: opt in, "stop", the alert in the user's
language, "I'm interested" → an application staff see (once, however often it is tapped), "Not for me",
forged buttons, no profile → registration first, /mydata and /delete, and the alerts question at the end of
the registration (tapped or typed). Rasa is faked at its HTTP edge, Telegram at the Bot API."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.alert_outbox import AlertOutbox
from bot.alerts import ALERTS_DECLINE, ALERTS_OFFER, ALERTS_ON, ALERTS_YES
from bot.applications import ApplicationStore
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.job_alerts import ALERT_HEADER, APPLIED, INTERESTED_BUTTON, REGISTER_FIRST
from bot.leads import LeadService
from bot.models import AlertDelivery, AlertSubscription, Application
from bot.openings import CLOSED, OpeningStore
from bot.privacy import DELETE_YES
from bot.replies import Renderer
from bot.repository import Repository
from contract.queue import PUBLISH_ALERTS, STORE_LEAD, open_alert_queue, open_queue
from tests.conftest import Harness, eventually
from tests.fake_telegram import callback_update, message_update
from tests.test_alert_delivery import publish
from tests.test_leads import job, payload


class ScriptedRasa:
    """Rasa's REST webhook and tracker: records what reached it; answers with `reply(text)` if given."""

    def __init__(self, reply: Callable[[str], list[dict[str, Any]]] | None = None) -> None:
        self.received: list[str] = []
        self._reply = reply

    def client(self) -> DialogueClient:
        def handle(request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                return httpx.Response(200, json={"active_loop": {}, "events": []})
            body = json.loads(request.content)
            self.received.append(body["message"])
            custom = self._reply(body["message"]) if self._reply else []
            return httpx.Response(200, json=custom or [{"recipient_id": body["sender"], "text": "Okay."}])

        return DialogueClient("http://rasa.test", 5.0, transport=httpx.MockTransport(handle))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.db'}"
    return str(request.getfixturevalue("postgres_url"))


async def start(make_harness: Any, database_url: str, tmp_path: Path, rasa: ScriptedRasa) -> tuple[Harness, str]:
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    env = {"DATABASE_URL": database_url, "QUEUE_URL": queue, "ALERT_QUIET_HOURS": "off"}
    harness: Harness = await make_harness(rasa.client(), env)
    harness.application.bot_data["alert_worker"].start(asyncio.get_running_loop())  # as `run` starts it
    return harness, queue


def texts_to(harness: Harness, chat: int) -> list[str]:
    return [str(p.get("text", "")) for p in harness.telegram.sent() if int(p["chat_id"]) == chat]


def alerts_to(harness: Harness, chat: int, renderer: Renderer, language: str) -> list[dict[str, Any]]:
    header = renderer.translator(language)(ALERT_HEADER)
    return [p for p in harness.telegram.sent() if int(p["chat_id"]) == chat and header in str(p.get("text", ""))]


async def count(repository: Repository, model: Any, **where: Any) -> int:
    async with repository.session() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await session.scalar(query) or 0)


async def test_publish_alert_interest_applicants_mydata_delete(
    make_harness: Any, database_url: str, tmp_path: Path, catalogs: Catalogs
) -> None:
    rasa = ScriptedRasa()
    harness, queue = await start(make_harness, database_url, tmp_path, rasa)
    repository = Repository(database_url)
    renderer = Renderer(catalogs)
    leads = LeadService(repository)
    await leads.store(job("501", language="ur", japanese_level="jlpt_n4"))  # Urdu-speaking, fits
    await leads.store(job("502", language="en", japanese_level="jlpt_n4"))  # fits, but says "stop"
    await leads.store(job("503", language="en", japanese_level="none"))  # opted in, does not fit
    await leads.store(job("504", language="en", japanese_level="jlpt_n3"))  # fits, never opted in
    await harness.send(callback_update(501, ALERTS_ON, language_code="ur"))
    await harness.send(callback_update(502, ALERTS_ON))
    await harness.send(callback_update(503, ALERTS_ON))
    await harness.send(message_update(502, "stop"))
    assert "you will get no more job alerts" in texts_to(harness, 502)[-1]
    opening = await publish(repository)
    await asyncio.to_thread(open_alert_queue(queue).enqueue, PUBLISH_ALERTS, opening)  # the dashboard's "Publish"

    async def alert_arrived() -> bool:
        return bool(alerts_to(harness, 501, renderer, "ur"))

    await eventually(alert_arrived)
    await asyncio.sleep(1.0)  # anything else would have been sent by now (25 a second)
    urdu = alerts_to(harness, 501, renderer, "ur")
    assert len(urdu) == 1 and re.search("[\u0600-\u06ff]{3}", urdu[0]["text"].splitlines()[0])  # in Urdu script
    for chat in (502, 503, 504):
        assert alerts_to(harness, chat, renderer, "en") == []
    buttons = json.loads(urdu[0]["reply_markup"])["inline_keyboard"][0]
    assert buttons[0]["text"] == renderer.translator("ur")(INTERESTED_BUTTON)
    interested = buttons[0]["callback_data"]
    assert interested == f"job:yes:{opening}"

    await harness.send(callback_update(501, interested, language_code="ur", message_id=7001))
    applied = renderer.translator("ur")(APPLIED).split("%(")[0]
    assert applied in texts_to(harness, 501)[-1]
    assert ("editMessageReplyMarkup", 7001) in [(m, int(p.get("message_id", 0))) for m, p in harness.telegram.calls]
    # Tapped again later (another copy of the buttons): still one application, and the user is told so.
    await harness.send(callback_update(501, interested, language_code="ur", message_id=7002))
    assert await count(repository, Application, opening_id=opening) == 1
    applicants = await ApplicationStore(repository).applicants(opening)
    assert [a.application.sender_id for a in applicants] == ["501"]
    assert applicants[0].application.status == "applied" and applicants[0].lead.city == "Lahore"
    progress = await AlertOutbox(repository).progress(opening)
    assert (progress.sent, progress.interested, progress.applications) == (1, 1, 1)

    await harness.send(message_update(501, "/mydata", language_code="ur"))
    assert any("Web developer" in text for text in texts_to(harness, 501)[-3:])
    await harness.send(callback_update(501, DELETE_YES, language_code="ur"))
    assert await count(repository, Application) == 0
    assert await count(repository, AlertDelivery, sender_id="501") == 0
    assert await count(repository, AlertSubscription, sender_id="501") == 0
    await repository.dispose()


async def test_not_for_me_forged_buttons_and_a_closed_opening(
    make_harness: Any, database_url: str, tmp_path: Path
) -> None:
    harness, queue = await start(make_harness, database_url, tmp_path, ScriptedRasa())
    repository = Repository(database_url)
    await LeadService(repository).store(job("601", japanese_level="jlpt_n4"))
    await harness.send(callback_update(601, ALERTS_ON))
    opening = await publish(repository)
    await asyncio.to_thread(open_alert_queue(queue).enqueue, PUBLISH_ALERTS, opening)

    async def delivered() -> bool:
        return await count(repository, AlertDelivery, status="sent") == 1

    await eventually(delivered)
    await harness.send(callback_update(601, f"job:no:{opening}", message_id=8001))
    assert "Noted: not for you" in texts_to(harness, 601)[-1]
    assert [b["callback_data"] for b in harness.telegram.keyboards()[-1]] == [f"job:yes:{opening}"]  # a way back
    for forged in (f"job:yes:{opening + 100}", "job:yes:abc", "job:maybe:1", "job:" + "9" * 60):
        await harness.send(callback_update(601, forged))
        assert "I cannot find that job alert" in texts_to(harness, 601)[-1]
    assert await count(repository, Application) == 0
    await OpeningStore(repository).set_status(opening, CLOSED)
    await harness.send(callback_update(601, f"job:yes:{opening}", message_id=8002))
    assert "no longer open" in texts_to(harness, 601)[-1]
    assert await count(repository, Application) == 0
    await repository.dispose()


async def test_interest_without_a_profile_registers_first_then_applies(
    make_harness: Any, database_url: str, tmp_path: Path
) -> None:
    rasa = ScriptedRasa()
    harness, queue = await start(make_harness, database_url, tmp_path, rasa)
    repository = Repository(database_url)
    opening = await publish(repository)
    async with repository.session() as session:  # an alert sent before the user's lead was deleted by staff
        session.add(AlertDelivery(opening_id=opening, sender_id="701", language="en", status="sent"))
    await harness.send(callback_update(701, f"job:yes:{opening}"))
    assert REGISTER_FIRST.split("%(")[0] in " ".join(texts_to(harness, 701))
    assert rasa.received[-1] == "/register_interest"  # the registration starts
    assert await count(repository, Application) == 0
    # The registration is confirmed: the action server queues the lead; the worker stores it and applies.
    custom = payload(japanese_level="jlpt_n4")
    lead_queue = open_queue(queue)
    await asyncio.to_thread(lead_queue.enqueue, STORE_LEAD, "701", custom["consent_at"], "en", custom, "telegram")

    async def applied() -> bool:
        return await count(repository, Application, opening_id=opening) == 1

    await eventually(applied)
    await repository.dispose()


def lead_complete(text: str) -> list[dict[str, Any]]:
    if text != "/affirm":
        return []
    return [{"recipient_id": "x", "custom": payload()}]


async def test_the_alerts_question_ends_the_registration(make_harness: Any, tmp_path: Path, catalogs: Catalogs) -> None:
    rasa = ScriptedRasa(lead_complete)
    harness, _ = await start(make_harness, f"sqlite:///{tmp_path / 'offer.db'}", tmp_path, rasa)
    repository = Repository(f"sqlite:///{tmp_path / 'offer.db'}")
    renderer = Renderer(catalogs)
    offer_start = ALERTS_OFFER.split(":")[0]
    # Tapped: "Yes, send me job alerts".
    await harness.send(callback_update(801, "/affirm"))
    assert offer_start in texts_to(harness, 801)[-1]
    assert [b["callback_data"] for b in harness.telegram.keyboards()[-1]] == [ALERTS_ON, ALERTS_DECLINE]
    assert harness.telegram.keyboards()[-1][0]["text"] == ALERTS_YES
    await harness.send(callback_update(801, ALERTS_ON))
    assert await count(repository, AlertSubscription, sender_id="801", enabled=True) == 1
    # Typed instead of tapped, in Roman Urdu and Urdu.
    await harness.send(callback_update(802, "/affirm"))
    await harness.send(message_update(802, "haan"))
    assert await count(repository, AlertSubscription, sender_id="802", enabled=True) == 1
    await harness.send(callback_update(803, "/affirm", language_code="ur"))
    assert renderer.translator("ur")(ALERTS_OFFER) in texts_to(harness, 803)[-1]
    await harness.send(message_update(803, "نہیں", language_code="ur"))
    assert await count(repository, AlertSubscription, sender_id="803") == 0
    assert rasa.received.count("نہیں") == 0  # the answer to our question, not a message for Rasa
    # A question instead of an answer goes to Rasa, and the offer lapses: a later "yes" is Rasa's again.
    await harness.send(callback_update(804, "/affirm"))
    await harness.send(message_update(804, "what documents do I need?"))
    await harness.send(message_update(804, "yes"))
    assert rasa.received[-2:] == ["what documents do I need?", "yes"]
    assert await count(repository, AlertSubscription, sender_id="804") == 0
    # Already subscribed: not asked again.
    await harness.send(callback_update(801, "/affirm"))
    assert offer_start not in texts_to(harness, 801)[-1]
    await repository.dispose()


async def test_quiet_hours_hold_the_alerts_in_the_queue(make_harness: Any, tmp_path: Path) -> None:
    now_in_pakistan = (datetime.now(UTC) + timedelta(hours=5)).hour
    quiet = f"{now_in_pakistan}-{(now_in_pakistan + 2) % 24}"  # quiet hours that include this very moment
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    database_url = f"sqlite:///{tmp_path / 'quiet.db'}"
    env = {"DATABASE_URL": database_url, "QUEUE_URL": queue, "ALERT_QUIET_HOURS": quiet}
    harness: Harness = await make_harness(ScriptedRasa().client(), env)
    worker = harness.application.bot_data["alert_worker"]
    worker.start(asyncio.get_running_loop())
    repository = Repository(database_url)
    await LeadService(repository).store(job("901", japanese_level="jlpt_n4"))
    await harness.send(callback_update(901, ALERTS_ON))
    opening = await publish(repository)
    await asyncio.to_thread(open_alert_queue(queue).enqueue, PUBLISH_ALERTS, opening)

    async def held() -> bool:
        return bool(await asyncio.to_thread(worker.queue.huey.storage.schedule_size) == 1)

    await eventually(held)  # the send job waits in the queue's schedule until the quiet hours end
    assert await count(repository, AlertDelivery, status="pending") == 1
    assert [p for p in harness.telegram.sent() if "New job opening" in str(p.get("text", ""))] == []
    await repository.dispose()


async def test_tapping_job_buttons_in_a_flood_is_throttled(make_harness: Any, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'flood.db'}"
    env = {"DATABASE_URL": database_url, "THROTTLE_BURST": "3", "THROTTLE_PER_MINUTE": "1"}
    harness: Harness = await make_harness(ScriptedRasa().client(), env)
    for message_id in range(6):  # forged or not, every tap takes a token like any message
        await harness.send(callback_update(990, "job:yes:1", message_id=9900 + message_id))
    answers = texts_to(harness, 990)
    assert answers[:3] == ["I cannot find that job alert. Use /help to see what I can do."] * 3
    assert len(answers) == 4 and "sending messages very fast" in answers[3]  # then silence
