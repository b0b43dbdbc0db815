"""Staff over Telegram: lead announcements, talking to a person (handoff) and job openings in the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot.models import JobOpening
from bot.repository import Repository
from tests.conftest import fake_rasa
from tests.fake_telegram import BOT_ID, callback_update, message_update

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


def scripted_rasa(seen: list[str]) -> Any:
    """Rasa faked at its HTTP edge: a few messages trigger the custom payloads the real domain sends."""

    def reply(body: dict[str, Any]) -> httpx.Response:
        seen.append(body["message"])
        text = body["message"]
        if "person" in text:
            return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": {"kind": "handoff"}}])
        if "jobs" in text:
            return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": {"kind": "job_openings"}}])
        if text == "yes save it":
            return httpx.Response(
                200,
                json=[
                    {
                        "recipient_id": body["sender"],
                        "custom": {
                            "kind": "lead_complete",
                            "profile": PROFILE,
                            "consent_at": "2026-11-22T10:00:00+00:00",
                            "consent_version": "2026-11-v1",
                        },
                    }
                ],
            )
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": f"answer to {text}"}])

    return fake_rasa(reply)


def case_message(chat: int, text: str, reply_to_text: str) -> dict[str, Any]:
    return message_update(
        900,
        text,
        chat_type="supergroup",
        chat_id=chat,
        extra={
            "reply_to_message": {
                "message_id": 77,
                "date": 0,
                "chat": {"id": chat, "type": "supergroup"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Japan Work"},
                "text": reply_to_text,
            }
        },
    )


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

    await harness.send(case_message(STAFF_GROUP, "Hi Ali, we will call you tomorrow.", to_staff[0]["text"]))
    delivered = harness.telegram.sent()[-1]
    assert int(delivered["chat_id"]) == 301 and delivered["text"] == "Staff: Hi Ali, we will call you tomorrow."

    await harness.send(case_message(STAFF_GROUP, "/close", to_staff[0]["text"]))
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
    assert await repository.active_handoff("303", timedelta(hours=24)) == 1
    assert await repository.active_handoff("303", timedelta(seconds=-1)) is None  # expired: closed
    await repository.dispose()
    await harness.send(message_update(303, "what is ssw"))
    assert seen[-1] == "what is ssw"


async def test_new_leads_are_announced_without_phone_in_a_group(make_harness: Any) -> None:
    group = await make_harness(scripted_rasa([]), env={"STAFF_CHAT_ID": str(STAFF_GROUP)})
    await group.send(message_update(304, "yes save it"))
    [announcement] = [p for p in group.telegram.sent() if int(p["chat_id"]) == STAFF_GROUP]
    assert "New lead #1: Ali Raza" in announcement["text"] and "+923001234567" not in announcement["text"]
    private = await make_harness(scripted_rasa([]), env={"STAFF_CHAT_ID": "4711"})
    await private.send(message_update(305, "yes save it"))
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
