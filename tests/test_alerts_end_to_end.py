"""Issue #16's "done when", end to end on PostgreSQL: a recruiter imports a demand sheet in the dashboard and
publishes the opening; the Urdu-speaking user who opted in gets one alert from the real adapter, taps
"I'm interested" and appears among the opening's applicants on its page; a user who said "stop" gets
nothing. Dashboard over HTTP (ASGI), adapter with its alert worker, Telegram faked at the Bot API."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bot.alerts import ALERTS_ON
from bot.i18n import Catalogs
from bot.job_alerts import ALERT_HEADER
from bot.models import JobOpening
from bot.opening_sheet import TEMPLATE_COLUMNS
from bot.replies import Renderer
from tests.conftest import Harness, eventually
from tests.fake_telegram import callback_update, message_update
from tests.test_dashboard import ORIGIN, csrf_from, login, seeded_dashboard
from tests.test_job_alerts import ScriptedRasa
from tests.test_openings_import import as_csv, row

IMPORT = "/admin/openings/import"


async def test_import_publish_alert_interest_applicants(
    make_harness: Any, postgres_url: str, tmp_path: Path, catalogs: Catalogs
) -> None:
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    # Seeded leads: 1 Ali Raza (Urdu, IT, Lahore), 2 Sara Khan (English, IT), 3 Bilal Ahmed (Urdu, IT), 4 nursing.
    app, repository = await seeded_dashboard(tmp_path, {"QUEUE_URL": queue}, database_url=postgres_url)
    env = {"DATABASE_URL": postgres_url, "QUEUE_URL": queue, "ALERT_QUIET_HOURS": "off"}
    harness: Harness = await make_harness(ScriptedRasa().client(), env)
    harness.application.bot_data["alert_worker"].start(asyncio.get_running_loop())
    await harness.send(callback_update(1, ALERTS_ON, language_code="ur"))
    await harness.send(callback_update(2, ALERTS_ON))
    await harness.send(message_update(2, "band karo"))  # Sara says stop; Bilal (3) never opted in

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN) as staff:
        await login(staff)
        sheet = as_csv(
            [
                list(TEMPLATE_COLUMNS),
                row(
                    employer="Osaka Web KK",
                    title="Web developer",
                    field="it",
                    route="other",
                    japanese_required="none",
                    education="bachelor",
                    location="Osaka",
                    salary_min_yen="260000",
                    salary_max_yen="330000",
                ),
            ]
        )
        token = await csrf_from(staff, IMPORT)
        imported = await staff.post(
            IMPORT, data={"csrf_token": token}, files={"sheet": ("demand.csv", sheet)}, headers={"Origin": ORIGIN}
        )
        assert imported.status_code == 303
        async with repository.session() as session:
            opening = await session.scalar(select(JobOpening.id).where(JobOpening.title == "Web developer"))
        assert opening is not None
        page = f"/admin/job-opening/details/{opening}"
        token = await csrf_from(staff, page)
        published = await staff.post(
            f"/admin/openings/{opening}/status",
            data={"csrf_token": token, "status": "published"},
            headers={"Origin": ORIGIN},
        )
        assert published.status_code == 303

        renderer = Renderer(catalogs)
        header = renderer.translator("ur")(ALERT_HEADER)

        def alerts(chat: int) -> list[dict[str, Any]]:
            sent = harness.telegram.sent()
            return [p for p in sent if int(p["chat_id"]) == chat and "Web developer" in str(p.get("text", ""))]

        async def arrived() -> bool:
            return bool(alerts(1))

        await eventually(arrived)
        await asyncio.sleep(1.0)  # time for any other alert to go out (25 a second)
        [alert] = alerts(1)
        assert alert["text"].startswith(header) and re.search("[\u0600-\u06ff]", alert["text"].splitlines()[0])
        assert alerts(2) == [] and alerts(3) == [] and alerts(4) == []
        interested = json.loads(alert["reply_markup"])["inline_keyboard"][0][0]["callback_data"]
        await harness.send(callback_update(1, interested, language_code="ur", message_id=4242))

        details = (await staff.get(page)).text
        start = details.index('id="applicants"')
        applicants = details[start : details.index("</table>", start)]
        assert "Ali Raza" in applicants and "Sara Khan" not in applicants and "Bilal Ahmed" not in applicants
        assert re.search(r'id="progress-sent"[^>]*>\s*1\s*<', details)
        assert re.search(r'id="progress-applications"[^>]*>\s*1\s*<', details)
    await repository.dispose()
