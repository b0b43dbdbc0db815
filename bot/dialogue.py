"""Owns the dialogue engine's contract: Rasa's HTTP API, its JSON, and its custom messages as typed values.

Rasa's `custom` payloads (`{"kind": ...}`, names in contract/kinds.py) become one dataclass per kind
(`Topic`, `LeadComplete`, ...), so the turn dispatches with `match` and a kind nobody handles is visible.

Several Rasa instances may serve (they share a tracker store and a lock store). Each conversation is
kept on one instance, chosen by a stable hash of its sender id; if that instance fails, the next one
takes the turn, and the shared stores keep the conversation intact.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from typing import Any

import httpx

from contract import kinds

log = logging.getLogger(__name__)


class DialogueUnavailable(RuntimeError):
    """No Rasa instance could be reached, they timed out, or answered with something we cannot use."""


@dataclass(frozen=True)
class Button:
    """A choice offered under a message; `payload` goes back to the dialogue engine when picked."""

    title: str
    payload: str


@dataclass(frozen=True)
class Topic:
    """An FAQ answer was given on `topic` (counted for staff's overview)."""

    topic: str


@dataclass(frozen=True)
class LanguageMenu:
    """Show the language choice here."""


@dataclass(frozen=True)
class RequestContact:
    """Offer Telegram's "share my phone number" keyboard with the message before."""


@dataclass(frozen=True)
class LeadSummary:
    """Show the registration answers for confirmation."""

    profile: dict[str, Any]


@dataclass(frozen=True)
class LeadComplete:
    """The user confirmed a finished registration (consent time and version, the answers)."""

    payload: dict[str, Any]


@dataclass(frozen=True)
class JobOpenings:
    """List the open job openings here."""


@dataclass(frozen=True)
class HandoffRequested:
    """The user asked for a person."""


@dataclass(frozen=True)
class Asking:
    """A form question whose free-text answer (a name, a town) is no evidence of the user's language."""

    slot: str


@dataclass(frozen=True)
class NothingNew:
    """The engine deliberately shows nothing (a repeated tap): no message is sent."""


@dataclass(frozen=True)
class UnknownKind:
    """A custom message of a kind this adapter does not know (logged, not shown)."""

    kind: str


Custom = (
    Topic
    | LanguageMenu
    | RequestContact
    | LeadSummary
    | LeadComplete
    | JobOpenings
    | HandoffRequested
    | Asking
    | NothingNew
    | UnknownKind
)


def parse_custom(data: dict[str, Any]) -> Custom:
    """The typed message for one of Rasa's `custom` payloads."""
    kind = str(data.get("kind", ""))
    match kind:
        case kinds.TOPIC:
            return Topic(topic=str(data.get("topic", ""))[:40])
        case kinds.LANGUAGE_MENU:
            return LanguageMenu()
        case kinds.REQUEST_CONTACT:
            return RequestContact()
        case kinds.LEAD_SUMMARY:
            profile = data.get("profile")
            return LeadSummary(profile=profile if isinstance(profile, dict) else {})
        case kinds.LEAD_COMPLETE:
            return LeadComplete(payload=data)
        case kinds.JOB_OPENINGS:
            return JobOpenings()
        case kinds.HANDOFF:
            return HandoffRequested()
        case kinds.NOTHING_NEW:
            return NothingNew()
        case kinds.ASKING:
            return Asking(slot=str(data.get("slot", ""))[:40])
    log.warning("unknown custom message kind %r", kind[:40])
    return UnknownKind(kind=kind[:40])


@dataclass(frozen=True)
class BotMessage:
    """One element of the engine's reply, not yet localized."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: Custom | None = None


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
            custom=parse_custom(custom) if isinstance(custom, dict) else None,
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
            except httpx.TimeoutException as err:
                if not isinstance(err, httpx.ConnectTimeout):
                    # The instance is alive and may still be handling the message: sending it to another one
                    # would handle it twice. The user is asked to try again instead.
                    raise DialogueUnavailable(f"Rasa at {client.base_url} timed out") from err
                failure = err
            except httpx.HTTPError as err:
                # Unreachable, gone (connection refused or closed) or failed: the next instance takes the turn.
                failure = err
            except ValueError as err:
                raise DialogueUnavailable("Rasa answered with invalid JSON") from err
            else:
                return parse_messages(payload)
            log.warning("Rasa at %s failed (%s); trying the next one", client.base_url, type(failure).__name__)
        raise DialogueUnavailable(f"no Rasa instance answered: {type(failure).__name__}") from failure

    async def _tracker(self, sender: str, include_events: str) -> dict[str, Any] | None:
        """The conversation's tracker from Rasa's HTTP API (its own instance first), or None if none answers."""
        for client in self._order(sender):
            try:
                response = await client.get(
                    f"/conversations/{sender}/tracker", params={"include_events": include_events}
                )
                response.raise_for_status()
                tracker = response.json()
            except (httpx.HTTPError, ValueError):
                continue
            if isinstance(tracker, dict):
                return tracker
        return None

    async def active_form(self, sender: str) -> str | None:
        """The form the conversation is in (Rasa's active loop), or None; None too if Rasa cannot say."""
        loop = (await self._tracker(sender, "NONE") or {}).get("active_loop")
        name = loop.get("name") if isinstance(loop, dict) else None
        return str(name) if name else None

    async def recent_user_texts(self, sender: str, limit: int) -> list[str]:
        """The user's last `limit` messages as Rasa stored them (context for a person taking over)."""
        events = (await self._tracker(sender, "APPLIED") or {}).get("events") or []
        texts = [str(e.get("text") or "") for e in events if isinstance(e, dict) and e.get("event") == "user"]
        return [text for text in texts if text and not text.startswith("/")][-limit:]

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
