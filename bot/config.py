"""Owns configuration: the only module that reads the environment; each key is named once, with its default.

Every setting is declared as a dataclass field whose metadata names its environment variable and how to parse
it (in the spirit of starlette's `Config`): `Settings.from_env` reads them all, and a bad value raises
`SettingsError` naming the variable. Constructing `Settings(...)` directly (tests) uses the same defaults.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from contract.queue import queue_location

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ur", "ur_Latn")


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


Parser = Callable[[str, str], Any]


def _text(key: str, raw: str) -> str:
    return raw


def _optional(key: str, raw: str) -> str | None:
    return raw or None


def _whole(low: int, high: int) -> Parser:
    def parse(key: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError as err:
            raise SettingsError(f"{key} must be a whole number, got {raw!r}") from err
        if not low <= value <= high:
            raise SettingsError(f"{key} must be between {low} and {high}, got {value}")
        return value

    return parse


def _seconds(key: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError as err:
        raise SettingsError(f"{key} must be a number of seconds, got {raw!r}") from err
    if value <= 0:
        raise SettingsError(f"{key} must be positive, got {value}")
    return value


def _flag(key: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{key} must be true or false, got {raw!r}")


def _hours(key: str, raw: str) -> tuple[int, int] | None:
    """Quiet hours "22-8" (Pakistan time, start and end hour), or "off"."""
    if raw.lower() == "off":
        return None
    try:
        start, end = (int(part) for part in raw.split("-"))
    except ValueError as err:
        raise SettingsError(f"{key} must be like 22-8 (hours, Pakistan time) or off, got {raw!r}") from err
    if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
        raise SettingsError(f"{key} must be two different hours from 0 to 23, got {raw!r}")
    return start, end


def _http_url(key: str, raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise SettingsError(f"{key} must start with http:// or https://, got {raw!r}")
    return raw.rstrip("/")


def _http_urls(key: str, raw: str) -> tuple[str, ...]:
    return tuple(_http_url(key, part.strip()) for part in raw.split(",") if part.strip())


def _one_of(*choices: str) -> Parser:
    def parse(key: str, raw: str) -> str:
        if raw not in choices:
            raise SettingsError(f"{key} must be one of {', '.join(choices)}, got {raw!r}")
        return raw

    return parse


def _log_level(key: str, raw: str) -> str:
    return str(_one_of("DEBUG", "INFO", "WARNING", "ERROR")(key, raw.upper()))


def _chat_id(key: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as err:
        raise SettingsError(f"{key} must be a Telegram chat id (a whole number), got {raw!r}") from err


def _ids(key: str, raw: str) -> frozenset[int]:
    return frozenset(_chat_id(key, part.strip()) for part in raw.split(",") if part.strip())


def _database_url(key: str, raw: str) -> str:
    if not raw.startswith(("sqlite", "postgresql", "postgres")):
        raise SettingsError(f"{key} must be a sqlite:// or postgresql:// URL, got {raw.split(':')[0]!r}")
    return raw


def _tracker_url(key: str, raw: str) -> str | None:
    return None if raw == "none" else _database_url(key, raw)


def _redis_url(key: str, raw: str) -> str | None:
    if not raw:
        return None
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"{key} must be a redis:// URL, got {raw.split(':')[0]!r}")
    return raw


def _queue_url(key: str, raw: str) -> str | None:
    if raw.startswith("sqlite:///"):
        return raw
    return _redis_url(key, raw)


def _path(key: str, raw: str) -> Path:
    return Path(raw)


def _webhook_url(key: str, raw: str) -> str | None:
    if raw and not raw.startswith("https://"):
        raise SettingsError(f"{key} must be an https:// URL (Telegram only calls HTTPS webhooks)")
    return raw or None


def _webhook_secret(key: str, raw: str) -> str | None:
    if raw and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", raw):
        raise SettingsError(f"{key} must be 16-256 characters of A-Z, a-z, 0-9, _ or -")
    return raw or None


def _hosts(key: str, raw: str) -> tuple[str, ...]:
    hosts = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    if not hosts:
        raise SettingsError(f"{key} must list at least one host name")
    return hosts


def setting(env: str, default: Any, parse: Parser = _text) -> Any:
    """A dataclass field read from environment variable `env` (empty or unset: `default`)."""
    return field(default=default, metadata={"env": env, "parse": parse})


def _data(name: str) -> Path:
    return PROJECT_ROOT / "data" / name


@dataclass(frozen=True)
class Settings:
    """Everything the assistant can be configured with, with defaults that run locally."""

    telegram_token: str | None = setting("TELEGRAM_BOT_TOKEN", None, _optional)
    telegram_api_url: str = setting("TELEGRAM_API_URL", "https://api.telegram.org", _http_url)
    rasa_port: int = setting("RASA_PORT", 5005, _whole(1, 65535))
    # RASA_URL: one server; RASA_URLS: several (sticky by chat, with failover). Empty: 127.0.0.1:RASA_PORT.
    rasa_url: str | None = setting("RASA_URL", None, _http_url)
    rasa_urls: tuple[str, ...] = setting("RASA_URLS", (), _http_urls)
    rasa_timeout: float = setting("RASA_TIMEOUT", 15.0, _seconds)
    default_language: str = setting("DEFAULT_LANGUAGE", "en", _one_of(*LANGUAGES))
    locales_dir: Path = setting("LOCALES_DIR", PROJECT_ROOT / "locales", _path)
    log_level: str = setting("LOG_LEVEL", "INFO", _log_level)
    database_url: str = setting("DATABASE_URL", f"sqlite:///{_data('bot.db')}", _database_url)
    # Rasa's tracker store: the one setting both Rasa's endpoints and erasure use ("none": not erased by us).
    tracker_store_url: str | None = setting("TRACKER_STORE_URL", f"sqlite:///{_data('rasa-tracker.db')}", _tracker_url)
    # Rasa's lock store (several Rasa instances need Redis); unset: Rasa keeps locks in memory.
    lock_store_url: str | None = setting("LOCK_STORE_URL", None, _redis_url)
    # Shared state of several adapter processes (throttle, per-chat order); unset: in this process only.
    redis_url: str | None = setting("REDIS_URL", None, _redis_url)
    staff_chat_id: int | None = setting("STAFF_CHAT_ID", None, _chat_id)
    staff_telegram_ids: frozenset[int] = setting("STAFF_TELEGRAM_IDS", frozenset(), _ids)
    # The durable job queue (leads, announcements), shared with the action server: sqlite:///file or redis://.
    # Unset: REDIS_URL when that is set, else data/queue.db (contract/queue.py resolves it the same way for both).
    queue_url: str | None = setting("QUEUE_URL", None, _queue_url)
    actions_port: int = setting("ACTIONS_PORT", 5055, _whole(1, 65535))
    dashboard_port: int = setting("DASHBOARD_PORT", 8080, _whole(1, 65535))
    dashboard_secret_key: str | None = setting("DASHBOARD_SECRET_KEY", None, _optional)
    dashboard_secret_path: Path = setting("DASHBOARD_SECRET_PATH", _data("dashboard-secret"), _path)
    dashboard_https: bool = setting("DASHBOARD_HTTPS", False, _flag)
    dashboard_allowed_hosts: tuple[str, ...] = setting("DASHBOARD_ALLOWED_HOSTS", ("127.0.0.1", "localhost"), _hosts)
    handoff_timeout_hours: int = setting("HANDOFF_TIMEOUT_HOURS", 24, _whole(1, 24 * 30))
    retention_days: int = setting("RETENTION_DAYS", 365, _whole(1, 3650))
    webhook_url: str | None = setting("TELEGRAM_WEBHOOK_URL", None, _webhook_url)
    webhook_secret: str | None = setting("TELEGRAM_WEBHOOK_SECRET", None, _webhook_secret)
    webhook_port: int = setting("WEBHOOK_PORT", 8443, _whole(1, 65535))
    # A person tapping through the form sends about one message a second; floods are many times that.
    throttle_burst: int = setting("THROTTLE_BURST", 12, _whole(1, 10_000))
    throttle_per_minute: int = setting("THROTTLE_PER_MINUTE", 60, _whole(1, 100_000))
    staff_password: str | None = setting("STAFF_PASSWORD", None, _optional)
    # Job alerts: no message in these Pakistan-time hours (held until the end); at most this many a second.
    alert_quiet_hours: tuple[int, int] | None = setting("ALERT_QUIET_HOURS", (22, 8), _hours)
    alert_rate: int = setting("ALERT_RATE_PER_SECOND", 25, _whole(1, 25))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `env` (default: the process environment)."""
        env = os.environ if env is None else env
        if env.get("LEAD_OUTBOX", "").strip():
            raise SettingsError("LEAD_OUTBOX was replaced by the job queue (QUEUE_URL)")
        if env.get("RASA_TRACKER_DB_URL", "").strip():
            raise SettingsError("RASA_TRACKER_DB_URL was replaced by TRACKER_STORE_URL (one setting for Rasa's store)")
        values: dict[str, Any] = {}
        for spec in fields(cls):
            key = spec.metadata["env"]
            raw = env.get(key, "").strip()
            if raw:
                values[spec.name] = spec.metadata["parse"](key, raw)
        settings = cls(**values)
        if settings.webhook_url and not settings.webhook_secret:
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be set with TELEGRAM_WEBHOOK_URL")
        return settings

    def with_values(self, **values: Any) -> Settings:
        """A copy with some settings changed (tests, commands)."""
        return replace(self, **values)

    @property
    def dialogue_urls(self) -> tuple[str, ...]:
        """The Rasa servers to talk to, in order."""
        return self.rasa_urls or (self.rasa_url or f"http://127.0.0.1:{self.rasa_port}",)

    @property
    def queue_location(self) -> str:
        """The job queue both the adapter and the action server open."""
        return queue_location(self.queue_url, self.redis_url)

    @property
    def actions_url(self) -> str:
        """The action server's webhook, as Rasa's endpoints name it."""
        return f"http://127.0.0.1:{self.actions_port}/webhook"
