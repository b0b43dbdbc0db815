"""Dashboard request guards: security headers, the same-origin check and CSRF tokens on every state change."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

SESSION_CSRF = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_FORM_BYTES = 1_000_000
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
CACHEABLE_PREFIXES = ("/admin/statics/", "/staff-static/")
EXPIRED_FORM = (
    "<!doctype html><title>Please try again</title><p>This form has expired or did not come from the dashboard, "
    "so it was not saved. Go back, reload the page and try again.</p><p><a href='/admin/'>Back to the dashboard</a></p>"
)


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use); forms send it back as `csrf_token`."""
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


def csrf_valid(session: dict[str, object], submitted: object) -> bool:
    """Whether a submitted token matches the session's."""
    expected = session.get(SESSION_CSRF)
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


def host_allowed(host: str | None, allowed: Sequence[str]) -> bool:
    """Whether a host name is one of DASHBOARD_ALLOWED_HOSTS (`*.example.org` matches sub-domains)."""
    if not host:
        return False
    host = host.lower()
    return any(host == a or (a.startswith("*.") and host.endswith(a[1:])) for a in allowed)


class SecurityHeadersMiddleware:
    """Adds CSP (no framing), nosniff, a same-origin referrer policy; Cache-Control: no-store but on static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                # Not no-referrer: with it, browsers send `Origin: null` on the dashboard's own forms.
                headers["Referrer-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if not cacheable:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SameOriginMiddleware:
    """Refuses state-changing requests whose Origin (else Referer) is not this dashboard on an allowed host."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        self.allowed_hosts = tuple(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            request = Request(scope)
            source = urlsplit(request.headers.get("origin") or request.headers.get("referer") or "")
            own = f"{request.url.scheme}://{request.url.netloc}"
            if not host_allowed(source.hostname, self.allowed_hosts) or f"{source.scheme}://{source.netloc}" != own:
                log.warning("refused a cross-origin %s to %s", scope["method"], request.url.path)
                await PlainTextResponse("cross-site request refused", status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class CsrfMiddleware:
    """Every state-changing request must carry the session's CSRF token (form field or X-CSRF-Token header).

    Sits inside the session middleware, so it covers sqladmin's own create, edit and delete requests too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > MAX_FORM_BYTES:
                await PlainTextResponse("request too large", status_code=413)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        def replay() -> Receive:
            sent = False

            async def receive_again() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            return receive_again

        request = Request(scope, replay())
        submitted: object = request.headers.get(CSRF_HEADER)
        if not submitted:
            form = await request.form()
            submitted = form.get("csrf_token")
            await form.close()
        if not csrf_valid(scope.get("session", {}), submitted):
            log.warning("refused a %s to %s without a valid CSRF token", scope["method"], scope.get("path"))
            await HTMLResponse(EXPIRED_FORM, status_code=400)(scope, receive, send)
            return
        await self.app(scope, replay(), send)
