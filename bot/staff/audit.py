"""The audit log: who did what in the dashboard (logins, lead views, exports, status and job-opening changes)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from bot.models import StaffAuditEntry
from bot.repository import Repository

log = logging.getLogger(__name__)

ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "export",
    "lead_view",
    "status_change",
    "application_status",
    "job_opening_create",
    "job_opening_edit",
    "job_opening_delete",
    "job_opening_import",
    "job_opening_published",
    "job_opening_closed",
    "staff_edit",
    "staff_delete",
)


def client_of(request: Request) -> str:
    """The client address as the server saw it (behind a proxy: the proxy's)."""
    return request.client.host if request.client else ""


def entry(actor: str, action: str, target: str = "", detail: str = "", client: str = "") -> StaffAuditEntry:
    """One audit row (added to a caller's transaction, so the record and the change commit together)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return StaffAuditEntry(
        actor=actor[:254], action=action, target=target[:200], detail=detail[:2000], client=client[:64]
    )


async def record(
    repository: Repository, request: Request, actor: str, action: str, target: str = "", detail: str = ""
) -> None:
    """Write one audit row in its own transaction."""
    async with repository.session() as session:
        add_to(session, entry(actor, action, target, detail, client_of(request)))
    log.info("audit: %s %s %s", actor, action, target)


def add_to(session: AsyncSession, row: StaffAuditEntry) -> None:
    """Add a row to an open transaction."""
    session.add(row)
