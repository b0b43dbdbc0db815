"""Owns the staff side's commands: `python -m bot dashboard` and `python -m bot staff add EMAIL`."""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.migrations import upgrade_database
from bot.repository import Repository


def serve_dashboard(settings: Settings) -> None:
    """The staff dashboard on 127.0.0.1:DASHBOARD_PORT until interrupted."""
    import uvicorn

    from bot.staff.app import create_dashboard

    upgrade_database(settings.database_url)
    app = create_dashboard(settings, Repository(settings.database_url))
    uvicorn.run(app, host="127.0.0.1", port=settings.dashboard_port, log_level="warning")


def add_staff(settings: Settings, email: str, role: str = "recruiter") -> int:
    """Create (or reset) a staff account with a role; the password is read from STAFF_PASSWORD or asked for."""
    import getpass

    from bot.staff.accounts import AccountError, StaffAccounts

    password = settings.staff_password or getpass.getpass(f"Password for {email}: ")
    upgrade_database(settings.database_url)

    async def add() -> None:
        repository = Repository(settings.database_url)
        try:
            await StaffAccounts(repository).add(email, password, role)
        finally:
            await repository.dispose()

    try:
        asyncio.run(add())
    except AccountError as err:
        print(f"error: {err}")
        return 2
    print(f"staff account {email.strip().lower()} ({role}) is ready")
    return 0
