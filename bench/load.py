"""Offered load at a fixed rate from distinct users, and the latency of each first answer.

Three paths: through the adapter fed by long polling (`adapter-poll`), through the adapter's webhook
(`adapter-webhook`, no poll round trip) and straight to Rasa's REST channel (`rasa-direct`). Every loop is
bounded in count and time; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace

import httpx

from bench.fake_bot_api import FakeBotAPI
from tests.evaluate import LANGUAGES, load_examples

ANSWER_TIMEOUT = 30.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class LoadResult:
    """Latency figures of one run at one offered load."""

    path: str
    offered_per_s: float
    repeat: int
    messages: int
    answered: int
    achieved_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank, in the values' unit."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summarise(path: str, rate: float, repeat: int, sent: int, latencies: list[float], elapsed: float) -> LoadResult:
    """Percentiles in ms of the answered messages, and the rate they were answered at."""
    ms = [x * 1000 for x in latencies]
    return LoadResult(
        path=path,
        offered_per_s=rate,
        repeat=repeat,
        messages=sent,
        answered=len(latencies),
        achieved_per_s=round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(percentile(ms, 50), 1),
        p95_ms=round(percentile(ms, 95), 1),
        p99_ms=round(percentile(ms, 99), 1),
    )


def questions() -> list[str]:
    """Realistic messages in all three languages (the held-out set's FAQ questions)."""
    return [text for language in LANGUAGES for text, label in load_examples(language) if label.startswith("faq/")]


async def _wait_for_answers(api: FakeBotAPI, pushed: dict[int, float]) -> None:
    deadline = time.perf_counter() + ANSWER_TIMEOUT
    # Bounded poll: answers arrive through the fake server, not through an event this loop owns.
    while time.perf_counter() < deadline and not all(chat in api.sent_at for chat in pushed):  # noqa: ASYNC110
        await asyncio.sleep(0.02)


def _adapter_result(
    path: str, api: FakeBotAPI, pushed: dict[int, float], rate: float, repeat: int, start: float
) -> LoadResult:
    latencies = [api.sent_at[c] - t for c, t in pushed.items() if c in api.sent_at]
    last = max((api.sent_at[c] for c in pushed if c in api.sent_at), default=start)
    return summarise(path, rate, repeat, len(pushed), latencies, last - start)


async def through_polling(api: FakeBotAPI, rate: float, duration: float, first_chat: int, repeat: int) -> LoadResult:
    """Updates handed to the adapter by the fake Bot API's long poll; latency until its sendMessage."""
    texts = questions()
    pushed: dict[int, float] = {}
    start = time.perf_counter()
    for i in range(int(rate * duration)):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        chat = first_chat + i
        pushed[chat] = time.perf_counter()
        api.push_text(chat, texts[i % len(texts)])
    await _wait_for_answers(api, pushed)
    return _adapter_result("adapter-poll", api, pushed, rate, repeat, start)


async def through_webhook(
    api: FakeBotAPI, webhook: str, secret: str, rate: float, duration: float, first_chat: int, repeat: int
) -> LoadResult:
    """Updates POSTed to the adapter's webhook as Telegram would; latency until its sendMessage."""
    texts = questions()
    pushed: dict[int, float] = {}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(timeout=ANSWER_TIMEOUT, limits=limits, headers={SECRET_HEADER: secret}) as client:

        async def post(chat: int, text: str) -> None:
            pushed[chat] = time.perf_counter()
            try:
                (await client.post(webhook, json=api.text_update(chat, text))).raise_for_status()
            except httpx.HTTPError:
                pushed.pop(chat, None)

        start = time.perf_counter()
        tasks = []
        for i in range(int(rate * duration)):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(post(first_chat + i, texts[i % len(texts)])))
        await asyncio.gather(*tasks)
    await _wait_for_answers(api, pushed)
    result = _adapter_result("adapter-webhook", api, pushed, rate, repeat, start)
    return replace(result, messages=len(tasks))  # refused POSTs count as sent and unanswered


async def straight_to_rasa(url: str, rate: float, duration: float, first_sender: int, repeat: int) -> LoadResult:
    """Messages POSTed to Rasa's REST channel; latency until its answer."""
    texts = questions()
    count = int(rate * duration)
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=url, timeout=ANSWER_TIMEOUT, limits=limits) as client:

        async def one(i: int) -> None:
            began = time.perf_counter()
            try:
                response = await client.post(
                    "/webhooks/rest/webhook", json={"sender": str(first_sender + i), "message": texts[i % len(texts)]}
                )
                response.raise_for_status()
            except httpx.HTTPError:
                return
            latencies.append(time.perf_counter() - began)

        start = time.perf_counter()
        tasks = []
        for i in range(count):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return summarise("rasa-direct", rate, repeat, count, latencies, elapsed)
