"""The dashboard's composition: Starlette app, sessions, CSRF protection, sqladmin views."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from sqladmin import Admin
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.config import Settings
from bot.models import LEAD_STATUSES
from bot.repository import Repository
from bot.staff.accounts import StaffAccounts
from bot.staff.security import SameOriginMiddleware, StaffAuthentication, csrf_token, load_secret
from bot.staff.views import JobOpeningAdmin, LeadAdmin, WorkflowView

TEMPLATES = Path(__file__).resolve().parent / "templates"
SESSION_MAX_AGE = 8 * 3600  # one working day


def create_dashboard(settings: Settings, repository: Repository) -> Starlette:
    """The staff web app; everything under /admin requires a login."""
    secret = load_secret(settings.dashboard_secret_path, settings.dashboard_secret_key)

    async def home(request: Request) -> Response:
        return RedirectResponse(str(request.url_for("admin:index")))

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await repository.dispose()

    app = Starlette(
        routes=[Route("/", home)],
        lifespan=lifespan,
        middleware=[
            Middleware(SameOriginMiddleware),
            Middleware(
                SessionMiddleware,
                secret_key=secret,
                session_cookie="staff_session",
                max_age=SESSION_MAX_AGE,
                same_site="strict",
                https_only=settings.dashboard_https,
            ),
        ],
    )
    app.state.repository = repository
    admin = Admin(
        app,
        engine=repository.engine,
        title="Japan Work PK — staff",
        base_url="/admin",
        templates_dir=str(TEMPLATES),
        authentication_backend=StaffAuthentication(secret, StaffAccounts(repository)),
    )
    admin.templates.env.globals.update(csrf_token=csrf_token, statuses=LEAD_STATUSES)
    admin.admin.state.repository = repository  # the mounted admin app is what its views see
    admin.add_view(LeadAdmin)
    admin.add_view(JobOpeningAdmin)
    admin.add_view(WorkflowView)
    return app
