"""Job-alert consent through the real adapter: /alerts on/off buttons, "stop" in three languages (outside the
form only), /mydata shows it, /delete erases it; Rasa faked at its HTTP edge, Telegram at the Bot API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.alerts import ALERTS_OFF, ALERTS_ON, AlertService, is_stop_word
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.migrations import migrate
from bot.models import AlertSubscription
from bot.privacy import DELETE_YES
from bot.replies import Renderer
from bot.repository import Repository
from tests.fake_telegram import callback_update, message_update


class ScriptedRasa:
    """Rasa's two HTTP endpoints the adapter uses: the REST webhook (records what reached it) and the tracker."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.form: str | None = None

    def client(self) -> DialogueClient:
        def handle(request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                return httpx.Response(200, json={"active_loop": {"name": self.form} if self.form else {}})
            body = json.loads(request.content)
            self.received.append(body["message"])
            return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": "Okay."}])

        return DialogueClient("http://rasa.test", 5.0, transport=httpx.MockTransport(handle))


async def subscription(repository: Repository, sender: str) -> AlertSubscription | None:
    async with repository.session() as session:
        return await session.scalar(select(AlertSubscription).where(AlertSubscription.sender_id == sender))


@pytest.mark.parametrize(
    ("text", "stops"),
    [
        ("stop", True),
        (" STOP! ", True),
        ("band karo", True),
        ("بند کریں", True),
        ("stop sending jobs to me", False),
        ("how do I stop an agent", False),
        ("", False),
    ],
)
def test_only_a_whole_stop_word_counts(text: str, stops: bool) -> None:
    assert is_stop_word(text) is stops


async def test_alerts_on_off_stop_mydata_delete(make_harness: Any) -> None:
    rasa = ScriptedRasa()
    harness = await make_harness(rasa.client())
    repository = Repository(harness.settings.database_url)
    await harness.send(message_update(71, "/alerts"))
    assert "Job alerts are OFF" in harness.telegram.texts()[-1]
    assert [b["callback_data"] for b in harness.telegram.keyboards()[-1]] == [ALERTS_ON]
    await harness.send(callback_update(71, ALERTS_ON))
    assert (
        "Job alerts are ON" in harness.telegram.texts()[-1]
        and "nobody may charge you for the job or the visa itself" in harness.telegram.texts()[-1]
    )
    assert [b["callback_data"] for b in harness.telegram.keyboards()[-1]] == [ALERTS_OFF]
    row = await subscription(repository, "71")
    assert row is not None and row.enabled
    await harness.send(message_update(71, "/mydata"))
    assert any("Job alerts: on (since" in text for text in harness.telegram.texts()[-2:])
    # Inside the registration form "stop" belongs to the form: it reaches Rasa and alerts stay on.
    rasa.form = "lead_form"
    await harness.send(message_update(71, "stop"))
    assert rasa.received[-1] == "stop"
    assert (await subscription(repository, "71")).enabled  # type: ignore[union-attr]
    rasa.form = None
    await harness.send(message_update(71, "Band karo"))
    assert rasa.received[-1] == "stop"  # not sent to Rasa
    assert "you will get no more job alerts" in harness.telegram.texts()[-1]
    assert not (await subscription(repository, "71")).enabled  # type: ignore[union-attr]
    # Alerts off: "stop" is an ordinary message for Rasa again.
    await harness.send(message_update(71, "stop"))
    assert rasa.received[-1] == "stop" and len(rasa.received) == 2
    await harness.send(message_update(71, "/mydata"))
    assert not any("Job alerts: on" in text for text in harness.telegram.texts()[-2:])
    # Urdu: on again, then erased with everything else by /delete.
    await harness.send(callback_update(72, ALERTS_ON, language_code="ur"))
    assert "ملازمت کی اطلاعات آن ہیں" in harness.telegram.texts()[-1]
    await harness.send(message_update(72, "بند کریں"))
    assert "آپ کو مزید ملازمت کی اطلاعات نہیں ملیں گی" in harness.telegram.texts()[-1]
    await harness.send(callback_update(72, ALERTS_ON, language_code="ur"))
    await harness.send(callback_update(72, DELETE_YES, language_code="ur"))
    assert await subscription(repository, "72") is None
    await repository.dispose()


async def test_consent_stop_and_erasure_on_postgresql(postgres_url: str, catalogs: Catalogs) -> None:
    await migrate(postgres_url)
    repository = Repository(postgres_url)
    rasa = ScriptedRasa()
    alerts = AlertService(repository, Renderer(catalogs), rasa.client())
    assert await alerts.stop("9", "stop", "en") is None  # not subscribed: the message goes on to Rasa
    [shown] = await alerts.answer("9", "ur_Latn", ALERTS_ON)
    assert shown.text.startswith("Job alerts ON hain") and [b.payload for b in shown.buttons] == [ALERTS_OFF]
    [line] = await alerts.my_data("9", "en")
    assert line.text.startswith("Job alerts: on (since")
    [stopped] = await alerts.stop("9", "band karen", "ur_Latn")  # type: ignore[misc]
    assert "mazeed job alerts nahi" in stopped.text
    assert await alerts.my_data("9", "en") == []
    await alerts.answer("9", "en", ALERTS_ON)
    await alerts.forget("9")
    assert await subscription(repository, "9") is None
    await repository.dispose()


async def test_a_typed_answer_counts_only_soon_after_the_question(tmp_path: Path, catalogs: Catalogs) -> None:
    url = f"sqlite:///{tmp_path / 'offer.db'}"
    await migrate(url)
    repository = Repository(url)
    now = [1000.0]
    alerts = AlertService(repository, Renderer(catalogs), dialogue=None, clock=lambda: now[0])  # type: ignore[arg-type]
    try:
        assert await alerts.offer("11", "en")  # asked at the end of the registration
        now[0] += 31 * 60  # the user left, and comes back more than half an hour later
        assert await alerts.typed("11", "haan", "en") is None  # an ordinary message for Rasa
        assert await alerts.subscribed("11") is None
        assert await alerts.offer("11", "en")
        now[0] += 60
        answer = await alerts.typed("11", "haan", "en")
        assert answer is not None and "Job alerts are ON" in answer[0].text
        assert await alerts.subscribed("11") is not None
    finally:
        await repository.dispose()
