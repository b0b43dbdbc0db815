"""sqladmin's login hooks: staff accounts, the per-client limit, revocable sessions, roles on each request."""

from __future__ import annotations

import logging
import time

from sqladmin.authentication import AuthenticationBackend
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.repository import Repository, StorageUnavailable
from bot.staff.accounts import LoginResult, StaffAccounts, StaffIdentity
from bot.staff.audit import client_of, record
from bot.staff.login_limit import ClientLoginLimit

log = logging.getLogger(__name__)

SESSION_MAX_AGE = 8 * 3600  # one working day, from login (the cookie's Max-Age says the same)
SESSION_STAFF_ID, SESSION_TOKEN, SESSION_LOGIN_AT = "staff_id", "staff_token", "login_at"
REFUSED = (
    "Wrong e-mail or password, or too many attempts. After 5 failed attempts an account is locked for "
    "15 minutes. Check your e-mail and password and try again later, or ask an admin to reset your password."
)
DATABASE_DOWN = "The database is unavailable. Please try again in a few minutes."


class StaffAuthentication(AuthenticationBackend):
    """Logs staff in and out; every request re-checks the account, its role and its session token."""

    def __init__(self, accounts: StaffAccounts, repository: Repository, limit: ClientLoginLimit | None = None) -> None:
        # No super().__init__: sqladmin would add a second session middleware with its own defaults
        # (cookie `session`, 14 days, SameSite=Lax). The dashboard's one session middleware is in app.py.
        self.middlewares = []
        self._accounts, self._repository = accounts, repository
        self._limit = limit or ClientLoginLimit()

    async def login(self, request: Request) -> bool:
        """Check the login form (its CSRF token was checked by CsrfMiddleware)."""
        form = await request.form()
        email, password = str(form.get("username", ""))[:254], str(form.get("password", ""))
        client = client_of(request)
        request.state.login_error = REFUSED
        if not self._limit.reserve(client):
            await self._audit_failure(request, email, "too many failed logins from this address")
            return False
        try:
            outcome = await self._accounts.login(email, password)
        except StorageUnavailable:
            log.exception("staff login: database unavailable")
            request.state.login_error = DATABASE_DOWN
            return False
        if outcome.result is not LoginResult.OK or outcome.staff is None:
            await self._audit_failure(request, email, outcome.result.value)
            return False
        self._limit.release(client)
        staff = outcome.staff
        request.session.clear()  # a fresh session (and CSRF token) after login
        request.session.update(
            {SESSION_STAFF_ID: staff.id, SESSION_TOKEN: staff.session_token, SESSION_LOGIN_AT: int(time.time())}
        )
        await record(self._repository, request, staff.email, "login", detail=f"role {staff.role}")
        return True

    async def _audit_failure(self, request: Request, email: str, reason: str) -> None:
        try:
            await record(self._repository, request, email.strip().lower(), "login_failed", detail=reason)
        except StorageUnavailable:
            log.warning("could not record a failed login: database unavailable")

    async def logout(self, request: Request) -> bool:
        """End the session, and every other session of the account (the stored token changes)."""
        staff = await self._session_staff(request)
        if staff is not None:
            await self._accounts.end_sessions(staff.id)
            await record(self._repository, request, staff.email, "logout")
        request.session.clear()
        return False  # sqladmin then redirects to the login page

    async def authenticate(self, request: Request) -> bool | Response:
        """Whether the request belongs to a logged-in staff member whose session was not ended."""
        try:
            staff = await self._session_staff(request)
        except StorageUnavailable:
            return HTMLResponse(DATABASE_DOWN, status_code=503)
        if staff is None:
            request.session.clear()
            return False
        request.state.staff = staff
        return True

    async def get_user_id(self, request: Request) -> int | None:
        """The staff member's id (sqladmin's hook)."""
        staff = getattr(request.state, "staff", None)
        return staff.id if isinstance(staff, StaffIdentity) else None

    async def _session_staff(self, request: Request) -> StaffIdentity | None:
        staff_id, token = request.session.get(SESSION_STAFF_ID), request.session.get(SESSION_TOKEN)
        login_at = request.session.get(SESSION_LOGIN_AT)
        if not isinstance(staff_id, int) or not isinstance(token, str) or not isinstance(login_at, int):
            return None
        if not 0 <= time.time() - login_at <= SESSION_MAX_AGE:
            return None
        return await self._accounts.identify(staff_id, token)


def current_staff(request: Request) -> StaffIdentity:
    """The logged-in staff member (set by authenticate on every dashboard request)."""
    staff = getattr(request.state, "staff", None)
    if not isinstance(staff, StaffIdentity):
        raise PermissionError("not logged in")
    return staff


def is_admin(request: Request) -> bool:
    """Whether the logged-in staff member is an admin."""
    staff = getattr(request.state, "staff", None)
    return isinstance(staff, StaffIdentity) and staff.is_admin
