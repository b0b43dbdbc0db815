"""A fake Telegram Bot API server on loopback: it feeds updates by long polling (or hands them out for a
webhook) and timestamps replies."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BOT = {
    "id": 777,
    "is_bot": True,
    "first_name": "Bench",
    "username": "BenchBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


class FakeBotAPI:
    """Queues updates for getUpdates and records when each chat got its first reply."""

    def __init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._new = asyncio.Event()
        self._next_id = 1
        self.sent_at: dict[int, float] = {}
        self.messages: defaultdict[int, int] = defaultdict(int)  # chat → messages it received
        self.send_times: list[float] = []  # perf_counter of every sendMessage, in order
        self.calls: defaultdict[str, int] = defaultdict(int)
        self.polled = asyncio.Event()
        self.webhook_set = asyncio.Event()
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"])])

    def push_text(self, chat_id: int, text: str) -> None:
        """Make a user's text message available to the bot's long poll."""
        self._updates.append(self.text_update(chat_id, text))
        self._new.set()

    def text_update(self, chat_id: int, text: str) -> dict[str, Any]:
        """A user's text message as a Telegram update (what getUpdates returns or a webhook receives)."""
        message = {
            "message_id": self._next_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "User"},
        }
        update = {"update_id": self._next_id, "message": message}
        self._next_id += 1
        return update

    async def _handle(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        self.calls[method] += 1
        params: dict[str, Any] = {}
        try:
            if request.headers.get("content-type", "").startswith("application/json"):
                params = await request.json()
            elif request.method == "POST":
                params = dict(await request.form())
        except ClientDisconnect:  # the adapter stopped mid-request (end of a load phase)
            return JSONResponse({"ok": False, "error_code": 499, "description": "client went away"})
        if method == "getMe":
            return JSONResponse({"ok": True, "result": BOT})
        if method == "setWebhook":
            self.webhook_set.set()
        if method == "getUpdates":
            return JSONResponse({"ok": True, "result": await self._get_updates(params)})
        if method in {"sendMessage", "sendPhoto"}:
            chat_id = int(params["chat_id"])
            self.sent_at.setdefault(chat_id, time.perf_counter())
            self.messages[chat_id] += 1
            self.send_times.append(time.perf_counter())
            return JSONResponse(
                {
                    "ok": True,
                    "result": {
                        "message_id": 1,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"},
                        "from": BOT,
                        "text": str(params.get("text", "")),
                    },
                }
            )
        return JSONResponse({"ok": True, "result": True})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polled.set()
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), timeout=float(params.get("timeout") or 0) or 0.01)
            except TimeoutError:
                return []
        return self._updates[:100]
