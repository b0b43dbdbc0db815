"""Translators' catalogs: complete, not fuzzy, placeholders intact, and current with the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT

LOCALES = PROJECT_ROOT / "locales"
LANGUAGES = ("ur", "ur_Latn")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def source_messages() -> set[str]:
    """Every msgid the sources produce, extracted exactly as `make i18n` does."""
    with (PROJECT_ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    return {
        str(message)
        for _, _, message, _, _ in extract_from_dir(str(PROJECT_ROOT), method_map, options_map, keywords={"_": None})
        if not str(message).startswith(".venv")
    }


def test_template_is_current_with_the_sources() -> None:
    template = {str(m.id) for m in read(LOCALES / "messages.pot") if m.id}
    sources = source_messages()
    assert sources - template == set(), "run `make i18n`: strings missing from messages.pot"
    assert template - sources == set(), "run `make i18n`: messages.pot has strings no source uses"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_consistent(language: str) -> None:
    catalog = read(LOCALES / language / "LC_MESSAGES" / "messages.po")
    template = {str(m.id) for m in read(LOCALES / "messages.pot") if m.id}
    translated = {str(m.id): m for m in catalog if m.id}
    assert template - set(translated) == set(), f"{language}: entries missing, run `make i18n`"
    problems = []
    for msgid, message in translated.items():
        if msgid not in template:
            continue
        text = message.string if isinstance(message.string, str) else " ".join(message.string or ())
        if not text.strip():
            problems.append(f"untranslated: {msgid[:60]!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid[:60]!r}")
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text)):
            problems.append(f"placeholders differ: {msgid[:60]!r}")
        if text.count("%") != msgid.count("%"):
            problems.append(f"stray % sign: {msgid[:60]!r}")
        if msgid.count("\n") != text.count("\n"):
            problems.append(f"line count differs: {msgid[:60]!r}")
    for message, errors in catalog.check():
        problems += [f"{error}: {str(message.id)[:60]!r}" for error in errors]
    assert not problems, f"{language}:\n" + "\n".join(problems)


def test_every_rasa_response_has_a_catalog_entry() -> None:
    import yaml

    template = {str(m.id) for m in read(LOCALES / "messages.pot") if m.id}
    files = [PROJECT_ROOT / "domain.yml", *sorted((PROJECT_ROOT / "responses").rglob("*.yml"))]
    for path in files:
        for name, variations in yaml.safe_load(path.read_text(encoding="utf-8"))["responses"].items():
            for variation in variations:
                if "text" in variation:
                    assert variation["text"] in template, f"{name} text is not in messages.pot"
                for button in variation.get("buttons", []):
                    assert button["title"] in template, f"{name} button {button['title']!r} not in messages.pot"
