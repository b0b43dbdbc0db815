"""The terminal chat, driven by scripted input against the real Rasa server."""

from __future__ import annotations

import io

from bot.assistant import Assistant
from bot.console import run_console
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.replies import Renderer


async def test_console_answers_and_numbered_choices_work(rasa_url: str, catalogs: Catalogs) -> None:
    dialogue = DialogueClient(rasa_url, 30.0)
    assistant = Assistant(dialogue, Renderer(catalogs), catalogs.languages, "en")
    script = io.StringIO("What is SSW?\n/help\n2\nSSW کیا ہے؟\n/quit\n")
    out = io.StringIO()
    try:
        await run_console(assistant, stdin=script, stdout=out)
    finally:
        await dialogue.aclose()
    transcript = out.getvalue()
    assert "Specified Skilled Worker" in transcript
    assert "[24]" in transcript, "the topic menu is shown as numbered choices"
    # Choice 2 of the menu is "What is SSW?": the English SSW answer appears exactly twice.
    assert transcript.count("bot> Specified Skilled Worker (SSW, Tokutei Ginou)") == 2
    assert "مخصوص ہنرمند کارکن" in transcript
    assert transcript.rstrip().endswith("Allah hafiz!")
