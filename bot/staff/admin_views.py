"""Admin-only views: staff accounts (role, removal) and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from sqladmin import ModelView
from sqladmin.filters import AllUniqueStringValuesFilter, OperationColumnFilter, StaticValuesFilter
from starlette.requests import Request
from wtforms import SelectField  # type: ignore[import-untyped]

from bot.models import StaffAuditEntry, StaffUser
from bot.staff.accounts import ROLES
from bot.staff.audit import ACTIONS


class StaffUserAdmin(ModelView, model=StaffUser):
    """Staff accounts: admins change roles and remove accounts (new accounts: `python -m bot staff add`)."""

    name, name_plural, icon = "Staff account", "Staff accounts", "fa-solid fa-users"
    can_create = False
    can_export = False
    can_import = False
    column_list: ClassVar[Any] = [StaffUser.email, StaffUser.role, StaffUser.locked_until, StaffUser.created_at]
    column_details_list: ClassVar[Any] = [
        StaffUser.email,
        StaffUser.role,
        StaffUser.failed_logins,
        StaffUser.locked_until,
        StaffUser.created_at,
    ]
    column_searchable_list: ClassVar[Any] = [StaffUser.email]
    form_columns: ClassVar[Any] = [StaffUser.role]
    form_overrides: ClassVar[Any] = {"role": SelectField}
    form_args: ClassVar[Any] = {"role": {"choices": [(r, r) for r in ROLES]}}
    create_template = "staff_create.html"
    edit_template = "staff_edit.html"

    async def check_can_delete(self, request: Request, model: Any) -> bool:
        """Admins may remove accounts, but not their own (so that one admin always remains)."""
        staff = getattr(request.state, "staff", None)
        return await super().check_can_delete(request, model) and getattr(staff, "id", None) != model.id


class AuditLogAdmin(ModelView, model=StaffAuditEntry):
    """The audit log, newest first; nobody can change it from the dashboard."""

    name, name_plural, icon = "Audit entry", "Audit log", "fa-solid fa-clipboard-list"
    can_create = False
    can_edit = False
    can_delete = False
    can_export = False
    can_import = False
    column_list: ClassVar[Any] = [
        StaffAuditEntry.at,
        StaffAuditEntry.actor,
        StaffAuditEntry.action,
        StaffAuditEntry.target,
        StaffAuditEntry.detail,
        StaffAuditEntry.client,
    ]
    column_searchable_list: ClassVar[Any] = [StaffAuditEntry.actor, StaffAuditEntry.target]
    column_sortable_list: ClassVar[Any] = [StaffAuditEntry.at, StaffAuditEntry.actor, StaffAuditEntry.action]
    column_default_sort: ClassVar[Any] = [(StaffAuditEntry.at, True)]
    column_filters: ClassVar[Any] = [
        StaticValuesFilter(StaffAuditEntry.action, values=[(a, a) for a in ACTIONS], title="Action"),
        AllUniqueStringValuesFilter(StaffAuditEntry.actor, title="Who"),
        OperationColumnFilter(StaffAuditEntry.at, title="When"),
    ]
    page_size = 50
