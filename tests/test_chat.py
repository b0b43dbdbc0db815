"""The Telegram adapter: a real Application over a fake Bot API, with Rasa faked at its HTTP edge."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import yaml

from bot.config import PROJECT_ROOT
from bot.replies import TELEGRAM_TEXT_LIMIT
from tests.conftest import fake_rasa, stop_harness
from tests.fake_telegram import BOT_ID, BOT_USERNAME, callback_update, message_update

# A real source string of the catalogs, so that translation is exercised.
SSW_EN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["responses"]["utter_thanks"][0]["text"]
SSW_REPLY = [
    {
        "recipient_id": "1",
        "text": SSW_EN,
        "buttons": [
            {"title": "SSW job fields", "payload": "/faq/ssw_fields"},
            {"title": "I'm interested", "payload": "/register_interest"},
        ],
    }
]


def echo_rasa(seen: list[dict[str, Any]], reply: list[dict[str, Any]]) -> Any:
    def handle(body: dict[str, Any]) -> httpx.Response:
        seen.append(body)
        return httpx.Response(200, json=reply)

    return fake_rasa(handle)


async def test_start_welcomes_and_offers_languages(make_harness: Any) -> None:
    harness = await make_harness(echo_rasa([], []))
    await harness.send(message_update(1, "/start"))
    [keyboard] = harness.telegram.keyboards()
    assert [b["callback_data"] for b in keyboard] == ["lang:en", "lang:ur", "lang:ur_Latn"]
    assert "Japan" in harness.telegram.texts()[0]


async def test_language_button_switches_reply_language(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    harness = await make_harness(echo_rasa(seen, SSW_REPLY))
    await harness.send(callback_update(2, "lang:ur"))
    assert harness.telegram.sent("answerCallbackQuery"), "the button press must be acknowledged"
    assert "اردو" in harness.telegram.texts()[-1]
    await harness.send(message_update(2, "what is ssw"))  # English text, but Urdu was chosen
    assert seen[-1]["metadata"] == {"language": "ur", "source": "telegram"}
    assert any("\u0600" <= ch <= "\u06ff" for ch in harness.telegram.texts()[-1])


async def test_text_goes_to_rasa_and_every_element_is_rendered(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    reply = [*SSW_REPLY, {"recipient_id": "3", "image": "https://example.org/map.png"}]
    harness = await make_harness(echo_rasa(seen, reply))
    await harness.send(message_update(3, "What is SSW?"))
    assert seen == [{"sender": "3", "message": "What is SSW?", "metadata": {"language": "en", "source": "telegram"}}]
    assert harness.telegram.sent("sendChatAction") == [], "an instant answer needs no typing indicator"
    assert harness.telegram.texts() == [SSW_EN]
    assert [b["callback_data"] for b in harness.telegram.keyboards()[0]] == ["/faq/ssw_fields", "/register_interest"]
    assert harness.telegram.sent("sendPhoto")[0]["photo"] == "https://example.org/map.png"


async def test_urdu_script_is_answered_in_urdu(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    harness = await make_harness(echo_rasa(seen, SSW_REPLY))
    await harness.send(message_update(4, "SSW کیا ہے؟"))
    assert seen[0]["metadata"] == {"language": "ur", "source": "telegram"}
    text = harness.telegram.texts()[0]
    assert text != SSW_EN and any("\u0600" <= ch <= "\u06ff" for ch in text)
    # Latin terms inside Urdu are wrapped in directional isolates so they are not scrambled.
    assert "\u2066SSW" in harness.telegram.keyboards()[0][0]["text"]


async def test_button_payload_goes_back_to_rasa_and_is_answered(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    harness = await make_harness(echo_rasa(seen, SSW_REPLY))
    await harness.send(callback_update(5, "/faq/ssw"))
    assert harness.telegram.sent("answerCallbackQuery")
    assert seen[0]["message"] == "/faq/ssw"


async def test_forged_button_data_is_refused_politely(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    harness = await make_harness(echo_rasa(seen, SSW_REPLY))
    for forged in ("/restart", '/faq/ssw{"x":1}', "lang:fr", "x" * 64, ""):
        await harness.send(callback_update(6, forged))
    assert seen == [], "forged payloads must never reach the dialogue engine"
    assert len(harness.telegram.sent("answerCallbackQuery")) == 5
    assert all("no longer valid" in text for text in harness.telegram.texts())


async def test_help_shows_the_topic_menu_from_rasa(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    menu = [
        {
            "recipient_id": "7",
            "text": "Pick a topic",
            "buttons": [{"title": f"Topic {i}", "payload": f"/faq/t{i}"} for i in range(5)],
        }
    ]
    harness = await make_harness(echo_rasa(seen, menu))
    await harness.send(message_update(7, "/help"))
    assert seen[0]["message"] == "/help"
    [keyboard] = harness.telegram.keyboards()
    assert len(keyboard) == 5


async def test_long_replies_are_split_on_paragraphs(make_harness: Any) -> None:
    paragraph = "Japan work information. " * 60
    long_text = "\n\n".join([paragraph.strip()] * 6)
    harness = await make_harness(echo_rasa([], [{"recipient_id": "8", "text": long_text}]))
    await harness.send(message_update(8, "tell me everything"))
    texts = harness.telegram.texts()
    assert len(texts) >= 2
    assert all(len(t) <= TELEGRAM_TEXT_LIMIT for t in texts)
    assert "".join(texts).replace("\n", "") == long_text.replace("\n", "")


async def test_media_gets_a_localized_explanation(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    harness = await make_harness(echo_rasa(seen, SSW_REPLY))
    sticker = {
        "sticker": {
            "file_id": "s",
            "file_unique_id": "s",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    }
    photo = {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]}
    voice = {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}
    location = {"location": {"latitude": 31.5, "longitude": 74.3}}
    for extra in (sticker, photo, voice, location):
        await harness.send(message_update(9, None, extra=extra))
    await harness.send(message_update(10, None, language_code="ur", extra=sticker))
    assert seen == []
    texts = harness.telegram.texts()
    assert texts[:4] == ["I can only read text messages. Please type your question."] * 4
    assert any("\u0600" <= ch <= "\u06ff" for ch in texts[4])


async def test_rasa_down_gives_a_localized_answer_and_the_bot_keeps_running(make_harness: Any) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    from bot.dialogue import DialogueClient

    dialogue = DialogueClient("http://rasa.test", 1.0, transport=httpx.MockTransport(down))
    harness = await make_harness(dialogue)
    await harness.send(message_update(11, "What is SSW?"))
    await harness.send(message_update(11, "ایس ایس ڈبلیو کیا ہے"))
    en, ur = harness.telegram.texts()
    assert "temporarily unavailable" in en
    assert any("\u0600" <= ch <= "\u06ff" for ch in ur)


async def test_rasa_error_status_is_handled_like_an_outage(make_harness: Any) -> None:
    harness = await make_harness(fake_rasa(lambda body: httpx.Response(500, text="boom")))
    await harness.send(message_update(12, "What is SSW?"))
    assert "temporarily unavailable" in harness.telegram.texts()[0]


async def test_very_long_and_empty_messages(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    harness = await make_harness(echo_rasa(seen, SSW_REPLY))
    await harness.send(message_update(13, "japan " * 1000))
    await harness.send(message_update(13, "\u200b\x00 "))
    assert seen == []
    too_long, empty = harness.telegram.texts()
    assert "6000" in too_long or "5999" in too_long
    assert "type your question" in empty


async def test_groups_answer_only_when_addressed(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    harness = await make_harness(echo_rasa(seen, SSW_REPLY))
    await harness.send(message_update(14, "what is ssw", chat_type="supergroup", chat_id=-100))
    assert seen == [] and harness.telegram.texts() == []
    await harness.send(message_update(14, f"@{BOT_USERNAME} what is ssw", chat_type="supergroup", chat_id=-100))
    assert seen[0]["message"] == "what is ssw" and seen[0]["sender"] == "-100"
    reply = message_update(
        14,
        "and the fields?",
        chat_type="supergroup",
        chat_id=-100,
        extra={
            "reply_to_message": {
                "message_id": 5,
                "date": 0,
                "chat": {"id": -100, "type": "supergroup"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Japan Work"},
                "text": "x",
            }
        },
    )
    await harness.send(reply)
    assert len(seen) == 2
    assert all(json.loads(params["reply_parameters"])["message_id"] for params in harness.telegram.sent())


async def test_one_users_messages_are_answered_in_order(make_harness: Any) -> None:
    order: list[str] = []

    async def slow_then_fast(request: httpx.Request) -> httpx.Response:
        text = json.loads(request.content)["message"]
        await asyncio.sleep(0.2 if text == "first" else 0.0)
        order.append(text)
        return httpx.Response(200, json=[{"recipient_id": "15", "text": f"answer to {text}"}])

    from bot.dialogue import DialogueClient

    harness = await make_harness(DialogueClient("http://rasa.test", 5.0, transport=httpx.MockTransport(slow_then_fast)))
    await asyncio.gather(harness.send(message_update(15, "first")), harness.send(message_update(15, "second")))
    assert order == ["first", "second"]
    assert harness.telegram.texts() == ["answer to first", "answer to second"]


async def test_custom_api_url_is_used(make_harness: Any) -> None:
    harness = await make_harness(echo_rasa([], []), env={"TELEGRAM_API_URL": "http://127.0.0.1:8081"})
    assert harness.application.bot.base_url.startswith("http://127.0.0.1:8081/bot")
    assert harness.application.bot.base_file_url.startswith("http://127.0.0.1:8081/file/bot")


async def test_typing_indicator_shows_while_rasa_is_slow(make_harness: Any) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.8)
        return httpx.Response(200, json=SSW_REPLY)

    from bot.dialogue import DialogueClient

    harness = await make_harness(DialogueClient("http://rasa.test", 5.0, transport=httpx.MockTransport(slow)))
    await harness.send(message_update(16, "What is SSW?"))
    assert [c[0] for c in harness.telegram.calls if c[0] != "getMe"] == ["sendChatAction", "sendMessage"]
    assert harness.telegram.sent("sendChatAction")[0]["action"] == "typing"


async def test_a_flooding_user_is_slowed_down_politely(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    harness = await make_harness(echo_rasa(seen, SSW_REPLY), env={"THROTTLE_BURST": "3", "THROTTLE_PER_MINUTE": "1"})
    for i in range(10):
        await harness.send(message_update(17, f"question {i}"))
    assert len(seen) == 3
    slow_down = [t for t in harness.telegram.texts() if "very fast" in t]
    assert len(slow_down) == 1, "the warning is sent once, not once per message"
    await harness.send(message_update(18, "another user is not affected"))
    assert seen[-1]["sender"] == "18"


async def test_an_empty_reply_from_rasa_is_treated_as_an_outage(make_harness: Any) -> None:
    harness = await make_harness(echo_rasa([], []))
    await harness.send(message_update(19, "What is SSW?"))
    assert "temporarily unavailable" in harness.telegram.texts()[-1]


async def test_topics_are_counted_anonymously_off_the_reply_path(make_harness: Any) -> None:
    from sqlalchemy import func, select

    from bot.models import TopicAsked
    from bot.repository import Repository

    reply = [*SSW_REPLY, {"recipient_id": "20", "custom": {"kind": "topic", "topic": "ssw"}}]
    harness = await make_harness(echo_rasa([], reply))
    await harness.send(message_update(20, "What is SSW?"))
    assert harness.telegram.texts() == [SSW_EN], "the topic marker itself is not shown"
    repository = Repository(harness.settings.database_url)
    rows: list[Any] = []
    for _ in range(50):
        async with repository.session() as session:
            rows = list(
                await session.execute(
                    select(TopicAsked.topic, TopicAsked.user_id, func.count()).group_by(
                        TopicAsked.topic, TopicAsked.user_id
                    )
                )
            )
        if rows:
            break
        await asyncio.sleep(0.02)
    await repository.dispose()
    assert [tuple(r) for r in rows] == [("ssw", None, 1)], "counted, and not linked to an unregistered user"


async def test_a_chosen_language_survives_an_adapter_restart(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []
    first = await make_harness(echo_rasa(seen, SSW_REPLY))
    await first.send(callback_update(41, "lang:ur"))
    await stop_harness(first)
    # A new process: new Application, new services, nothing in memory; the same database.
    restarted = await make_harness(echo_rasa(seen, SSW_REPLY))
    await restarted.send(message_update(41, "what is ssw"))  # English text; Urdu was chosen before the restart
    assert seen[-1]["metadata"] == {"language": "ur", "source": "telegram"}
    assert any("\u0600" <= ch <= "\u06ff" for ch in restarted.telegram.texts()[-1])


async def test_a_name_typed_at_a_form_question_does_not_flip_the_language(make_harness: Any) -> None:
    seen: list[dict[str, Any]] = []

    def reply(body: dict[str, Any]) -> httpx.Response:
        seen.append(body)
        asking = [{"text": "What is your full name?"}, {"custom": {"kind": "asking", "slot": "full_name"}}]
        return httpx.Response(200, json=asking if "apply" in body["message"] else [{"text": "ok"}])

    harness = await make_harness(fake_rasa(reply))
    await harness.send(message_update(42, "mujhe apply karna hai"))
    assert seen[-1]["metadata"]["language"] == "ur_Latn"
    await harness.send(message_update(42, "Ali Raza Khan"))  # a name, in Latin letters
    assert seen[-1]["metadata"]["language"] == "ur_Latn", "form answers are no evidence of a language"
    await harness.send(message_update(42, "What documents do I need for the visa?"))
    assert seen[-1]["metadata"]["language"] == "en", "a real sentence still shows the language"


async def test_money_and_agent_questions_always_get_the_safety_note_once(make_harness: Any) -> None:
    from bot.safety import SAFETY_NOTE

    def reply(body: dict[str, Any]) -> httpx.Response:
        topic = "fraud" if "fake" in body["message"] else "costs"
        return httpx.Response(200, json=[{"text": "An answer."}, {"custom": {"kind": "topic", "topic": topic}}])

    harness = await make_harness(fake_rasa(reply))
    await harness.send(message_update(43, "an agent in Lahore asks 3 lakh for a guaranteed Japan visa, ok?"))
    assert harness.telegram.texts()[-1] == SAFETY_NOTE, "added after an answer on another topic"
    await harness.send(message_update(43, "is this a fake agent? he asks 3 lakh for the visa"))
    assert harness.telegram.texts()[-1] == "An answer.", "the fraud answer itself needs no second note"
    await harness.send(message_update(43, "what is the weather like in Tokyo in winter?"))
    assert harness.telegram.texts()[-1] == "An answer."
