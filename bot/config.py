"""Settings: the only module that reads the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


def _int(env: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as err:
        raise SettingsError(f"{key} must be a whole number, got {raw!r}") from err
    if not low <= value <= high:
        raise SettingsError(f"{key} must be between {low} and {high}, got {value}")
    return value


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as err:
        raise SettingsError(f"{key} must be a number of seconds, got {raw!r}") from err
    if value <= 0:
        raise SettingsError(f"{key} must be positive, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the assistant can be configured with, with defaults that run locally."""

    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_urls: tuple[str, ...] = ("http://127.0.0.1:5005",)
    rasa_timeout: float = 15.0
    default_language: str = "en"
    locales_dir: Path = PROJECT_ROOT / "locales"
    log_level: str = "INFO"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"
    staff_chat_id: int | None = None
    outbox_path: Path = PROJECT_ROOT / "data" / "pending-leads.jsonl"
    tracker_db_url: str | None = f"sqlite:///{PROJECT_ROOT / 'data' / 'rasa-tracker.db'}"
    dashboard_port: int = 8080
    handoff_timeout_hours: int = 24
    retention_days: int = 365
    actions_url: str = "http://127.0.0.1:5055/webhook"
    tracker_store_url: str = "postgresql://postgres@127.0.0.1:5432/rasa"
    lock_store_url: str = "redis://127.0.0.1:6379/0"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_port: int = 8443
    throttle_burst: int = 8
    throttle_per_minute: int = 30
    dashboard_secret_key: str | None = None
    dashboard_secret_path: Path = PROJECT_ROOT / "data" / "dashboard-secret"
    dashboard_https: bool = False
    dashboard_allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `env` (default: the process environment)."""
        env = os.environ if env is None else env
        port = _int(env, "RASA_PORT", 5005, 1, 65535)
        rasa_url = env.get("RASA_URL", "").strip() or f"http://127.0.0.1:{port}"
        if not rasa_url.startswith(("http://", "https://")):
            raise SettingsError(f"RASA_URL must start with http:// or https://, got {rasa_url!r}")
        rasa_urls = tuple(u.strip().rstrip("/") for u in env.get("RASA_URLS", "").split(",") if u.strip())
        for url in rasa_urls:
            if not url.startswith(("http://", "https://")):
                raise SettingsError(f"RASA_URLS must list http(s):// URLs, got {url!r}")
        api_url = env.get("TELEGRAM_API_URL", "").strip() or cls.telegram_api_url
        if not api_url.startswith(("http://", "https://")):
            raise SettingsError(f"TELEGRAM_API_URL must start with http:// or https://, got {api_url!r}")
        language = env.get("DEFAULT_LANGUAGE", "").strip() or cls.default_language
        log_level = (env.get("LOG_LEVEL", "").strip() or cls.log_level).upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")
        staff_raw = env.get("STAFF_CHAT_ID", "").strip()
        try:
            staff_chat_id = int(staff_raw) if staff_raw else None
        except ValueError as err:
            raise SettingsError(
                f"STAFF_CHAT_ID must be a Telegram chat id (a whole number), got {staff_raw!r}"
            ) from err
        database_url = env.get("DATABASE_URL", "").strip() or cls.database_url
        if not database_url.startswith(("sqlite", "postgresql", "postgres")):
            raise SettingsError(
                f"DATABASE_URL must be a sqlite:// or postgresql:// URL, got {database_url.split(':')[0]!r}"
            )
        tracker = env.get("RASA_TRACKER_DB_URL", "").strip()
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL", "").strip() or None
        webhook_secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None
        if webhook_url and not webhook_url.startswith("https://"):
            raise SettingsError("TELEGRAM_WEBHOOK_URL must be an https:// URL (Telegram only calls HTTPS webhooks)")
        if webhook_url and (not webhook_secret or not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", webhook_secret)):
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ or -")
        return cls(
            dashboard_port=_int(env, "DASHBOARD_PORT", 8080, 1, 65535),
            handoff_timeout_hours=_int(env, "HANDOFF_TIMEOUT_HOURS", 24, 1, 24 * 30),
            retention_days=_int(env, "RETENTION_DAYS", 365, 1, 3650),
            actions_url=f"http://127.0.0.1:{_int(env, 'ACTIONS_PORT', 5055, 1, 65535)}/webhook",
            tracker_store_url=env.get("TRACKER_STORE_URL", "").strip() or cls.tracker_store_url,
            lock_store_url=env.get("LOCK_STORE_URL", "").strip() or cls.lock_store_url,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_port=_int(env, "WEBHOOK_PORT", 8443, 1, 65535),
            throttle_burst=_int(env, "THROTTLE_BURST", 8, 1, 10_000),
            throttle_per_minute=_int(env, "THROTTLE_PER_MINUTE", 30, 1, 100_000),
            dashboard_secret_key=env.get("DASHBOARD_SECRET_KEY", "").strip() or None,
            dashboard_https=env.get("DASHBOARD_HTTPS", "").strip().lower() in {"1", "true", "yes"},
            dashboard_allowed_hosts=tuple(
                h.strip().lower() for h in env.get("DASHBOARD_ALLOWED_HOSTS", "").split(",") if h.strip()
            )
            or cls.dashboard_allowed_hosts,
            database_url=database_url,
            staff_chat_id=staff_chat_id,
            outbox_path=Path(env.get("LEAD_OUTBOX", "").strip() or cls.outbox_path),
            tracker_db_url=None if tracker == "none" else (tracker or cls.tracker_db_url),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
            telegram_api_url=api_url.rstrip("/"),
            rasa_url=rasa_url.rstrip("/"),
            rasa_urls=rasa_urls or (rasa_url.rstrip("/"),),
            rasa_timeout=_float(env, "RASA_TIMEOUT", cls.rasa_timeout),
            default_language=language,
            locales_dir=Path(env.get("LOCALES_DIR", "").strip() or cls.locales_dir),
            log_level=log_level,
        )
