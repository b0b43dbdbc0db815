"""Babel extractor for the Rasa project's responses, so translators see every text the bot can say.

Registered in babel.cfg; it yields each response `text` and button `title` of domain.yml and
responses/**.yml, with the fact IDs from the response's metadata as a comment for translators.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

Extracted = tuple[int, str | None, str, list[str]]


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _sequence(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _fact_comment(variation: dict[str, yaml.Node]) -> list[str]:
    metadata = _mapping(variation.get("metadata"))
    facts = [value for item in _sequence(metadata.get("facts")) if (value := _scalar(item))]
    as_of = _scalar(metadata.get("as_of"))
    comment = []
    if facts:
        comment.append("facts.md: " + ", ".join(facts) + (f" (as of {as_of})" if as_of else ""))
    return comment


def extract_responses(node: yaml.Node) -> Iterator[Extracted]:
    """Yield (line, None, message, comments) for every response text and button title in a YAML tree."""
    responses = _mapping(_mapping(node).get("responses"))
    for name, variations in responses.items():
        for variation_node in _sequence(variations):
            variation = _mapping(variation_node)
            comments = [f"response: {name}", *_fact_comment(variation)]
            text_node = variation.get("text")
            if (text := _scalar(text_node)) and text_node is not None:
                yield text_node.start_mark.line + 1, None, text, comments
            for button in _sequence(variation.get("buttons")):
                title_node = _mapping(button).get("title")
                if (title := _scalar(title_node)) and title_node is not None:
                    yield title_node.start_mark.line + 1, None, title, [f"button in {name}"]


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Iterator[Extracted]:
    """Babel's extractor entry point."""
    node = yaml.compose(fileobj.read().decode(options.get("encoding", "utf-8")))
    if node is not None:
        yield from extract_responses(node)
