"""Registration end to end: real adapter, real Rasa + action server, real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

from bot.alerts import ALERTS_OFFER
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.replies import Renderer
from bot.repository import Repository
from tests.conftest import eventually
from tests.fake_telegram import callback_update, message_update
from tests.test_integration import expected


def contact_update(user_id: int, phone: str) -> dict[str, Any]:
    update = message_update(
        user_id, None, extra={"contact": {"phone_number": phone, "first_name": "Ali", "user_id": user_id}}
    )
    return update


async def last_texts(harness: Any, count: int) -> list[str]:
    return [str(t) for t in harness.telegram.texts()[-count:]]


async def test_english_registration_with_wrong_answers(make_harness: Any, rasa_url: str, catalogs: Catalogs) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    user = 201
    await harness.send(message_update(user, "I want to apply"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_consent")
    await harness.send(callback_update(user, "/affirm"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_full_name")
    await harness.send(message_update(user, "Ali123"))  # not a name (a question is answered: test_form_conversation)
    assert harness.telegram.texts()[-2:] == [
        expected(catalogs, "en", "utter_invalid_full_name"),
        expected(catalogs, "en", "utter_ask_full_name"),
    ]
    await harness.send(message_update(user, "Ali Raza"))
    asked_phone = harness.telegram.sent()[-1]
    assert asked_phone["text"] == expected(catalogs, "en", "utter_ask_phone")
    keyboard = json.loads(asked_phone["reply_markup"])["keyboard"]
    assert keyboard[0][0]["request_contact"] is True
    await harness.send(message_update(user, "12345"))  # malformed
    assert harness.telegram.texts()[-2] == expected(catalogs, "en", "utter_invalid_phone")
    await harness.send(contact_update(user, "+92 300 1234567"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_city")
    for answer in ("Lahore", "70", "24", "bachelor", "it", "jlpt_n5", "2 years"):
        await harness.send(
            message_update(user, answer)
            if answer not in ("bachelor", "it", "jlpt_n5")
            else callback_update(user, answer)
        )
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_has_passport")
    assert expected(catalogs, "en", "utter_invalid_age") in harness.telegram.texts()
    await harness.send(callback_update(user, "yes"))
    summary, confirm = harness.telegram.texts()[-2:]
    assert "Ali Raza" in summary and "+923001234567" in summary and "Bachelor's degree" in summary
    assert confirm == expected(catalogs, "en", "utter_confirm_profile")
    await harness.send(callback_update(user, "/affirm"))
    saved, advice, alerts = harness.telegram.texts()[-3:]
    assert "registration is saved" in saved and "Engineer/Specialist" in advice
    assert alerts == ALERTS_OFFER  # then the job-alerts consent, a question of its own

    repository = Repository(harness.settings.database_url)

    async def stored() -> bool:
        return await repository.user_data(str(user)) is not None

    await eventually(stored)  # the action server queued it; the adapter's worker stores it
    data = await repository.user_data(str(user))
    assert data is not None and data.lead is not None
    assert data.lead["phone"] == "+923001234567" and data.lead["education"] == "bachelor"
    await harness.send(message_update(user, "/mydata"))
    assert "+923001234567" in harness.telegram.texts()[-1]
    await harness.send(message_update(user, "/delete"))
    assert [b["callback_data"] for b in harness.telegram.keyboards()[-1]] == ["del:yes", "del:no"]
    await harness.send(callback_update(user, "del:yes"))
    assert "erased" in harness.telegram.texts()[-1]
    assert await repository.user_data(str(user)) is None
    await repository.dispose()


async def test_urdu_registration_is_stored_in_postgresql(
    make_harness: Any, rasa_url: str, catalogs: Catalogs, postgres_url: str
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0), env={"DATABASE_URL": postgres_url})
    user = 202
    await harness.send(callback_update(user, "lang:ur"))
    await harness.send(message_update(user, "mujhe japan jana hai, apply kaise karun"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_ask_consent")
    await harness.send(message_update(user, "جی ہاں"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_ask_full_name")
    for answer in ("علی رضا", "0300-1234567", "لاہور", "۲۴"):
        await harness.send(message_update(user, answer))
    for choice in ("matric", "construction", "jlpt_n4"):
        await harness.send(callback_update(user, choice))
    await harness.send(message_update(user, "3"))
    await harness.send(callback_update(user, "no"))
    await harness.send(message_update(user, "جی ہاں"))
    saved = [r.text for r in Renderer(catalogs).saved("ur", "ssw_ready", False)]
    assert harness.telegram.texts()[-3:] == [*saved, Renderer(catalogs).translator("ur")(ALERTS_OFFER)]
    repository = Repository(postgres_url)

    async def stored() -> bool:
        return await repository.user_data(str(user)) is not None

    await eventually(stored)
    data = await repository.user_data(str(user))
    assert data is not None and data.lead is not None
    assert data.lead["full_name"] == "علی رضا" and data.lead["field"] == "construction"
    assert data.lead["has_passport"] is False and data.language == "ur"
    await repository.dispose()


async def test_declining_consent_stores_nothing(make_harness: Any, rasa_url: str, catalogs: Catalogs) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    await harness.send(message_update(203, "/apply"))
    await harness.send(callback_update(203, "/deny"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_consent_declined")
    await harness.send(message_update(203, "What is SSW?"))
    repository = Repository(harness.settings.database_url)
    assert await repository.user_data("203") is None
    await repository.dispose()


async def test_cancel_leaves_the_form(make_harness: Any, rasa_url: str, catalogs: Catalogs) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    await harness.send(message_update(204, "/apply"))
    await harness.send(callback_update(204, "/affirm"))
    await harness.send(message_update(204, "Sara Khan"))
    await harness.send(message_update(204, "/cancel"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_lead_cancelled")
    await harness.send(message_update(204, "/cancel"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_nothing_to_cancel")


async def test_registration_continues_after_the_adapter_restarts(
    make_harness: Any, rasa_url: str, catalogs: Catalogs
) -> None:
    first = await make_harness(DialogueClient(rasa_url, 30.0))
    await first.send(message_update(205, "/apply"))
    await first.send(callback_update(205, "/affirm"))
    await first.send(message_update(205, "Bilal Ahmed"))
    second = await make_harness(DialogueClient(rasa_url, 30.0))  # a new process, same user
    await second.send(message_update(205, "0321 7654321"))
    assert second.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_city")
