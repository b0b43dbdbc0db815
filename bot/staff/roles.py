"""Who may do what: recruiters work leads, statuses and job openings; admins also accounts, exports, audit."""

from __future__ import annotations

import json
from typing import Any

from sqladmin.audit import AuditBackend, AuditEntry
from sqladmin.authorization import AuthorizationBackend, matches_grant
from starlette.requests import Request

from bot.repository import Repository
from bot.staff.accounts import StaffIdentity
from bot.staff.audit import record

RECRUITER_GRANTS: set[tuple[str, str]] = {
    ("lead", "list"),
    ("lead", "details"),
    ("lead", "status"),
    ("job-opening", "list"),
    ("job-opening", "details"),
    ("job-opening", "create"),
    ("job-opening", "edit"),
    ("job-opening", "delete"),
    ("job-opening", "shortlist"),  # the employer's shortlist (applicants_page.py): shared fields only
    ("overview", "list"),
    ("openings", "list"),
}
ADMIN_GRANTS: set[tuple[str, str]] = RECRUITER_GRANTS | {
    ("lead", "export"),
    ("job-opening", "export"),
    ("staff-user", "list"),
    ("staff-user", "details"),
    ("staff-user", "edit"),
    ("staff-user", "delete"),
    ("staff-audit-entry", "list"),
    ("staff-audit-entry", "details"),
}
GRANTS = {"admin": ADMIN_GRANTS, "recruiter": RECRUITER_GRANTS}
AUDITED = {"job-opening": "job_opening", "staff-user": "staff"}
VERBS = {"create": "create", "update": "edit", "delete": "delete"}


def may(request: Request, identity: str, action: str) -> bool:
    """Whether the logged-in staff member's role allows `action` on the view `identity`."""
    staff = getattr(request.state, "staff", None)
    if not isinstance(staff, StaffIdentity):
        return False
    return matches_grant(GRANTS.get(staff.role, set()), identity, action)


class RoleAuthorization(AuthorizationBackend):
    """sqladmin's permission hook, answered from the role loaded with the session."""

    def has_permission(self, request: Request, identity: str, action: str, obj: Any | None = None) -> bool:
        """Whether the role grants (identity, action)."""
        return may(request, identity, str(action))


class StaffAuditBackend(AuditBackend):
    """Records sqladmin's creates, edits and deletes (job openings, staff accounts) in the audit log."""

    def __init__(self, repository: Repository) -> None:
        self._repository = repository

    async def log(self, entry: AuditEntry, request: Request) -> None:
        """One audit row per committed change."""
        prefix = AUDITED.get(entry.identity)
        staff = getattr(request.state, "staff", None)
        if prefix is None or not isinstance(staff, StaffIdentity):
            return
        action = f"{prefix}_{VERBS.get(entry.action, entry.action)}"
        if action == "staff_create":
            return
        changes = {k: str(v) for k, v in (entry.changes or {}).items() if k != "csrf_token"}
        detail = json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else ""
        await record(self._repository, request, staff.email, action, f"{entry.identity} {entry.pk}", detail)
