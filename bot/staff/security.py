"""Dashboard security: session login against staff accounts, CSRF tokens and a same-origin check."""

from __future__ import annotations

import hmac
import logging
import secrets
from pathlib import Path

from sqladmin.authentication import AuthenticationBackend
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.repository import StorageUnavailable
from bot.staff.accounts import LoginResult, StaffAccounts

log = logging.getLogger(__name__)

SESSION_USER = "staff_email"
SESSION_CSRF = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use); forms send it back as `csrf_token`."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


def csrf_valid(request: Request, submitted: object) -> bool:
    """Whether a submitted token matches the session's."""
    expected = request.session.get(SESSION_CSRF)
    if not isinstance(expected, str) or not expected or not isinstance(submitted, str):
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def load_secret(path: Path, configured: str | None) -> str:
    """The session signing key: DASHBOARD_SECRET_KEY, else one generated once and kept in `path` (mode 0600)."""
    if configured:
        return configured
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


class SameOriginMiddleware:
    """Refuses state-changing requests that come from another site (Origin, else Referer, must match).

    Together with the SameSite=Strict session cookie and the token on our own forms, this protects
    every form and every JavaScript request of the admin interface against cross-site request forgery.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            request = Request(scope)
            source = request.headers.get("origin") or request.headers.get("referer") or ""
            own = f"{request.url.scheme}://{request.url.netloc}"
            if source != own and not source.startswith(own + "/"):
                log.warning("refused a cross-origin %s to %s", scope["method"], request.url.path)
                await PlainTextResponse("cross-site request refused", status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class StaffAuthentication(AuthenticationBackend):
    """sqladmin's login hooks, backed by StaffAccounts (argon2 hashes, lock-out)."""

    def __init__(self, secret_key: str, accounts: StaffAccounts) -> None:
        super().__init__(secret_key)
        self._accounts = accounts

    async def login(self, request: Request) -> bool:
        """Check the login form (CSRF token, then the password)."""
        form = await request.form()
        if not csrf_valid(request, form.get("csrf_token")):
            request.state.login_error = "Your session expired. Please try again."
            return False
        try:
            result = await self._accounts.login(str(form.get("username", "")), str(form.get("password", "")))
        except StorageUnavailable:
            log.exception("staff login: database unavailable")
            request.state.login_error = "The database is unavailable. Please try again later."
            return False
        if result is LoginResult.LOCKED:
            request.state.login_error = "Too many failed logins: this account is locked for 15 minutes."
            return False
        if result is not LoginResult.OK:
            return False
        request.session.clear()  # a fresh session (and CSRF token) after login
        request.session[SESSION_USER] = str(form.get("username", "")).strip().lower()
        return True

    async def logout(self, request: Request) -> bool:
        """Forget the session."""
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool | Response:
        """Whether the request belongs to a logged-in staff member."""
        return bool(request.session.get(SESSION_USER))


def current_staff(request: Request) -> str:
    """The logged-in staff member's e-mail."""
    return str(request.session.get(SESSION_USER, ""))
