"""Erasing a user's conversation from Rasa's SQL tracker store (its `events` table), for /delete."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.repository import StorageUnavailable, async_url

log = logging.getLogger(__name__)


class ConversationHistory:
    """Deletes every stored event of one conversation."""

    def __init__(self, url: str) -> None:
        self._engine = create_async_engine(async_url(url), pool_pre_ping=True)

    async def erase(self, sender_id: str) -> int:
        """Delete the conversation's events; returns how many were removed (0 if none or no table yet)."""
        try:
            async with self._engine.begin() as connection:
                exists = await connection.run_sync(lambda sync: sync.dialect.has_table(sync, "events"))
                if not exists:
                    return 0
                result = await connection.execute(
                    text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id}
                )
                return int(result.rowcount or 0)
        except (SQLAlchemyError, OSError) as err:
            raise StorageUnavailable(f"tracker store error: {type(err).__name__}") from err

    async def dispose(self) -> None:
        """Close the connection pool."""
        await self._engine.dispose()
