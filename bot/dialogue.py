"""The dialogue engine client: the only module that knows Rasa's HTTP API and its JSON."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)


class DialogueUnavailable(RuntimeError):
    """Rasa could not be reached, timed out, or answered with something we cannot use."""


@dataclass(frozen=True)
class Button:
    """A choice offered under a message; `payload` goes back to the dialogue engine when picked."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One element of the engine's reply, not yet localized."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)


def parse_messages(payload: Any) -> list[BotMessage]:
    """Convert the REST channel's list of message dicts into `BotMessage`s."""
    if not isinstance(payload, list):
        raise DialogueUnavailable(f"expected a list of messages, got {type(payload).__name__}")
    messages: list[BotMessage] = []
    for item in payload:
        if not isinstance(item, dict):
            raise DialogueUnavailable(f"expected a message object, got {type(item).__name__}")
        buttons = tuple(
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in item.get("buttons") or []
            if isinstance(b, dict) and b.get("title") and b.get("payload")
        )
        custom = item.get("custom")
        message = BotMessage(
            text=item.get("text") if isinstance(item.get("text"), str) else None,
            buttons=buttons,
            image=item.get("image") if isinstance(item.get("image"), str) else None,
            custom=custom if isinstance(custom, dict) else {},
        )
        if message.text or message.buttons or message.image or message.custom:
            messages.append(message)
    return messages


class DialogueClient:
    """Sends a user's message to Rasa's REST channel and returns its reply."""

    def __init__(self, base_url: str, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        """Deliver `text` from `sender` and return the engine's reply messages."""
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            payload = response.json()
        except httpx.HTTPError as err:
            raise DialogueUnavailable(f"Rasa request failed: {type(err).__name__}") from err
        except ValueError as err:
            raise DialogueUnavailable("Rasa answered with invalid JSON") from err
        return parse_messages(payload)

    async def is_ready(self) -> bool:
        """True when the server answers and has a model loaded."""
        try:
            response = await self._client.get("/status")
            return response.status_code == 200 and bool(response.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
