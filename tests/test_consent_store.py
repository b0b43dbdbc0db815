"""Rasa's tracker store under the consent promise, against the real Rasa server writing to SQLite and PostgreSQL:
a cancelled or declined registration leaves its answers in no table, and /delete leaves no row of the user."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy import create_engine, inspect, text

from bot.deploy import tracker_store
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from tests.conftest import Harness, eventually
from tests.fake_telegram import callback_update, message_update
from tests.rasa_server import ROOT, rasa_server
from tests.test_integration import expected

TYPED_PHONE, STORED_PHONE, NAME = "0300 7654321", "+923007654321", "Zainab Qureshi"


def sync_url(url: str) -> str:
    return url.replace("postgresql:", "postgresql+psycopg:", 1)


def occurrences(url: str, *needles: str) -> int:
    """How many rows of any table of the store contain one of `needles`, in any column."""
    engine = create_engine(sync_url(url))
    found = 0
    try:
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    found += any(needle in str(value) for value in row for needle in needles)
    finally:
        engine.dispose()
    return found


def rows_of(url: str, sender: str) -> int:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender})
            return int(count.one()[0])
    finally:
        engine.dispose()


async def answer_up_to_the_phone(harness: Harness, user: int) -> None:
    await harness.send(message_update(user, "/apply"))
    await harness.send(callback_update(user, "/affirm"))
    await harness.send(message_update(user, NAME))
    await harness.send(message_update(user, TYPED_PHONE))


async def scrubbed(url: str) -> None:
    async def gone() -> bool:
        return occurrences(url, "7654321", NAME, "Zainab") == 0

    await eventually(gone)


async def test_cancelled_registration_leaves_no_answer_in_the_sqlite_store(
    make_harness: Any, rasa_url: str, catalogs: Catalogs
) -> None:
    tracker = ROOT / "data" / f"rasa-test-{urlsplit(rasa_url).port}" / "tracker.db"
    url = f"sqlite:///{tracker}"
    harness = await make_harness(DialogueClient(rasa_url, 30.0), env={"TRACKER_STORE_URL": url})
    user = 701
    await answer_up_to_the_phone(harness, user)
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_city")
    assert occurrences(url, "7654321") > 0, "Rasa stores the answer while the form runs"
    await harness.send(message_update(user, "/cancel"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_lead_cancelled")
    await scrubbed(url)
    await harness.send(message_update(user, "What is SSW?"))  # the conversation goes on from the scrubbed store
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_faq/ssw")
    await harness.send(message_update(user, "/apply"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_consent"), "and may start again"


async def test_declined_summary_leaves_no_answer_and_delete_leaves_no_row_in_postgresql(
    make_harness: Any, catalogs: Catalogs, postgres_url: str
) -> None:
    stores = yaml.safe_dump({"tracker_store": tracker_store(postgres_url)})
    with rasa_server(stores=stores) as rasa:
        harness = await make_harness(DialogueClient(rasa, 30.0), env={"TRACKER_STORE_URL": postgres_url})
        user = 702
        await answer_up_to_the_phone(harness, user)
        for answer in ("Karachi", "24"):
            await harness.send(message_update(user, answer))
        for choice in ("matric", "construction", "n4"):
            await harness.send(callback_update(user, choice))
        await harness.send(message_update(user, "3"))
        await harness.send(callback_update(user, "no"))
        assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_confirm_profile")
        assert occurrences(postgres_url, STORED_PHONE) > 0, "the summary's answers are in Rasa's store"
        await harness.send(callback_update(user, "/deny"))  # not right: the form asks again
        await harness.send(message_update(user, "/cancel"))  # ... and the user gives up
        assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_lead_cancelled")
        await scrubbed(postgres_url)
        assert rows_of(postgres_url, str(user)) > 0, "the conversation itself is kept (it holds no answer)"

        await harness.send(message_update(user, "/delete"))
        await harness.send(callback_update(user, "del:yes"))
        assert "erased" in harness.telegram.texts()[-1]
        assert rows_of(postgres_url, str(user)) == 0


async def test_cancel_at_the_summary_leaves_no_answer(make_harness: Any, rasa_url: str, catalogs: Catalogs) -> None:
    tracker = ROOT / "data" / f"rasa-test-{urlsplit(rasa_url).port}" / "tracker.db"
    url = f"sqlite:///{tracker}"
    harness = await make_harness(DialogueClient(rasa_url, 30.0), env={"TRACKER_STORE_URL": url})
    user = 703
    await answer_up_to_the_phone(harness, user)
    for answer in ("Quetta", "22"):
        await harness.send(message_update(user, answer))
    for choice in ("intermediate", "agriculture", "none"):
        await harness.send(callback_update(user, choice))
    await harness.send(message_update(user, "1"))
    await harness.send(callback_update(user, "yes"))
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_confirm_profile")
    await harness.send(message_update(user, "/cancel"))  # the form is complete: nothing is pending any more
    assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_nothing_to_cancel")
    await scrubbed(url)
