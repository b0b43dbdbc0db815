"""Network-edge fakes served on loopback for tests that run real processes: Telegram's Bot API and an echo Rasa.

Both run in one uvicorn server in a background thread. The Bot API records every sendMessage in arrival
order; the echo Rasa answers "answer to <text>" after a random delay, so that work handled out of order
shows up as replies out of order.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.rasa_server import free_port

BOT = {"id": 777, "is_bot": True, "first_name": "Test", "username": "TestBot", "can_join_groups": True}


@dataclass
class Loopback:
    """What the fakes saw."""

    url: str
    sent: list[tuple[int, str]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    rasa_seen: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def texts_to(self, chat_id: int) -> list[str]:
        """The texts sent to one chat, in the order they arrived."""
        with self.lock:
            return [text for chat, text in self.sent if chat == chat_id]


def _app(state: Loopback, max_delay: float) -> Starlette:
    async def bot_api(request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params: dict[str, Any] = {}
        if request.headers.get("content-type", "").startswith("application/json"):
            params = await request.json()
        elif request.method == "POST":
            params = dict(await request.form())
        with state.lock:
            state.calls.append(method)
        if method == "getMe":
            return JSONResponse({"ok": True, "result": BOT})
        if method == "getUpdates":
            await asyncio.sleep(min(float(params.get("timeout") or 0), 1.0))
            return JSONResponse({"ok": True, "result": []})
        if method in {"sendMessage", "sendPhoto"}:
            chat_id = int(params["chat_id"])
            with state.lock:
                state.sent.append((chat_id, str(params.get("text", ""))))
            message = {
                "message_id": len(state.sent),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
            }
            return JSONResponse({"ok": True, "result": {**message, "from": BOT, "text": str(params.get("text", ""))}})
        return JSONResponse({"ok": True, "result": True})

    async def rasa_webhook(request: Request) -> JSONResponse:
        body = await request.json()
        with state.lock:
            state.rasa_seen.append(str(body["message"]))
        await asyncio.sleep(random.uniform(0, max_delay))
        return JSONResponse([{"recipient_id": body["sender"], "text": f"answer to {body['message']}"}])

    async def rasa_status(_: Request) -> JSONResponse:
        return JSONResponse({"model_file": "echo.tar.gz"})

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", bot_api, methods=["GET", "POST"]),
            Route("/webhooks/rest/webhook", rasa_webhook, methods=["POST"]),
            Route("/status", rasa_status, methods=["GET"]),
        ]
    )


@contextmanager
def loopback_fakes(max_delay: float = 0.05) -> Iterator[Loopback]:
    """Serve the fakes on a free loopback port until the block ends."""
    port = free_port()
    state = Loopback(url=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(_app(state, max_delay), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the loopback fakes did not start")
        time.sleep(0.02)
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=10)
