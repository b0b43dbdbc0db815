"""Owns Rasa's endpoints.yml: tracker store from TRACKER_STORE_URL (SQLite or PostgreSQL), lock store, actions."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import yaml


class DeployError(ValueError):
    """A production URL cannot be used (the message names it)."""


def tracker_store(url: str) -> dict[str, object]:
    """Rasa's SQL tracker store settings from sqlite:///path or postgresql://user:password@host:port/db."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if not path:
            raise DeployError("TRACKER_STORE_URL must be sqlite:///path/to/file.db for SQLite")
        return {"type": "SQL", "dialect": "sqlite", "db": path}
    if parts.scheme not in {"postgresql", "postgres"} or not parts.hostname or not parts.path.strip("/"):
        raise DeployError(
            f"TRACKER_STORE_URL must be sqlite:///file or postgresql://user@host:port/database, got {parts.scheme!r}"
        )
    config: dict[str, object] = {
        "type": "SQL",
        "dialect": "postgresql",
        "url": parts.hostname,
        "port": parts.port or 5432,
        "db": parts.path.strip("/"),
        # Rasa creates the tracker database through this one if it does not exist yet.
        "login_db": "postgres",
    }
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    return config


def lock_store(url: str) -> dict[str, object]:
    """Rasa's Redis lock store settings from redis://[:password@]host:port/db."""
    parts = urlsplit(url)
    if parts.scheme != "redis" or not parts.hostname:
        raise DeployError(f"LOCK_STORE_URL must be redis://host:port/db, got {parts.scheme!r}")
    config: dict[str, object] = {
        "type": "redis",
        "url": parts.hostname,
        "port": parts.port or 6379,
        "db": int(parts.path.strip("/") or 0),
        "key_prefix": "japanwork",
    }
    if parts.password:
        config["password"] = unquote(parts.password)
    return config


def endpoints_yaml(actions_url: str, tracker_url: str, lock_url: str | None) -> str:
    """The endpoints.yml of a Rasa instance; without a lock store URL Rasa keeps its locks in memory (one instance)."""
    endpoints: dict[str, object] = {
        "action_endpoint": {"url": actions_url},
        "tracker_store": tracker_store(tracker_url),
    }
    if lock_url:
        endpoints["lock_store"] = lock_store(lock_url)
    return yaml.safe_dump(endpoints, sort_keys=False)
