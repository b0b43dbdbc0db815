"""The dialogue engine client: the only module that knows Rasa's HTTP API and its JSON.

Several Rasa instances may serve (they share a tracker store and a lock store). Each conversation is
kept on one instance, chosen by a stable hash of its sender id; if that instance fails, the next one
takes the turn, and the shared stores keep the conversation intact.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)


class DialogueUnavailable(RuntimeError):
    """No Rasa instance could be reached, they timed out, or answered with something we cannot use."""


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

    def __init__(
        self, base_urls: str | list[str], timeout: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise ValueError("at least one Rasa URL is needed")
        self._clients = [httpx.AsyncClient(base_url=url, timeout=timeout, transport=transport) for url in urls]

    def _order(self, sender: str) -> list[httpx.AsyncClient]:
        """The sender's own instance first, then the others as fallbacks."""
        first = zlib.crc32(sender.encode()) % len(self._clients)
        return self._clients[first:] + self._clients[:first]

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        """Deliver `text` from `sender` and return the engine's reply messages."""
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        failure: Exception | None = None
        for client in self._order(sender):
            try:
                response = await client.post("/webhooks/rest/webhook", json=body)
                response.raise_for_status()
                payload = response.json()
            except httpx.HTTPError as err:
                log.warning("Rasa at %s failed (%s); trying the next instance", client.base_url, type(err).__name__)
                failure = err
                continue
            except ValueError as err:
                raise DialogueUnavailable("Rasa answered with invalid JSON") from err
            return parse_messages(payload)
        raise DialogueUnavailable(f"no Rasa instance answered: {type(failure).__name__}") from failure

    async def is_ready(self) -> bool:
        """True when at least one instance answers and has a model loaded."""
        for client in self._clients:
            try:
                response = await client.get("/status")
                if response.status_code == 200 and response.json().get("model_file"):
                    return True
            except (httpx.HTTPError, ValueError):
                continue
        return False

    async def aclose(self) -> None:
        """Close the connection pools."""
        for client in self._clients:
            await client.aclose()
