"""The registration form as people really use it: real adapter, real trained model, real action server.

Consent needs a clear yes; questions, greetings and commands inside the form are answered and the form asks
its question again; cancel words leave it; a user back after a pause is told where they were; a typed
Japanese answer that names a test without a pass is never stored as a pass. English, Urdu, Roman Urdu.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.repository import Repository
from tests.conftest import eventually
from tests.fake_telegram import callback_update, message_update
from tests.rasa_server import ROOT
from tests.test_integration import expected

CONSENT_BUTTONS = ["/give_consent", "/deny"]


async def start(harness: Any, user: int, language: str | None = None, apply: str = "/apply") -> None:
    """Choose the language (if given) and open the consent text."""
    if language:
        await harness.send(callback_update(user, f"lang:{language}"))
    await harness.send(message_update(user, apply))


def callbacks(harness: Any) -> list[str]:
    return [button["callback_data"] for button in harness.telegram.keyboards()[-1]]


async def test_consent_needs_a_clear_yes_and_a_double_tap_asks_once(
    make_harness: Any, rasa_url: str, catalogs: Catalogs
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    user = 301
    await start(harness, user)
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_consent")
    await harness.send(message_update(user, "abc"))  # nonsense is not a yes
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_consent")
    assert callbacks(harness) == CONSENT_BUTTONS
    await harness.send(message_update(user, "What is SSW?"))  # a question is answered, consent asked again
    answer, again = harness.telegram.texts()[-2:]
    assert again == expected(catalogs, "en", "utter_ask_consent") and answer != again
    await harness.send(callback_update(user, "/give_consent"))  # the button of the FIRST consent text
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_full_name")
    count = len(harness.telegram.texts())
    await harness.send(callback_update(user, "/give_consent"))  # a second tap
    assert len(harness.telegram.texts()) == count  # no second name prompt, no error
    await harness.send(message_update(user, "Ali Raza"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_phone")
    repository = Repository(harness.settings.database_url)
    assert await repository.user_data(str(user)) is None  # nothing stored before the summary is confirmed
    await repository.dispose()


@pytest.mark.parametrize(
    ("user", "language", "no"),
    [(3021, "en", "no thanks"), (3022, "ur", "نہیں شکریہ"), (3023, "ur_Latn", "nahi shukriya")],
)
async def test_a_no_at_consent_stores_nothing(
    make_harness: Any, rasa_url: str, catalogs: Catalogs, user: int, language: str, no: str
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    await start(harness, user, language)
    await harness.send(message_update(user, no))
    assert harness.telegram.texts()[-1] == expected(catalogs, language, "utter_consent_declined")
    await harness.send(callback_update(user, "/give_consent"))  # changed their mind: the button still works
    assert harness.telegram.texts()[-1] == expected(catalogs, language, "utter_ask_full_name")


async def test_urdu_question_at_consent_and_mid_form_then_cancel_word(
    make_harness: Any, rasa_url: str, catalogs: Catalogs
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    user = 303
    await start(harness, user, "ur", "میں رجسٹر ہونا چاہتا ہوں")
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_ask_consent")
    await harness.send(message_update(user, "جاپان جانے کے لیے کون سے کاغذات چاہییں؟"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_ask_consent")
    await harness.send(message_update(user, "جی ہاں"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_ask_full_name")
    await harness.send(message_update(user, "علی رضا"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_ask_phone")
    await harness.send(message_update(user, "جاپان میں تنخواہ کتنی ہے؟"))  # a question, not a phone number
    answer, again = harness.telegram.texts()[-2:]
    assert again == expected(catalogs, "ur", "utter_ask_phone")
    assert answer != expected(catalogs, "ur", "utter_invalid_phone")
    await harness.send(message_update(user, "رہنے دیں"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_lead_cancelled")


async def test_roman_urdu_question_mid_form_resumes_then_band_karo(
    make_harness: Any, rasa_url: str, catalogs: Catalogs
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    user = 304
    await start(harness, user, "ur_Latn", "mujhe apply karna hai")
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur_Latn", "utter_ask_consent")
    await harness.send(message_update(user, "haan ji"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur_Latn", "utter_ask_full_name")
    await harness.send(message_update(user, "Ali Raza"))
    await harness.send(message_update(user, "japan mein salary kitni hoti hai?"))
    answer, again = harness.telegram.texts()[-2:]
    assert again == expected(catalogs, "ur_Latn", "utter_ask_phone")
    assert answer != expected(catalogs, "ur_Latn", "utter_invalid_phone")
    await harness.send(message_update(user, "0300 1234567"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur_Latn", "utter_ask_city")
    await harness.send(message_update(user, "band karo"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur_Latn", "utter_lead_cancelled")


async def test_greetings_commands_and_stop_inside_the_form(
    make_harness: Any, rasa_url: str, catalogs: Catalogs
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    user = 305
    await start(harness, user)
    await harness.send(callback_update(user, "/give_consent"))
    await harness.send(message_update(user, "/help"))  # the command, never a name
    assert harness.telegram.texts()[-2:] == [
        expected(catalogs, "en", "utter_help"),
        expected(catalogs, "en", "utter_ask_full_name"),
    ]
    await harness.send(message_update(user, "Sara Khan"))
    await harness.send(message_update(user, "0321 7654321"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_city")
    for said, reply in (
        ("hello", "utter_greet"),
        ("thank you so much", "utter_thanks"),
        ("are you a bot?", "utter_bot_challenge"),
    ):
        await harness.send(message_update(user, said))
        assert harness.telegram.texts()[-2:] == [
            expected(catalogs, "en", reply),
            expected(catalogs, "en", "utter_ask_city"),
        ], said
    await harness.send(message_update(user, "/apply"))  # applying again: told where they are
    assert harness.telegram.texts()[-2:] == [
        expected(catalogs, "en", "utter_form_reminder"),
        expected(catalogs, "en", "utter_ask_city"),
    ]
    await harness.send(message_update(user, "Karachi"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_age")
    # Commands the adapter answers itself do what they do, then the pending question is asked again.
    await harness.send(message_update(user, "/mydata"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_age")
    assert "We do not hold any personal data" in harness.telegram.texts()[-2]
    await harness.send(message_update(user, "/language"))
    await harness.send(callback_update(user, "lang:ur"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_ask_age"), "asked again, in Urdu"
    await harness.send(message_update(user, "/delete"))
    await harness.send(callback_update(user, "del:no"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur", "utter_ask_age")
    await harness.send(message_update(user, "/jobs"))  # a command we do not have
    assert "/apply" in harness.telegram.texts()[-1]
    await harness.send(callback_update(user, "lang:en"))
    await harness.send(message_update(user, "stop"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_lead_cancelled")


def _shift_tracker(rasa_url: str, sender: str, seconds: float) -> None:
    """Move the conversation's stored history `seconds` into the past (the test server's SQL tracker store)."""
    port = rasa_url.rsplit(":", 1)[-1]
    with sqlite3.connect(ROOT / "data" / f"rasa-test-{port}" / "tracker.db") as db:
        db.execute(
            "UPDATE events SET timestamp = timestamp - ?, "
            "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - ?) WHERE sender_id = ?",
            (seconds, seconds, sender),
        )


@pytest.mark.parametrize(
    ("user", "language", "coming_back"),
    [(3061, "en", "I want to apply"), (3062, "ur", "السلام علیکم"), (3063, "ur_Latn", "salam bhai")],
)
async def test_back_after_a_pause_is_told_where_they_were(
    make_harness: Any, rasa_url: str, catalogs: Catalogs, user: int, language: str, coming_back: str
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    await start(harness, user, language)
    await harness.send(callback_update(user, "/give_consent"))
    await harness.send(message_update(user, "Bilal Ahmed"))
    assert harness.telegram.texts()[-1] == expected(catalogs, language, "utter_ask_phone")
    _shift_tracker(rasa_url, str(user), 3 * 60 * 60)  # three hours later
    await harness.send(message_update(user, coming_back))
    texts = harness.telegram.texts()
    assert texts[-2:] == [
        expected(catalogs, language, "utter_form_reminder"),
        expected(catalogs, language, "utter_ask_phone"),
    ]
    assert expected(catalogs, language, "utter_invalid_phone") not in texts[-3:]
    assert texts[-3] != texts[-2]  # said once, even when "I want to apply" asks for it too
    assert callbacks(harness) == ["/resume_form", "/restart_form"]  # the reminder's buttons
    await harness.send(callback_update(user, "/resume_form"))  # continue: the pending question again
    assert harness.telegram.texts()[-1] == expected(catalogs, language, "utter_ask_phone")
    await harness.send(callback_update(user, "/restart_form"))  # start over
    assert harness.telegram.texts()[-1] == expected(catalogs, language, "utter_ask_full_name")


async def _to_the_japanese_question(harness: Any, user: int, language: str | None) -> None:
    await start(harness, user, language)
    await harness.send(callback_update(user, "/give_consent"))
    for answer in ("Hamza Ali", "0300 1234567", "Multan", "24"):
        await harness.send(message_update(user, answer))
    await harness.send(callback_update(user, "matric"))
    await harness.send(callback_update(user, "construction"))


@pytest.mark.parametrize(
    ("language", "typed", "recorded", "noted"),
    [
        ("en", "JFT", "studying", "utter_japanese_studying_noted"),
        ("en", "failed jft", "studying", "utter_japanese_studying_noted"),
        ("en", "preparing N4", "studying", "utter_japanese_studying_noted"),
        ("en", "A2.1", "jft_below_a2_2", "utter_japanese_jft_below_a2_2_noted"),
        ("ur_Latn", "JFT ki tayari", "studying", "utter_japanese_studying_noted"),
        ("ur_Latn", "JLPT N4 ki tayari", "studying", "utter_japanese_studying_noted"),
        ("ur", "جے ایف ٹی کی تیاری کر رہا ہوں", "studying", "utter_japanese_studying_noted"),
        ("ur", "میں نے N4 پاس کیا ہے", "jlpt_n4", None),
        ("en", "jft_a2_2", "jft_a2_2", None),  # the button
    ],
)
async def test_typed_japanese_answers_are_stored_as_what_was_passed(
    make_harness: Any, rasa_url: str, catalogs: Catalogs, language: str, typed: str, recorded: str, noted: str | None
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    user = 3070 + sum(map(ord, language + typed)) % 1000 * 10
    await _to_the_japanese_question(harness, user, language)
    assert harness.telegram.texts()[-1] == expected(catalogs, language, "utter_ask_japanese_level")
    button = typed in ("jft_a2_2",)
    await harness.send(callback_update(user, typed) if button else message_update(user, typed))
    texts = harness.telegram.texts()
    assert texts[-1] == expected(catalogs, language, "utter_ask_experience_years")
    if noted:
        assert texts[-2] == expected(catalogs, language, noted)
    else:
        assert texts[-2] == expected(catalogs, language, "utter_ask_japanese_level")
    await harness.send(message_update(user, "2"))
    await harness.send(callback_update(user, "yes"))
    await harness.send(callback_update(user, "/affirm"))
    repository = Repository(harness.settings.database_url)

    async def stored() -> bool:  # the lead is stored by the queue's worker, beside the conversation
        return await repository.user_data(str(user)) is not None

    await eventually(stored)
    data = await repository.user_data(str(user))
    assert data is not None and data.lead is not None
    assert data.lead["japanese_level"] == recorded
    await repository.dispose()


async def test_a_second_registration_starts_empty_and_do_is_two_years(
    make_harness: Any, rasa_url: str, catalogs: Catalogs
) -> None:
    harness = await make_harness(DialogueClient(rasa_url, 30.0))
    user = 3990
    repository = Repository(harness.settings.database_url)

    async def finish(experience: str) -> None:
        await harness.send(callback_update(user, "jlpt_n4"))
        await harness.send(message_update(user, "jlpt n5 passed"))  # at the experience question: not 5 years
        assert harness.telegram.texts()[-1] == expected(catalogs, "ur_Latn", "utter_ask_experience_years")
        await harness.send(message_update(user, experience))
        assert harness.telegram.texts()[-1] == expected(catalogs, "ur_Latn", "utter_ask_has_passport")
        await harness.send(callback_update(user, "yes"))
        await harness.send(callback_update(user, "/affirm"))

    await _to_the_japanese_question(harness, user, "ur_Latn")
    await finish("do")  # "two" in Roman Urdu, not "stop"

    async def stored(years: int) -> bool:
        data = await repository.user_data(str(user))
        return data is not None and data.lead is not None and data.lead["experience_years"] == years

    await eventually(lambda: stored(2))
    # Registering again: the consent, then the first question, never the old answers.
    await harness.send(message_update(user, "/apply"))
    await harness.send(callback_update(user, "/give_consent"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "ur_Latn", "utter_ask_full_name")
    for answer in ("Usman Ali", "0301 1112233", "Sialkot", "25"):
        await harness.send(message_update(user, answer))
    await harness.send(callback_update(user, "matric"))
    await harness.send(callback_update(user, "construction"))
    await finish("teen saal")
    await eventually(lambda: stored(3))
    data = await repository.user_data(str(user))
    assert data is not None and data.lead is not None and data.lead["full_name"] == "Usman Ali"
    await repository.dispose()
