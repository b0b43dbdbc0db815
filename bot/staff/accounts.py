"""Staff accounts: roles, argon2 hashes checked off the event loop, an atomic lock-out, revocable sessions."""

from __future__ import annotations

import asyncio
import enum
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, case, or_, select, update

from bot.models import StaffUser
from bot.repository import Repository
from bot.staff.passwords import PasswordRejected, check_email, check_password, normalise_email

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=15)
ROLES = ("admin", "recruiter")

_hasher = PasswordHasher()


class LoginResult(enum.Enum):
    """Outcome of a login attempt (the page shows one message for every refusal)."""

    OK = "ok"
    INVALID = "invalid"  # the password was checked and is wrong
    REFUSED = "refused"  # not checked: the account is locked or does not exist


class AccountError(ValueError):
    """An account cannot be created as asked (the message says why)."""


@dataclass(frozen=True)
class StaffIdentity:
    """The logged-in staff member as a session knows them."""

    id: int
    email: str
    role: str
    session_token: str

    @property
    def is_admin(self) -> bool:
        """Admins manage staff accounts, export leads and read the audit log."""
        return self.role == "admin"


@dataclass(frozen=True)
class LoginOutcome:
    """The result, and on success who logged in."""

    result: LoginResult
    staff: StaffIdentity | None = None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """A hash to check unknown or locked accounts against, so that they take as long as real ones."""
    return _hasher.hash(secrets.token_urlsafe(16))


class StaffAccounts:
    """Creates staff accounts, checks logins and ends sessions (removal: the dashboard's Staff accounts page)."""

    def __init__(self, repository: Repository) -> None:
        self._repository = repository

    async def add(self, email: str, password: str, role: str = "recruiter") -> None:
        """Create an account, or reset the password and role of an existing one (ending its sessions)."""
        if role not in ROLES:
            raise AccountError(f"the role must be one of {', '.join(ROLES)}, got {role!r}")
        try:
            email = check_email(email)
            check_password(password, email)
        except PasswordRejected as err:
            raise AccountError(str(err)) from err
        password_hash = await asyncio.to_thread(_hasher.hash, password)
        async with self._repository.session() as session:
            user = await session.scalar(select(StaffUser).where(StaffUser.email == email))
            if user is None:
                user = StaffUser(email=email, password_hash=password_hash, role=role)
                session.add(user)
            else:
                user.password_hash, user.failed_logins, user.locked_until = password_hash, 0, None
                user.role = role
            user.session_token = secrets.token_urlsafe(32)

    async def login(self, email: str, password: str, now: datetime | None = None) -> LoginOutcome:
        """Check a password; the fifth failure in a row locks the account for 15 minutes.

        Each attempt is counted by one UPDATE before the hash is checked, so parallel guesses cannot
        slip past the limit, and a locked account refuses even the right password.
        """
        now = now or datetime.now(UTC)
        expired = and_(StaffUser.locked_until.is_not(None), StaffUser.locked_until <= now)
        attempts = case((expired, 1), else_=StaffUser.failed_logins + 1)
        reserve = (
            update(StaffUser)
            .where(StaffUser.email == normalise_email(email))
            .where(or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= now))
            .values(failed_logins=attempts, locked_until=case((attempts >= MAX_FAILED_LOGINS, now + LOCK_DURATION)))
            .returning(StaffUser.id, StaffUser.password_hash)
            .execution_options(synchronize_session=False)
        )
        async with self._repository.session() as session:
            row = (await session.execute(reserve)).first()
        if row is None:
            await asyncio.to_thread(lambda: _verify(_dummy_hash(), password))
            return LoginOutcome(LoginResult.REFUSED)
        staff_id, password_hash = int(row[0]), str(row[1])
        if not await asyncio.to_thread(_verify, password_hash, password):
            return LoginOutcome(LoginResult.INVALID)
        rehash = _hasher.check_needs_rehash(password_hash)
        new_hash = await asyncio.to_thread(_hasher.hash, password) if rehash else password_hash
        async with self._repository.session() as session:
            user = await session.get(StaffUser, staff_id, with_for_update=True)
            if user is None:
                return LoginOutcome(LoginResult.REFUSED)
            user.failed_logins, user.locked_until, user.password_hash = 0, None, new_hash
            if not user.session_token:
                user.session_token = secrets.token_urlsafe(32)
            return LoginOutcome(LoginResult.OK, _identity(user))

    async def identify(self, staff_id: int, session_token: str) -> StaffIdentity | None:
        """The account a session belongs to, if it still exists and the session was not ended."""
        async with self._repository.session() as session:
            user = await session.get(StaffUser, staff_id)
        if user is None or not user.session_token:
            return None
        if not hmac.compare_digest(user.session_token.encode(), session_token.encode()):
            return None
        return _identity(user)

    async def end_sessions(self, staff_id: int) -> None:
        """Log the account out everywhere (a new token; old cookies no longer match)."""
        async with self._repository.session() as session:
            await session.execute(
                update(StaffUser).where(StaffUser.id == staff_id).values(session_token=secrets.token_urlsafe(32))
            )


def _identity(user: StaffUser) -> StaffIdentity:
    return StaffIdentity(id=user.id, email=user.email, role=user.role, session_token=user.session_token or "")
