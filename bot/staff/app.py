"""The dashboard's composition: allowed hosts, security headers, one session cookie, CSRF, sqladmin views."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqladmin import Admin
from sqlalchemy import event
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.config import Settings
from bot.repository import Repository
from bot.staff.accounts import StaffAccounts
from bot.staff.admin_views import AuditLogAdmin, StaffUserAdmin
from bot.staff.applicants_page import ApplicantsView
from bot.staff.auth import SESSION_MAX_AGE, StaffAuthentication, is_admin
from bot.staff.openings_page import OpeningsImportView, next_statuses
from bot.staff.pages import WorkflowView
from bot.staff.roles import RoleAuthorization, StaffAuditBackend
from bot.staff.security import CsrfMiddleware, SameOriginMiddleware, SecurityHeadersMiddleware, csrf_token, load_secret
from bot.staff.views import JobOpeningAdmin, LeadAdmin
from bot.staff.workflow import NOTE_REQUIRED, allowed_next

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
SESSION_COOKIE = "staff_session"
# sqladmin routes the dashboard does not use. The file routes serve any path a text column names
# (a job opening titled `data/dashboard-secret` would download the signing key); CSV import is off
# everywhere. (The relationship lookup stays: sqladmin's forms link to it; no view configures one.)
UNUSED_ROUTES = frozenset({"file_download", "file_preview", "import"})


def wait_for_sqlite_locks(repository: Repository, seconds: float = 30.0) -> None:
    """On SQLite, transactions queue for the write lock instead of failing (parallel logins all write).

    A deferred SQLite transaction that reads and then writes can deadlock with another writer, and
    SQLite then answers "database is locked" at once; BEGIN IMMEDIATE takes the write lock up front
    and the busy timeout lets the next transaction wait for it. (PostgreSQL needs neither.)
    """
    engine = repository.engine.sync_engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "checkout")
    def _configure(connection: Any, *_: Any) -> None:
        connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_dashboard(settings: Settings, repository: Repository) -> Starlette:
    """The staff web app; everything under /admin requires a login."""
    secret = load_secret(settings.dashboard_secret_path, settings.dashboard_secret_key)
    wait_for_sqlite_locks(repository)

    async def home(_: Request) -> Response:
        return RedirectResponse("/admin/")  # relative: never built from the Host header

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await repository.dispose()

    app = Starlette(
        routes=[Route("/", home), Mount("/staff-static", StaticFiles(directory=HERE / "static"), name="staff-static")],
        lifespan=lifespan,
        middleware=[  # outermost first
            Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.dashboard_allowed_hosts), www_redirect=False),
            Middleware(SecurityHeadersMiddleware),
            Middleware(SameOriginMiddleware, allowed_hosts=settings.dashboard_allowed_hosts),
            Middleware(
                SessionMiddleware,
                secret_key=secret,
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_MAX_AGE,
                same_site="strict",
                https_only=settings.dashboard_https,
            ),
            Middleware(CsrfMiddleware),
        ],
    )
    app.state.repository = repository
    admin = Admin(
        app,
        engine=repository.engine,
        title="Japan Work PK — staff",
        base_url="/admin",
        templates_dir=str(TEMPLATES),
        authentication_backend=StaffAuthentication(StaffAccounts(repository), repository),
        authorization_backend=RoleAuthorization(),
        audit_backend=StaffAuditBackend(repository),
    )
    routes: list[BaseRoute] = [r for r in admin.admin.router.routes if getattr(r, "name", None) not in UNUSED_ROUTES]
    admin.admin.router.routes = routes
    admin.templates.env.globals.update(
        csrf_token=csrf_token,
        allowed_next=allowed_next,
        opening_next=next_statuses,
        note_required=NOTE_REQUIRED,
        is_admin=is_admin,
    )
    admin.admin.state.repository = repository  # the mounted admin app is what its views see
    admin.admin.state.queue_location = settings.queue_location  # publishing an opening queues its job alerts
    admin.add_view(LeadAdmin)
    admin.add_view(JobOpeningAdmin)
    admin.add_view(WorkflowView)
    admin.add_view(OpeningsImportView)
    admin.add_view(ApplicantsView)
    admin.add_view(StaffUserAdmin)
    admin.add_view(AuditLogAdmin)
    return app
