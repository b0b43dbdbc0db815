"""A fake Telegram Bot API at the network edge: python-telegram-bot's real Bot talks HTTP to it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

BOT_ID = 4242
BOT_USERNAME = "JapanWorkPkBot"
TOKEN = "4242:TEST-TOKEN"


@dataclass
class FakeTelegram:
    """Records every Bot API call and answers it like Telegram would."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Failures to answer sendMessage with before succeeding: an HTTP status, or "timeout".
    send_failures: list[int | str] = field(default_factory=list)
    # Chats that refuse messages, with the HTTP status Telegram answers (e.g. 403: the bot was removed).
    refusing_chats: dict[int, int] = field(default_factory=dict)
    # (chat id, message id) of every message sent, in order.
    message_ids: list[tuple[int, int]] = field(default_factory=list)
    _message_id: int = 1000

    def transport(self) -> httpx.MockTransport:
        """The httpx transport to give python-telegram-bot's HTTPXRequest."""
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        params = self._params(request)
        if method == "sendMessage" and params.get("chat_id") and int(params["chat_id"]) in self.refusing_chats:
            status = self.refusing_chats[int(params["chat_id"])]
            self.calls.append((f"{method}:refused", params))
            return httpx.Response(
                status, json={"ok": False, "error_code": status, "description": "Forbidden: bot was kicked"}
            )
        if method == "sendMessage" and self.send_failures:
            failure = self.send_failures.pop(0)
            self.calls.append((f"{method}:failed", params))
            if failure == "timeout":
                raise httpx.ReadTimeout("the Bot API did not answer", request=request)
            if failure == 429:
                return httpx.Response(
                    429,
                    json={
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests",
                        "parameters": {"retry_after": 1},
                    },
                )
            return httpx.Response(int(failure), json={"ok": False, "error_code": failure, "description": "Bad Gateway"})
        self.calls.append((method, params))
        return httpx.Response(200, json={"ok": True, "result": self._result(method, params)})

    @staticmethod
    def _params(request: httpx.Request) -> dict[str, Any]:
        body = request.content.decode() if request.content else ""
        if request.headers.get("content-type", "").startswith("application/json"):
            return dict(json.loads(body or "{}"))
        return {key: values[0] for key, values in parse_qs(body).items()}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Japan Work",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in {"sendMessage", "sendPhoto"}:
            self._message_id += 1
            self.message_ids.append((int(params["chat_id"]), self._message_id))
            return {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Japan Work"},
                "text": params.get("text", ""),
            }
        return True

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """The parameters of every call of `method`, in order."""
        return [params for name, params in self.calls if name == method]

    def texts(self) -> list[str]:
        """The texts of all sent messages."""
        return [str(params.get("text", "")) for params in self.sent()]

    def keyboards(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard buttons (flattened) of each sent message that had one."""
        out = []
        for params in self.sent():
            markup = params.get("reply_markup")
            if markup:
                data = json.loads(markup) if isinstance(markup, str) else markup
                if "inline_keyboard" in data:
                    out.append([button for row in data["inline_keyboard"] for button in row])
        return out


_update_id = 0


def _next_update_id() -> int:
    global _update_id
    _update_id += 1
    return _update_id


def user_dict(user_id: int, language_code: str | None = None) -> dict[str, Any]:
    """A Telegram user object."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Ali"}
    if language_code:
        user["language_code"] = language_code
    return user


def message_update(
    user_id: int,
    text: str | None = None,
    *,
    chat_type: str = "private",
    chat_id: int | None = None,
    language_code: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An update carrying a message (text, or whatever `extra` adds: sticker, photo, ...)."""
    chat = {"id": chat_id or user_id, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Japan jobs group"
    message: dict[str, Any] = {
        "message_id": _next_update_id(),
        "date": int(time.time()),
        "chat": chat,
        "from": user_dict(user_id, language_code),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    message.update(extra or {})
    return {"update_id": _next_update_id(), "message": message}


def callback_update(
    user_id: int, data: str, language_code: str | None = None, message_id: int | None = None
) -> dict[str, Any]:
    """An update carrying a pressed inline button (under the bot message `message_id`; default: a new one)."""
    return {
        "update_id": _next_update_id(),
        "callback_query": {
            "id": str(_next_update_id()),
            "from": user_dict(user_id, language_code),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id if message_id is not None else _next_update_id(),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Japan Work"},
                "text": "menu",
            },
        },
    }
