"""The custom-message contract with Rasa: every kind the domain, the responses or the actions emit is one the
adapter knows (contract/kinds.py) and turns into a typed message (bot/dialogue.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.dialogue import UnknownKind, parse_custom, parse_messages
from contract import kinds


def _customs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "custom" and isinstance(value, dict) and "kind" in value:
                yield str(value["kind"])
            yield from _customs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _customs(item)


def emitted_kinds() -> dict[str, set[str]]:
    """Each kind emitted anywhere on the Rasa side, with where."""
    found: dict[str, set[str]] = {}
    for path in [PROJECT_ROOT / "domain.yml", *sorted((PROJECT_ROOT / "responses").rglob("*.yml"))]:
        for kind in _customs(yaml.safe_load(path.read_text(encoding="utf-8"))):
            found.setdefault(kind, set()).add(str(path.relative_to(PROJECT_ROOT)))
    for path in sorted((PROJECT_ROOT / "actions").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        names = [getattr(kinds, name, name) for name in re.findall(r"\bkinds\.([A-Z_]+)\b", source)]
        literals = re.findall(r"""["']kind["']\s*:\s*["'](\w+)["']""", source)
        for kind in [*names, *literals]:
            found.setdefault(str(kind), set()).add(str(path.relative_to(PROJECT_ROOT)))
    return found


def test_the_rasa_side_emits_kinds() -> None:
    found = emitted_kinds()
    assert {kinds.TOPIC, kinds.LEAD_COMPLETE, kinds.LEAD_SUMMARY} <= set(found), "the scan must see the emitters"


@pytest.mark.parametrize("kind", sorted(emitted_kinds()))
def test_every_emitted_kind_is_handled_by_the_adapter(kind: str) -> None:
    assert kind in kinds.ALL, f"{kind!r} (emitted in {sorted(emitted_kinds()[kind])}) is not in contract/kinds.py"
    assert not isinstance(parse_custom({"kind": kind}), UnknownKind), f"bot/dialogue.py has no type for {kind!r}"


@pytest.mark.parametrize("kind", sorted(kinds.ALL))
def test_every_listed_kind_has_a_typed_message(kind: str) -> None:
    assert not isinstance(parse_custom({"kind": kind}), UnknownKind)


def test_an_unknown_kind_is_kept_visible_not_dropped() -> None:
    [message] = parse_messages([{"recipient_id": "1", "custom": {"kind": "surprise"}}])
    assert message.custom == UnknownKind(kind="surprise")


def test_the_action_server_and_the_bot_share_one_vocabulary() -> None:
    for path in (PROJECT_ROOT / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+actions\b", source, re.M), f"{path} imports the action server"
    assert "from contract" in (PROJECT_ROOT / "actions" / "validation.py").read_text(encoding="utf-8")
    assert Path(kinds.__file__).parent.name == "contract"


@pytest.mark.parametrize(
    "path", sorted((PROJECT_ROOT / "bot").rglob("*.py")), ids=lambda p: str(p.relative_to(PROJECT_ROOT))
)
def test_each_module_is_small_and_says_what_it_owns(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 300, f"{path.name} has grown past 300 lines: split it"
    assert source.lstrip().startswith('"""'), f"{path.name} must open with a line saying what it owns"
