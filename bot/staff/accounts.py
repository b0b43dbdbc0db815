"""Staff accounts: argon2 password hashes and a lock-out after repeated failed logins."""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from bot.models import StaffUser
from bot.repository import Repository

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


class LoginResult(enum.Enum):
    """Outcome of a login attempt."""

    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"


class AccountError(ValueError):
    """An account cannot be created as asked (the message says why)."""


class StaffAccounts:
    """Creates staff accounts and checks logins."""

    def __init__(self, repository: Repository) -> None:
        self._repository = repository

    async def add(self, email: str, password: str) -> None:
        """Create an account, or reset the password of an existing one."""
        email = email.strip().lower()
        if "@" not in email or len(email) > 254:
            raise AccountError(f"not an e-mail address: {email!r}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        async with self._repository.session() as session:
            user = await session.scalar(select(StaffUser).where(StaffUser.email == email))
            if user is None:
                session.add(StaffUser(email=email, password_hash=_hasher.hash(password)))
            else:
                user.password_hash, user.failed_logins, user.locked_until = _hasher.hash(password), 0, None

    async def login(self, email: str, password: str, now: datetime | None = None) -> LoginResult:
        """Check a password; five failures in a row lock the account for 15 minutes."""
        now = now or datetime.now(UTC)
        async with self._repository.session() as session:
            user = await session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
            if user is None:
                _hasher.hash(password)  # same work as a real check, so timing does not reveal accounts
                return LoginResult.INVALID
            locked_until = user.locked_until
            if locked_until is not None and locked_until.tzinfo is None:
                locked_until = locked_until.replace(tzinfo=UTC)
            if locked_until is not None and locked_until > now:
                return LoginResult.LOCKED
            try:
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.locked_until, user.failed_logins = now + LOCK_DURATION, 0
                    return LoginResult.LOCKED
                return LoginResult.INVALID
            user.failed_logins, user.locked_until = 0, None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            return LoginResult.OK
