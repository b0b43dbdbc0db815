"""Terminal chat over the same Assistant as Telegram: buttons become numbered choices."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from bot.assistant import Assistant, User
from bot.dialogue import Button
from bot.replies import Rendered

PROMPT = "you> "
QUIT_COMMANDS = frozenset({"/quit", "/exit"})


def render_for_terminal(messages: list[Rendered]) -> tuple[str, list[Button]]:
    """Text for the terminal, and the buttons in the order their numbers were printed."""
    lines: list[str] = []
    choices: list[Button] = []
    for message in messages:
        if message.text:
            lines.append(f"bot> {message.text}")
        if message.image:
            lines.append(f"bot> [image] {message.image}")
        for button in message.buttons:
            choices.append(button)
            lines.append(f"  [{len(choices)}] {button.title}")
    return "\n".join(lines), choices


async def _read_line(stream: TextIO) -> str | None:
    line = await asyncio.to_thread(stream.readline)
    return line if line else None


async def run_console(assistant: Assistant, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    """Chat in the terminal until end of input or /quit."""
    user = User(sender_id=f"console-{getpass.getuser()}")
    stdout.write(
        "Local chat (no Telegram token). Type a question, a number to pick a choice, /help, /language or /quit.\n"
    )
    text, choices = render_for_terminal(assistant.welcome(user))
    stdout.write(text + "\n")
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = await _read_line(stdin)
        if line is None:
            break
        entry = line.strip()
        if entry in QUIT_COMMANDS:
            break
        if entry.isdigit() and 1 <= int(entry) <= len(choices):
            replies = await assistant.button(user, choices[int(entry) - 1].payload)
        elif entry == "/start":
            replies = assistant.welcome(user)
        elif entry == "/help":
            replies = await assistant.help(user)
        elif entry == "/language":
            replies = assistant.language_menu(user)
        else:
            replies = await assistant.text(user, entry)
        text, choices = render_for_terminal(replies)
        stdout.write(text + "\n")
        stdout.flush()
    stdout.write("Allah hafiz!\n")
