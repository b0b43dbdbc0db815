"""Webhook mode: the secret token is checked, updates are processed, /healthz reports the services."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bot.config import Settings, SettingsError
from bot.deploy import DeployError, endpoints_yaml
from bot.webhook import SECRET_HEADER, create_webhook_app
from tests.conftest import fake_rasa
from tests.fake_telegram import message_update

SECRET = "s3cret-token-for-tests_0123"


async def test_webhook_checks_the_secret_and_processes_updates(make_harness: Any) -> None:
    harness = await make_harness(
        fake_rasa(lambda body: httpx.Response(200, json=[{"recipient_id": body["sender"], "text": "hello from rasa"}]))
    )
    ready = {"rasa": True, "database": True}

    async def check_rasa() -> bool:
        return ready["rasa"]

    async def check_db() -> bool:
        return ready["database"]

    app = create_webhook_app(harness.application, SECRET, {"rasa": check_rasa, "database": check_db})
    await harness.application.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hook") as client:
            update = message_update(501, "What is SSW?")
            assert (await client.post("/telegram", json=update)).status_code == 403
            forged = await client.post("/telegram", json=update, headers={SECRET_HEADER: "wrong"})
            assert forged.status_code == 403
            junk = await client.post("/telegram", content=b"not json", headers={SECRET_HEADER: SECRET})
            assert junk.status_code == 400
            accepted = await client.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
            assert accepted.status_code == 200
            for _ in range(100):
                if harness.telegram.texts():
                    break
                await asyncio.sleep(0.02)
            assert harness.telegram.texts() == ["hello from rasa"]
            assert (await client.get("/healthz")).json() == {"rasa": True, "database": True}
            ready["rasa"] = False
            down = await client.get("/healthz")
            assert down.status_code == 503 and down.json()["rasa"] is False
    finally:
        await harness.application.stop()


def test_webhook_settings_are_validated() -> None:
    with pytest.raises(SettingsError, match="https"):
        Settings.from_env({"TELEGRAM_WEBHOOK_URL": "http://example.org/hook", "TELEGRAM_WEBHOOK_SECRET": SECRET})
    with pytest.raises(SettingsError, match="SECRET"):
        Settings.from_env({"TELEGRAM_WEBHOOK_URL": "https://example.org/hook", "TELEGRAM_WEBHOOK_SECRET": "short"})
    settings = Settings.from_env(
        {"TELEGRAM_WEBHOOK_URL": "https://example.org/hook", "TELEGRAM_WEBHOOK_SECRET": SECRET}
    )
    assert settings.webhook_url == "https://example.org/hook"


def test_production_endpoints() -> None:
    import yaml

    config = yaml.safe_load(
        endpoints_yaml(
            "http://127.0.0.1:5055/webhook",
            "postgresql://rasa:p%40ss@db.internal:5433/rasa_tracker",
            "redis://:pw@cache.internal:6380/2",
        )
    )
    assert config["tracker_store"] == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.internal",
        "port": 5433,
        "db": "rasa_tracker",
        "login_db": "postgres",
        "username": "rasa",
        "password": "p@ss",
    }
    assert config["lock_store"] == {
        "type": "redis",
        "url": "cache.internal",
        "port": 6380,
        "db": 2,
        "key_prefix": "japanwork",
        "password": "pw",
    }
    with pytest.raises(DeployError):
        endpoints_yaml("http://a", "mysql://x/y", "redis://h")
