"""Faults at the edges: Telegram answering 429, 5xx or timing out; hostile and arbitrary input."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Harness, build_harness, fake_rasa, stop_harness
from tests.fake_telegram import FakeTelegram, callback_update, message_update


def echo(body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200,
        json=[{"recipient_id": body["sender"], "text": "ok", "buttons": [{"title": "More", "payload": "/faq/ssw"}]}],
    )


@pytest.mark.parametrize("failures", [[429], [502], ["timeout"], [502, "timeout", 500]])
async def test_telegram_errors_are_retried_and_the_answer_arrives(make_harness: Any, failures: list[Any]) -> None:
    telegram = FakeTelegram(send_failures=list(failures))
    harness = await make_harness(fake_rasa(echo), telegram=telegram)
    await harness.send(message_update(401, "What is SSW?"))
    assert harness.telegram.texts() == ["ok"], "the reply is delivered once Telegram recovers"
    assert len([c for c, _ in harness.telegram.calls if c == "sendMessage:failed"]) == len(failures)


class ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def property_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[asyncio.AbstractEventLoop, Harness]]:
    loop = asyncio.new_event_loop()
    path: Path = tmp_path_factory.mktemp("property")
    harness = loop.run_until_complete(build_harness(path, fake_rasa(echo)))
    yield loop, harness
    loop.run_until_complete(stop_harness(harness))
    loop.close()


hostile_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=50).map(lambda t: t * 200),  # up to 10,000
    st.sampled_from(["\u200b\u200c\u200d", "\x00\x07\x1b[31m", "/restart", "/faq/ssw", "‮RTL override", "😀" * 500]),
)
updates = st.one_of(
    st.builds(lambda uid, text: message_update(uid, text), st.integers(1, 2**40), hostile_text),
    st.builds(lambda uid, data: callback_update(uid, data), st.integers(1, 2**40), st.text(max_size=64)),
    st.builds(
        lambda uid, text: message_update(uid, text, chat_type="supergroup", chat_id=-uid),
        st.integers(1, 2**40),
        hostile_text,
    ),
    st.builds(
        lambda uid: message_update(
            uid,
            None,
            extra={
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                }
            },
        ),
        st.integers(1, 2**40),
    ),
    st.builds(
        lambda uid, phone: message_update(uid, None, extra={"contact": {"phone_number": phone, "first_name": "x"}}),
        st.integers(1, 2**40),
        st.text(max_size=30),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(update=updates)
def test_arbitrary_updates_never_crash_the_adapter(
    property_harness: tuple[asyncio.AbstractEventLoop, Harness], update: dict[str, Any]
) -> None:
    loop, harness = property_harness
    counter = ErrorCounter()
    logging.getLogger("bot").addHandler(counter)
    try:
        loop.run_until_complete(harness.send(update))
    finally:
        logging.getLogger("bot").removeHandler(counter)
    assert counter.records == [], [r.getMessage() for r in counter.records]
    for _, params in harness.telegram.calls[-5:]:
        assert len(str(params.get("text", ""))) <= 4096
