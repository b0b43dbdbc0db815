"""The rules a staff e-mail address and password must meet (checked offline, nothing fetched)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIN_PASSWORD_LENGTH = 12
MIN_DISTINCT_CHARACTERS = 5
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common-passwords.txt"
# Rows of a keyboard and runs of digits/letters, forwards; a password inside one of them is a pattern.
SEQUENCES = ("1234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv")
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_EMAIL = re.compile(rf"[a-z0-9!#$%&'*+/=?^_`{{|}}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{{|}}~-]+)*@({_LABEL}\.)+[a-z]{{2,63}}")


class PasswordRejected(ValueError):
    """A password or e-mail address that is refused (the message says why, for the person choosing it)."""


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common and breached passwords, lower-cased."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def normalise_email(email: str) -> str:
    """An e-mail address as stored: trimmed and lower-cased."""
    return email.strip().lower()


def check_email(email: str) -> str:
    """The normalised address, or PasswordRejected if it is not a plausible e-mail address."""
    address = normalise_email(email)
    if len(address) > 254 or not _EMAIL.fullmatch(address) or ".." in address:
        raise PasswordRejected(f"not an e-mail address: {address!r} (expected something like name@example.org)")
    return address


def _core(password: str) -> str:
    """The password without the digits and symbols people add around a word (Password123! → password)."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def _is_sequence(text: str) -> bool:
    return len(text) >= 6 and any(text in run or text in run[::-1] for run in SEQUENCES)


def check_password(password: str, email: str) -> None:
    """Refuse short, repetitive, common, breached-looking or e-mail-derived passwords."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if not password.strip() or len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise PasswordRejected(
            f"the password must use at least {MIN_DISTINCT_CHARACTERS} different characters (not only repeats)"
        )
    lowered = password.lower()
    compact = re.sub(r"[\s\W_]+", "", lowered)
    core = _core(password)
    listed = common_passwords()
    if lowered in listed or compact in listed or core in listed or _is_sequence(compact):
        raise PasswordRejected("this password is too common (it appears in lists of leaked passwords); choose another")
    if len(set(core)) < 3 or (core and _is_sequence(core)):
        raise PasswordRejected("this password is a simple pattern; choose a few unrelated words instead")
    local, _, domain = normalise_email(email).partition("@")
    names = [part for part in re.split(r"[._+-]", local) + domain.split(".")[:-1] if len(part) >= 4]
    if any(name in lowered for name in names) or (len(local) >= 3 and local in lowered):
        raise PasswordRejected("the password must not contain your e-mail address or name")
