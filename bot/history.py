"""Owns what Rasa's SQL tracker store (`events`, TRACKER_STORE_URL) keeps about a user, under the consent promise.

- `erase`: /delete removes every event of the conversation and counts them.
- `scrub_abandoned`: a registration that was declined or cancelled leaves none of the answers typed in it: the
  events of that form run keep their shape (intents, actions: what Rasa's policies look at) but lose every text
  the user typed, every profile slot value, the summary's profile, and any echo of those strings.
- `purge_silent`: retention also covers conversations of users who never registered.

Rasa reads a conversation from this table at the start of each turn and appends the turn's new events at its
end, so rewriting rows between two turns of one chat (the adapter handles a chat's turns in order) is safe.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bot.bounded import BoundedMap
from bot.repository import StorageUnavailable, async_url
from contract.profile import PROFILE_FIELDS

log = logging.getLogger(__name__)

CONSENT_ASKED = "utter_ask_consent"
SUBMITTED = "action_submit_lead"
# Actions after which a registration is over without a lead: declined, cancelled in the form, cancelled at the summary.
ABANDONED = frozenset({"utter_consent_declined", "action_cancel_lead", "utter_nothing_to_cancel"})
MARKERS = (CONSENT_ASKED, SUBMITTED, *sorted(ABANDONED))
REMEMBERED_SENDERS = 10_000


class ConversationHistory:
    """Erases, scrubs and purges conversations in Rasa's SQL tracker store."""

    def __init__(self, url: str) -> None:
        self._engine = create_async_engine(async_url(url), pool_pre_ping=True)
        # Per sender, the last abandoning event already scrubbed (bounded; after a restart one scrub repeats).
        self._scrubbed: BoundedMap[str, int] = BoundedMap(REMEMBERED_SENDERS)

    async def erase(self, sender_id: str) -> int:
        """Delete the conversation's events; returns how many were removed (0 if none or no table yet)."""
        try:
            async with self._engine.begin() as connection:
                if not await _has_events(connection):
                    return 0
                result = await connection.execute(
                    text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id}
                )
                self._scrubbed.pop(sender_id)
                return int(result.rowcount or 0)
        except (SQLAlchemyError, OSError) as err:
            raise StorageUnavailable(f"tracker store error: {type(err).__name__}") from err

    async def purge_silent(self, before: datetime) -> int:
        """Delete every conversation whose last event is older than `before`; returns how many events went."""
        try:
            async with self._engine.begin() as connection:
                if not await _has_events(connection):
                    return 0
                result = await connection.execute(
                    text(
                        "DELETE FROM events WHERE sender_id IN (SELECT sender_id FROM events"
                        " GROUP BY sender_id HAVING MAX(timestamp) < :before)"
                    ),
                    {"before": before.timestamp()},
                )
                return int(result.rowcount or 0)
        except (SQLAlchemyError, OSError) as err:
            raise StorageUnavailable(f"tracker store error: {type(err).__name__}") from err

    async def scrub_abandoned(self, sender_id: str) -> int:
        """If the user's latest registration ended without a lead, remove its answers; returns rows rewritten."""
        try:
            async with self._engine.begin() as connection:
                if not await _has_events(connection):
                    return 0
                window = await self._abandoned_run(connection, sender_id)
                if window is None:
                    return 0
                rewritten = await _scrub(connection, sender_id, *window)
        except (SQLAlchemyError, OSError) as err:
            raise StorageUnavailable(f"tracker store error: {type(err).__name__}") from err
        self._scrubbed.put(sender_id, window[1])
        if rewritten:
            log.info("removed the answers of an abandoned registration from the tracker store (%d events)", rewritten)
        return rewritten

    async def _abandoned_run(self, connection: AsyncConnection, sender_id: str) -> tuple[int, int] | None:
        """(first, last) event ids of the latest registration if it ended without a lead and is not scrubbed yet."""
        names = ", ".join(f":m{i}" for i in range(len(MARKERS)))
        rows = (
            await connection.execute(
                text(
                    "SELECT id, action_name FROM events WHERE sender_id = :sender AND type_name = 'action'"
                    f" AND action_name IN ({names}) ORDER BY id"
                ),
                {"sender": sender_id, **{f"m{i}": marker for i, marker in enumerate(MARKERS)}},
            )
        ).all()
        start: int | None = None
        end: int | None = None
        for event_id, action in rows:
            if action == CONSENT_ASKED:
                start, end = event_id, None
            elif action == SUBMITTED:
                start, end = None, None  # that run gave a lead, with consent: /delete and retention cover it
            elif start is not None:
                end = event_id
        if start is None or end is None or self._scrubbed.get(sender_id) == end:
            return None
        return start, end

    async def dispose(self) -> None:
        """Close the connection pool."""
        await self._engine.dispose()


async def _has_events(connection: AsyncConnection) -> bool:
    return bool(await connection.run_sync(lambda sync: sync.dialect.has_table(sync, "events")))


async def _scrub(connection: AsyncConnection, sender_id: str, first: int, last: int) -> int:
    rows = (
        await connection.execute(
            text("SELECT id, data FROM events WHERE sender_id = :sender AND id BETWEEN :first AND :last ORDER BY id"),
            {"sender": sender_id, "first": first, "last": last},
        )
    ).all()
    events = [(event_id, json.loads(data)) for event_id, data in rows]
    secrets = _secrets(event for _, event in events)
    rewritten = 0
    for event_id, event in events:
        cleaned = _clean(event, secrets)
        if cleaned != event:
            await connection.execute(
                text("UPDATE events SET data = :data WHERE id = :id"), {"data": json.dumps(cleaned), "id": event_id}
            )
            rewritten += 1
    return rewritten


def _secrets(events: Any) -> set[str]:
    """Every answer of the run: texts the user typed and profile slot values (as strings)."""
    found: set[str] = set()
    for event in events:
        if event.get("event") == "user" and event.get("text") and not str(event["text"]).startswith("/"):
            found.add(str(event["text"]))
        if event.get("event") == "slot" and event.get("name") in PROFILE_FIELDS and event.get("value") is not None:
            value = event["value"]
            if not isinstance(value, bool) and len(str(value)) >= 3:  # "no", 24: too short to echo by chance
                found.add(str(value))
    return found


def _clean(event: dict[str, Any], secrets: set[str]) -> dict[str, Any]:
    """The event without the user's answers: typed text, entities, profile slot values, the summary's profile."""
    event = dict(event)
    kind = event.get("event")
    if kind == "user":
        event["text"] = ""
        parse = dict(event.get("parse_data") or {})
        parse.update(text="", entities=[])
        event["parse_data"] = parse
    elif kind == "slot" and event.get("name") in PROFILE_FIELDS:
        event["value"] = None
    elif kind == "bot":
        data = dict(event.get("data") or {})
        if isinstance(data.get("custom"), dict) and "profile" in data["custom"]:
            data["custom"] = {**data["custom"], "profile": {}}
        event["data"] = data
    cleaned: dict[str, Any] = _without(event, secrets)
    return cleaned


def _without(value: Any, secrets: set[str]) -> Any:
    """`value` with every occurrence of a secret string removed, at any depth."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "")
        return value
    if isinstance(value, list):
        return [_without(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: _without(item, secrets) for key, item in value.items()}
    return value
