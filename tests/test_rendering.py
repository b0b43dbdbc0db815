"""Urdu replies read right: Latin terms inside right-to-left text are isolated, and a screenshot shows it."""

from __future__ import annotations

import html
import re
import shutil

import pytest
import yaml
from babel.messages.pofile import read_po
from playwright.async_api import async_playwright

from bot.config import PROJECT_ROOT
from bot.dialogue import BotMessage
from bot.i18n import Catalogs
from bot.replies import Renderer
from tests.test_browser import ARTIFACTS, CHROMIUM_ARGS

LRI, PDI = "\u2066", "\u2069"


def urdu_catalog_strings() -> list[str]:
    with (PROJECT_ROOT / "locales" / "ur" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return [str(m.id) for m in read_po(handle) if m.id and m.string]


@pytest.mark.parametrize("msgid", urdu_catalog_strings())
def test_every_latin_run_in_urdu_is_isolated(catalogs: Catalogs, msgid: str) -> None:
    rendered = Renderer(catalogs).translator("ur")(msgid)
    assert rendered.count(LRI) == rendered.count(PDI)
    # Remove the isolated runs; what is left must not contain Latin letters or digits.
    outside = re.sub(f"{LRI}[^{PDI}]*{PDI}", "", rendered)
    assert not re.search(r"[A-Za-z0-9]", outside), outside


async def test_screenshot_of_an_urdu_answer(catalogs: Catalogs) -> None:
    source = yaml.safe_load((PROJECT_ROOT / "responses" / "faq" / "language_requirement.yml").read_text())
    answer = source["responses"]["utter_faq/language_requirement"][0]
    [rendered] = Renderer(catalogs).engine_messages("ur", [BotMessage(text=answer["text"])])
    assert "JLPT" in rendered.text and f"{LRI}JLPT N4" in rendered.text
    page_html = (
        "<html lang='ur'><body style='background:#dfe7ef;font-family:Noto Naskh Arabic,sans-serif'>"
        "<div dir='auto' style='max-width:420px;margin:20px;padding:12px;background:white;border-radius:12px;"
        f"white-space:pre-wrap;font-size:16px;line-height:1.6'>{html.escape(rendered.text)}</div></body></html>"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = await browser.new_page(viewport={"width": 480, "height": 900})
        await page.set_content(page_html)
        direction = await page.eval_on_selector("div", "e => getComputedStyle(e).direction")
        await page.screenshot(path=str(ARTIFACTS / "urdu-reply.png"), full_page=True)
        await browser.close()
    assert direction == "rtl", "the bubble must lay out right to left"
