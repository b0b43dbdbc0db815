"""Schema migrations (Alembic) run from Python: `python -m bot migrate`, tests, and `make run`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import PROJECT_ROOT
from bot.repository import async_url


def alembic_config(database_url: str, connection: Connection | None = None) -> Config:
    """Alembic's configuration pointed at `database_url` (and an open connection, if given)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    config.attributes["connection"] = connection
    return config


async def ensure_database(database_url: str) -> None:
    """Create the SQLite folder, or the PostgreSQL database (through the `postgres` database), if missing."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return
    url = make_url(async_url(database_url))
    if not url.drivername.startswith("postgresql") or not url.database:
        return
    admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            exists = await connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        await admin.dispose()


async def migrate(database_url: str, revision: str = "head", down: bool = False) -> None:
    """Upgrade (or downgrade) the schema to `revision` over one async connection."""
    await ensure_database(database_url)
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.begin() as connection:

            def run(sync_connection: Connection) -> None:
                config = alembic_config(database_url, sync_connection)
                if down:
                    command.downgrade(config, revision)
                else:
                    command.upgrade(config, revision)

            await connection.run_sync(run)
    finally:
        await engine.dispose()


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision` (for callers without an event loop)."""
    asyncio.run(migrate(database_url, revision))
