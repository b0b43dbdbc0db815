"""Owns the terminal chat: the same Assistant as Telegram, with buttons shown as numbered choices."""

from __future__ import annotations

import asyncio
import getpass
import re
import sys
import threading
from typing import TextIO

from bot.alerts import ALERTS_PAYLOAD_PREFIX
from bot.assistant import Assistant, User
from bot.dialogue import Button
from bot.privacy import DELETE_NO, DELETE_YES
from bot.replies import LANGUAGE_PAYLOAD_PREFIX, Rendered

PROMPT = "you> "
QUIT_COMMANDS = frozenset({"/quit", "/exit"})
_COMMAND = re.compile(r"/[A-Za-z0-9_@]{1,40}")


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


def _reader(stream: TextIO, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """Read lines in a daemon thread, so that Ctrl-C or SIGTERM never waits for the next line to be typed."""
    for line in iter(stream.readline, ""):
        loop.call_soon_threadsafe(lines.put_nowait, line)
    loop.call_soon_threadsafe(lines.put_nowait, None)


async def _answer(assistant: Assistant, user: User, entry: str, choices: list[Button]) -> list[Rendered]:
    """The same commands and buttons as on Telegram."""
    if entry.isdigit() and 1 <= int(entry) <= len(choices):
        payload = choices[int(entry) - 1].payload
        if payload.startswith(LANGUAGE_PAYLOAD_PREFIX):
            return await assistant.set_language(user, payload.removeprefix(LANGUAGE_PAYLOAD_PREFIX))
        if payload in (DELETE_YES, DELETE_NO):
            return await assistant.delete(user, payload == DELETE_YES)
        if payload.startswith(ALERTS_PAYLOAD_PREFIX):
            return await assistant.alerts(user, payload)
        return await assistant.button(user, payload)
    commands = {
        "/start": assistant.welcome,
        "/help": assistant.help,
        "/language": assistant.language_menu,
        "/apply": assistant.apply,
        "/cancel": assistant.cancel,
        "/mydata": assistant.my_data,
        "/delete": assistant.confirm_delete,
        "/alerts": assistant.alerts,
    }
    word = entry.split(maxsplit=1)[0].lower() if entry.startswith("/") else ""
    if word in commands:
        return await commands[word](user)
    if _COMMAND.fullmatch(word):
        return await assistant.unknown_command(user)
    return await assistant.text(user, entry)


async def run_console(assistant: Assistant, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    """Chat in the terminal until end of input or /quit."""
    user = User(sender_id=f"console-{getpass.getuser()}")
    stdout.write(
        "Local chat (no Telegram token). Type a question, a number to pick a choice, /help, /language or /quit.\n"
    )
    text, choices = render_for_terminal(await assistant.welcome(user))
    stdout.write(text + "\n")
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    threading.Thread(target=_reader, args=(stdin, asyncio.get_running_loop(), lines), daemon=True).start()
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = await lines.get()
        if line is None:
            break
        entry = line.strip()
        if entry in QUIT_COMMANDS:
            break
        text, choices = render_for_terminal(await _answer(assistant, user, entry, choices))
        stdout.write(text + "\n")
        stdout.flush()
    stdout.write("Allah hafiz!\n")
