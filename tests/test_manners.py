"""Telegram manners, as a person meets them: unknown commands, the command menu, captions, the phone keyboard,
double taps, a fast human against a flood, and /mydata in the reader's language."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bot.chat import publish_commands
from bot.leads import LeadJob, LeadService
from bot.repository import Repository
from bot.throttle import MemoryThrottle, Verdict
from tests.conftest import fake_rasa
from tests.fake_telegram import callback_update, message_update
from tests.test_leads import payload


def echo(seen: list[str], reply: list[dict[str, Any]] | None = None) -> Any:
    def handle(body: dict[str, Any]) -> httpx.Response:
        seen.append(body["message"])
        return httpx.Response(200, json=reply if reply is not None else [{"text": f"answer to {body['message']}"}])

    return fake_rasa(handle)


async def test_unknown_commands_get_the_command_list_in_the_users_language(make_harness: Any) -> None:
    seen: list[str] = []
    harness = await make_harness(echo(seen))
    for command in ("/jobs", "/menu", "/stop", "/hepl", "/start@OtherBot extra"):
        await harness.send(message_update(51, command))
    texts = harness.telegram.texts()
    assert len(texts) == 5 and all("/apply" in text and "/help" in text for text in texts[:4])
    assert seen == [], "an unknown command is not a question for the dialogue engine"
    await harness.send(callback_update(52, "lang:ur"))
    await harness.send(message_update(52, "/jobs"))
    assert "کمانڈ" in harness.telegram.texts()[-1]


async def test_the_command_menu_is_published_per_language(make_harness: Any) -> None:
    harness = await make_harness(echo([]))
    await publish_commands(harness.application)
    calls = harness.telegram.sent("setMyCommands")
    codes = [call.get("language_code") for call in calls]
    assert None in codes and "ur" in codes
    default = next(json.loads(c["commands"]) if isinstance(c["commands"], str) else c["commands"] for c in calls)
    assert {c["command"] for c in default} >= {"help", "apply", "language", "mydata", "delete", "cancel"}


async def test_a_photo_with_a_question_in_its_caption_is_answered(make_harness: Any) -> None:
    seen: list[str] = []
    harness = await make_harness(echo(seen))
    photo = [{"file_id": "abc", "file_unique_id": "u", "width": 10, "height": 10}]
    await harness.send(message_update(53, None, extra={"photo": photo, "caption": "is this visa real?"}))
    assert seen == ["is this visa real?"]
    await harness.send(message_update(53, None, extra={"photo": photo}))
    assert "only read text" in harness.telegram.texts()[-1]


async def test_the_phone_keyboard_is_removed_after_the_phone_answer(make_harness: Any) -> None:
    asking = [{"text": "Your phone number?"}, {"custom": {"kind": "request_contact"}}]
    replies = iter([asking, [{"text": "Which city?"}], [{"text": "How old are you?"}]])
    harness = await make_harness(fake_rasa(lambda body: httpx.Response(200, json=next(replies))))
    await harness.send(message_update(54, "Ali Raza"))
    markup = harness.telegram.sent()[-1]["reply_markup"]
    assert "request_contact" in str(markup)
    await harness.send(message_update(54, "03001234567"))  # typed instead of tapping the button
    removed = harness.telegram.sent()[-1]["reply_markup"]
    assert "remove_keyboard" in str(removed)
    await harness.send(message_update(54, "Lahore"))
    assert "reply_markup" not in harness.telegram.sent()[-1] or "remove_keyboard" not in str(
        harness.telegram.sent()[-1].get("reply_markup")
    ), "removed once, not on every reply"


async def test_a_double_tap_is_one_answer_but_a_later_tap_counts(make_harness: Any) -> None:
    seen: list[str] = []
    harness = await make_harness(echo(seen))
    await harness.send(callback_update(55, "/affirm", message_id=500))
    await harness.send(callback_update(55, "/affirm", message_id=500))  # the same tap, twice
    assert seen == ["/affirm"]
    await harness.send(callback_update(55, "/affirm", message_id=501))  # a new message's button
    assert seen == ["/affirm", "/affirm"]


async def test_a_fast_human_is_never_throttled_but_a_flood_is_told_once() -> None:
    now = [0.0]
    throttle = MemoryThrottle(burst=12, rate=1.0, clock=lambda: now[0])
    verdicts = []
    for _ in range(40):  # one tap a second through a long form, and then some
        now[0] += 1.0
        verdicts.append(await throttle.check("human"))
    quick = []
    for _ in range(20):  # someone tapping through the form's buttons twice a second
        now[0] += 0.5
        quick.append(await throttle.check("quick"))
    assert set(verdicts) == {Verdict.ALLOW} and set(quick) == {Verdict.ALLOW}
    flood = [await throttle.check("bot") for _ in range(30)]  # 30 messages at once
    assert flood.count(Verdict.ALLOW) == 12 and flood.count(Verdict.WARN) == 1
    assert set(flood[13:]) == {Verdict.SILENT}
    for index in range(20_000):
        await throttle.check(f"sender-{index}")
    assert len(throttle) <= 10_000, "memory stays bounded"


async def test_mydata_is_fully_localized(make_harness: Any) -> None:
    harness = await make_harness(echo([]))
    repository = Repository(harness.settings.database_url)
    try:
        await LeadService(repository).store(LeadJob("56", "run", "ur", payload()))
        await repository.record_topic("56", "it_jobs")
        await repository.record_topic("56", "ssw")
    finally:
        await repository.dispose()
    await harness.send(callback_update(56, "lang:ur"))
    await harness.send(message_update(56, "/mydata"))
    text = harness.telegram.texts()[-1]
    for raw in ("Status:", "new", "it_jobs", "ssw,", "Topics"):
        assert raw not in text, f"raw {raw!r} in the Urdu /mydata"
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)
