"""End to end: the real adapter and the real Rasa server with the trained model, over a fake Bot API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.replies import isolate_ltr_runs
from tests.conftest import Harness
from tests.fake_telegram import callback_update, message_update


def response_text(name: str) -> str:
    """The English source text of a response, from the domain or responses/faq."""
    if name.startswith("utter_faq/"):
        path = PROJECT_ROOT / "responses" / "faq" / f"{name.split('/', 1)[1]}.yml"
    else:
        path = PROJECT_ROOT / "domain.yml"
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"][name][0]["text"])


def expected(catalogs: Catalogs, language: str, name: str) -> str:
    text = catalogs.gettext(language, response_text(name))
    return isolate_ltr_runs(text) if language == "ur" else text


@pytest.fixture
async def harness(make_harness: Any, rasa_url: str) -> AsyncIterator[Harness]:
    dialogue = DialogueClient(rasa_url, 30.0)
    yield await make_harness(dialogue)


@pytest.mark.parametrize(
    ("user_id", "message", "language", "response"),
    [
        (101, "What is SSW?", "en", "utter_faq/ssw"),
        (102, "SSW کیا ہے؟", "ur", "utter_faq/ssw"),
        (103, "japan me IT job ke liye JLPT zaroori hai?", "ur_Latn", "utter_faq/language_requirement"),
        (104, "I have a BS CS degree, how can I get a software job in Japan?", "en", "utter_faq/it_jobs"),
        (105, "جاپان میں آئی ٹی کی نوکری کیسے ملے گی", "ur", "utter_faq/it_jobs"),
        (106, "السلام علیکم", "ur", "utter_greet"),
        (107, "cricket score batao", "ur_Latn", "utter_out_of_scope"),
        (108, "thanks a lot", "en", "utter_thanks"),
    ],
)
async def test_questions_are_answered_in_the_users_language(
    harness: Harness, catalogs: Catalogs, user_id: int, message: str, language: str, response: str
) -> None:
    await harness.send(message_update(user_id, message))
    assert harness.telegram.texts()[0] == expected(catalogs, language, response)


async def test_follow_up_button_routes_to_its_topic(harness: Harness, catalogs: Catalogs) -> None:
    await harness.send(message_update(120, "What Japanese level do I need?"))
    buttons = harness.telegram.keyboards()[0]
    target = next(b for b in buttons if b["callback_data"] == "/faq/language_tests")
    await harness.send(callback_update(120, target["callback_data"]))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_faq/language_tests")


async def test_help_lists_every_topic(harness: Harness) -> None:
    await harness.send(message_update(121, "/help"))
    payloads = {b["callback_data"] for b in harness.telegram.keyboards()[0]}
    assert len({p for p in payloads if p.startswith("/faq/")}) == 24


async def test_asking_to_switch_language_shows_the_language_menu(harness: Harness) -> None:
    await harness.send(message_update(122, "please talk to me in urdu"))
    [keyboard] = harness.telegram.keyboards()
    assert {b["callback_data"] for b in keyboard} == {"lang:en", "lang:ur", "lang:ur_Latn"}


async def test_model_parse_reports_topics_labels(rasa_url: str) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=rasa_url) as client:
        body = (await client.post("/model/parse", json={"text": "tokutei ginou kya hai"})).json()
    assert body["intent"]["name"] == "faq"
    assert body["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/ssw"
    json.dumps(body)  # the whole answer is plain JSON


async def test_asking_for_a_person_or_for_vacancies_through_the_real_model(
    harness: Harness, catalogs: Catalogs
) -> None:
    from bot import texts

    await harness.send(message_update(123, "can I talk to a real human please"))
    assert harness.telegram.texts()[-1] == catalogs.gettext("en", texts.HANDOFF_UNAVAILABLE)
    await harness.send(message_update(124, "koi job hai abhi available?"))
    assert harness.telegram.texts()[-1] == catalogs.gettext("ur_Latn", texts.NO_JOBS)
