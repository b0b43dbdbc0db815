"""Alembic environment: runs migrations over the async engine of the configured database."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings
from bot.models import Base
from bot.repository import async_url

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    """The URL given by the caller (tests), else DATABASE_URL."""
    return str(config.attributes.get("database_url") or Settings.from_env().database_url)


def run_with(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    engine = create_async_engine(async_url(database_url()))
    async with engine.connect() as connection:
        await connection.run_sync(run_with)
        await connection.commit()
    await engine.dispose()


if (connection := config.attributes.get("connection")) is not None:
    run_with(connection)  # called from bot.migrations inside a running event loop
elif context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_async())
