"""Entry point: `python -m bot run` serves Telegram when a token is set, else opens the terminal chat."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.app import purge, serve_console, serve_telegram
from bot.config import Settings, SettingsError
from bot.deploy import endpoints_yaml
from bot.migrations import ensure_database, upgrade_database
from bot.openings import openings_command
from bot.staff.cli import add_staff, serve_dashboard


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and start what it asks for."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="serve Telegram if TELEGRAM_BOT_TOKEN is set, else the terminal chat")
    commands.add_parser("console", help="the terminal chat")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    commands.add_parser("dashboard", help="serve the staff dashboard on 127.0.0.1:$DASHBOARD_PORT")
    commands.add_parser("purge", help="erase registered users inactive for longer than RETENTION_DAYS")
    endpoints = commands.add_parser("endpoints", help="write Rasa's endpoints.yml from TRACKER_STORE_URL etc.")
    endpoints.add_argument("output", type=Path)
    staff = commands.add_parser("staff", help="manage staff accounts")
    staff.add_argument("action", choices=["add"])
    staff.add_argument("email")
    staff.add_argument(
        "--role",
        choices=["admin", "recruiter"],
        default="recruiter",
        help="admin: staff accounts, exports, audit log; recruiter: leads, statuses, job openings (default)",
    )
    openings = commands.add_parser("openings", help="job openings from demand sheets (XLSX or CSV)")
    openings.add_argument("action", choices=["import", "template"], help="import FILE as drafts, or write the template")
    openings.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and the Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command == "migrate":
        upgrade_database(settings.database_url)
    elif args.command == "endpoints":
        if settings.tracker_store_url is None:
            print("configuration error: TRACKER_STORE_URL=none cannot be written as Rasa's store", file=sys.stderr)
            return 2
        # Create the tracker database now, so that several Rasa instances do not race to create it.
        try:
            asyncio.run(ensure_database(settings.tracker_store_url))
        except (OSError, SQLAlchemyError) as err:
            print(
                f"warning: could not check the tracker database ({type(err).__name__}); "
                "Rasa will create it on first start",
                file=sys.stderr,
            )
        args.output.write_text(
            endpoints_yaml(settings.actions_url, settings.tracker_store_url, settings.lock_store_url)
        )
    elif args.command == "staff":
        return add_staff(settings, args.email, args.role)
    elif args.command == "openings":
        return openings_command(settings.database_url, args.action, args.file)
    elif args.command == "purge":
        return purge(settings)
    elif args.command == "dashboard":
        serve_dashboard(settings)
    elif args.command == "run" and settings.telegram_token:
        serve_telegram(settings)
    else:
        try:
            asyncio.run(serve_console(settings))
        except KeyboardInterrupt:
            print("\nAllah hafiz!")
    return 0


if __name__ == "__main__":
    sys.exit(main())
