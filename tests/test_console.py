"""The terminal chat, driven by scripted input against the real Rasa server."""

from __future__ import annotations

import io
from pathlib import Path

from bot.app import Services, build_product
from bot.config import Settings
from bot.console import run_console
from bot.dialogue import DialogueClient
from bot.migrations import migrate


async def test_console_answers_and_numbered_choices_work(rasa_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        tracker_store_url=None,
        queue_url=f"sqlite:///{tmp_path / 'queue.db'}",
    )
    await migrate(settings.database_url)
    services = Services.open(settings, DialogueClient(rasa_url, 30.0))
    assistant = build_product(settings, services, "console").assistant
    script = io.StringIO("What is SSW?\n/help\n2\nSSW کیا ہے؟\n/jobs\n/quit\n")
    out = io.StringIO()
    try:
        await run_console(assistant, stdin=script, stdout=out)
    finally:
        await services.close()
    transcript = out.getvalue()
    assert "Specified Skilled Worker" in transcript
    assert "[24]" in transcript, "the topic menu is shown as numbered choices"
    # Choice 2 of the menu is "What is SSW?": the English SSW answer appears exactly twice.
    assert transcript.count("bot> Specified Skilled Worker (SSW, Tokutei Ginou)") == 2
    assert "مخصوص ہنرمند کارکن" in transcript
    assert "I do not know that command" in transcript or "کمانڈ" in transcript, "unknown commands are answered"
    assert transcript.rstrip().endswith("Allah hafiz!")
