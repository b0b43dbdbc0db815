"""Staff over Telegram: lead announcements, talking to a person (handoff) and job openings in the bot."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bot.dialogue import DialogueClient
from bot.handoff import HandoffService, NoDesk
from bot.models import Handoff, JobOpening
from bot.repository import Repository
from contract.queue import STORE_LEAD, open_queue
from tests.conftest import eventually
from tests.fake_telegram import BOT_ID, FakeTelegram, callback_update, message_update
from tests.rasa_server import session_queue_url

STAFF_GROUP = -500
PROFILE = {
    "full_name": "Ali Raza",
    "phone": "+923001234567",
    "city": "Lahore",
    "age": 24,
    "education": "bachelor",
    "field": "it",
    "japanese_level": "n5",
    "experience_years": 2,
    "has_passport": True,
}


def scripted_rasa(seen: list[str], queue_url: str | None = None) -> Any:
    """Rasa faked at its HTTP edge: a few messages trigger the custom payloads the real domain sends, and the
    tracker endpoint lists the user messages received (as Rasa's HTTP API does)."""

    def reply(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/tracker"):
            return httpx.Response(200, json={"events": [{"event": "user", "text": text} for text in seen]})
        body = json.loads(request.content)
        seen.append(body["message"])
        text = body["message"]
        if "person" in text:
            return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": {"kind": "handoff"}}])
        if "jobs" in text:
            return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": {"kind": "job_openings"}}])
        if text == "yes save it":
            custom = {
                "kind": "lead_complete",
                "profile": PROFILE,
                "consent_at": "2026-11-22T10:00:00+00:00",
                "consent_version": "2026-11-v1",
            }
            # What the real action server does before it answers: queue the lead (actions/lead_form.py).
            queue = open_queue(queue_url or session_queue_url())
            queue.enqueue(STORE_LEAD, body["sender"], custom["consent_at"], "en", custom)
            return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": custom}])
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": f"answer to {text}"}])

    return DialogueClient("http://rasa.test", 5.0, transport=httpx.MockTransport(reply))


def case_message(
    chat: int, text: str, reply_to_text: str, reply_to_id: int, author: int = BOT_ID, staff: int = 900
) -> dict[str, Any]:
    return message_update(
        staff,
        text,
        chat_type="supergroup",
        chat_id=chat,
        extra={
            "reply_to_message": {
                "message_id": reply_to_id,
                "date": 0,
                "chat": {"id": chat, "type": "supergroup"},
                "from": {"id": author, "is_bot": author == BOT_ID, "first_name": "Japan Work"},
                "text": reply_to_text,
            }
        },
    )


def case_message_id(harness: Any) -> int:
    """The id of the first message the bot posted to the staff group (the case message)."""
    return int(next(mid for chat, mid in harness.telegram.message_ids if chat == STAFF_GROUP))


async def test_handoff_round_trip(make_harness: Any) -> None:
    seen: list[str] = []
    harness = await make_harness(scripted_rasa(seen), env={"STAFF_CHAT_ID": str(STAFF_GROUP)})
    await harness.send(message_update(301, "what is ssw"))
    await harness.send(message_update(301, "I want to talk to a person"))
    to_staff = [p for p in harness.telegram.sent() if int(p["chat_id"]) == STAFF_GROUP]
    assert len(to_staff) == 1 and "[case #1]" in to_staff[0]["text"] and "> what is ssw" in to_staff[0]["text"]
    assert "passed your conversation to our staff" in harness.telegram.texts()[-1]

    await harness.send(message_update(301, "hello, anyone there?"))
    assert seen == ["what is ssw", "I want to talk to a person"], "the bot stays quiet during a handoff"
    assert "hello, anyone there?" in harness.telegram.sent()[-1]["text"]
    assert int(harness.telegram.sent()[-1]["chat_id"]) == STAFF_GROUP

    case_id = case_message_id(harness)
    await harness.send(case_message(STAFF_GROUP, "Hi Ali, we will call you tomorrow.", to_staff[0]["text"], case_id))
    delivered = harness.telegram.sent()[-1]
    assert int(delivered["chat_id"]) == 301 and delivered["text"] == "Staff: Hi Ali, we will call you tomorrow."

    await harness.send(case_message(STAFF_GROUP, "/close", to_staff[0]["text"], case_id))
    to_user = [p for p in harness.telegram.sent() if int(p["chat_id"]) == 301]
    assert "talking to the assistant again" in to_user[-1]["text"]
    assert "closed" in harness.telegram.sent()[-1]["text"]

    await harness.send(message_update(301, "what is titp"))
    assert seen[-1] == "what is titp", "after /close the assistant answers again"


async def test_handoff_without_a_staff_chat_points_to_official_help(make_harness: Any) -> None:
    harness = await make_harness(scripted_rasa([]))
    await harness.send(message_update(302, "let me talk to a person"))
    assert "oec.gov.pk" in harness.telegram.texts()[-1]


async def test_handoff_times_out(make_harness: Any) -> None:
    seen: list[str] = []
    harness = await make_harness(scripted_rasa(seen), env={"STAFF_CHAT_ID": str(STAFF_GROUP)})
    await harness.send(message_update(303, "a person please"))
    repository = Repository(harness.settings.database_url)
    desk = NoDesk()
    case = await HandoffService(repository, desk, timedelta(hours=24)).active("303")
    assert case is not None and case.id == 1
    assert await HandoffService(repository, desk, timedelta(seconds=-1)).active("303") is None  # expired: closed
    await repository.dispose()
    await harness.send(message_update(303, "what is ssw"))
    assert seen[-1] == "what is ssw"


async def test_new_leads_are_announced_without_phone_in_a_group(make_harness: Any, tmp_path: Path) -> None:
    group = await make_harness(scripted_rasa([]), env={"STAFF_CHAT_ID": str(STAFF_GROUP)})
    await group.send(message_update(304, "yes save it"))
    assert "registration is saved" in group.telegram.texts()[-3], "the user hears it before staff do"
    assert "One more question" in group.telegram.texts()[-1]  # the job-alerts question

    async def announced(harness: Any, chat: int) -> bool:
        return any(int(p["chat_id"]) == chat for p in harness.telegram.sent())

    await eventually(lambda: announced(group, STAFF_GROUP))
    [announcement] = [p for p in group.telegram.sent() if int(p["chat_id"]) == STAFF_GROUP]
    assert "New lead #1: Ali Raza" in announcement["text"] and "+923001234567" not in announcement["text"]
    own_queue = f"sqlite:///{tmp_path / 'private-queue.db'}"  # both harnesses run: each its own queue
    private = await make_harness(scripted_rasa([], own_queue), env={"STAFF_CHAT_ID": "4711", "QUEUE_URL": own_queue})
    await private.send(message_update(305, "yes save it"))
    await eventually(lambda: announced(private, 4711))
    [announcement] = [p for p in private.telegram.sent() if int(p["chat_id"]) == 4711]
    assert "+923001234567" in announcement["text"]


async def test_job_openings_are_listed_matching_ones_first(make_harness: Any) -> None:
    harness = await make_harness(scripted_rasa([]))
    repository = Repository(harness.settings.database_url)
    async with repository.session() as session:
        session.add_all(
            [
                JobOpening(
                    title="Caregiver",
                    employer="Sakura Care",
                    field="nursing_care",
                    japanese_level="n4",
                    location="Osaka",
                    salary_min_yen=200000,
                    salary_max_yen=230000,
                    deadline=datetime(2027, 1, 31, tzinfo=UTC),
                    how_to_apply="Through OEC",
                ),
                JobOpening(
                    title="Web developer",
                    employer="Tokyo Soft",
                    field="it",
                    japanese_level="n5",
                    location="Tokyo",
                    how_to_apply="Send CV to OEC",
                ),
                JobOpening(
                    title="Closed job", employer="X", field="it", japanese_level="n5", location="Nagoya", is_open=False
                ),
            ]
        )
    await harness.send(message_update(306, "yes save it"))  # registers an IT lead

    async def stored() -> bool:
        return await repository.lead_of("306") is not None

    await eventually(stored)
    await harness.send(message_update(306, "any jobs now?"))
    listing = harness.telegram.texts()[-1]
    assert listing.index("Web developer") < listing.index("Caregiver"), "the user's field comes first"
    assert "Closed job" not in listing
    # Money and dates are formatted by Babel for the reader's locale (en_PK here).
    assert "JP¥200,000 to JP¥230,000 a month" in listing and "31-Jan-2027" in listing
    await harness.send(callback_update(307, "lang:ur"))
    await harness.send(message_update(307, "jobs please"))
    urdu = harness.telegram.texts()[-1]
    assert "Caregiver" in urdu and any("\u0600" <= ch <= "\u06ff" for ch in urdu.replace("Caregiver", ""))
    await repository.dispose()


async def test_only_replies_to_the_bots_own_case_message_reach_the_user(make_harness: Any) -> None:
    harness = await make_harness(scripted_rasa([]), env={"STAFF_CHAT_ID": str(STAFF_GROUP)})
    await harness.send(message_update(310, "I need a person"))
    case_id = case_message_id(harness)
    before = len(harness.telegram.sent())
    # A member's own message that imitates the case text, and a reply to some other bot message: not delivered.
    await harness.send(case_message(STAFF_GROUP, "pay 50,000 to me", "[case #1] A user", 999, author=12345))
    await harness.send(case_message(STAFF_GROUP, "pay 50,000 to me", "[case #1] A user", case_id + 50))
    assert all(int(p["chat_id"]) != 310 for p in harness.telegram.sent()[before:])


async def test_with_an_allow_list_only_listed_staff_answer_or_close(make_harness: Any) -> None:
    listed = await make_harness(
        scripted_rasa([]), env={"STAFF_CHAT_ID": str(STAFF_GROUP), "STAFF_TELEGRAM_IDS": "4242"}
    )
    await listed.send(message_update(311, "I need a person"))
    listed_case = case_message_id(listed)
    before = len(listed.telegram.sent())
    await listed.send(case_message(STAFF_GROUP, "hello", "[case]", listed_case, staff=900))
    await listed.send(case_message(STAFF_GROUP, "/close", "[case]", listed_case, staff=900))
    assert len(listed.telegram.sent()) == before, "a member not on STAFF_TELEGRAM_IDS can neither answer nor close"
    await listed.send(case_message(STAFF_GROUP, "hello from staff", "[case]", listed_case, staff=4242))
    last = listed.telegram.sent()[-1]
    assert int(last["chat_id"]) == 311 and last["text"] == "Staff: hello from staff"


async def test_phone_numbers_are_masked_before_they_reach_the_staff_group(make_harness: Any) -> None:
    harness = await make_harness(scripted_rasa([]), env={"STAFF_CHAT_ID": str(STAFF_GROUP)})
    await harness.send(message_update(312, "my number is 0300 1234567, CNIC 35202-1234567-1"))
    await harness.send(message_update(312, "talk to a person"))
    await harness.send(message_update(312, "or call +92 321 7654321"))
    to_staff = " ".join(p["text"] for p in harness.telegram.sent() if int(p["chat_id"]) == STAFF_GROUP)
    for digits in ("1234567", "7654321", "35202"):
        assert digits not in to_staff
    assert to_staff.count("[number hidden]") >= 3


async def test_an_unreachable_staff_chat_tells_the_user_and_leaves_no_case_open(make_harness: Any) -> None:
    seen: list[str] = []
    telegram = FakeTelegram(refusing_chats={STAFF_GROUP: 403})
    harness = await make_harness(scripted_rasa(seen), env={"STAFF_CHAT_ID": str(STAFF_GROUP)}, telegram=telegram)
    await harness.send(message_update(313, "I want to talk to a person"))
    assert "oec.gov.pk" in harness.telegram.texts()[-1], "the user is told to use official help instead"
    await harness.send(message_update(313, "what is ssw"))
    assert seen[-1] == "what is ssw", "no case is left open: the assistant answers again"
    async with Repository(harness.settings.database_url).session() as session:
        assert (await session.scalar(select(Handoff.closed_by))) == "undeliverable"
