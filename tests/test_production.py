"""Production faults against the real services: two Rasa instances sharing a PostgreSQL tracker store and a
Redis lock store lose no turn when one is killed mid-registration; PostgreSQL restarts are survived; with Redis
down the user is told to try again, and the conversation goes on when it is back."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
import zlib
from pathlib import Path
from typing import Any

import yaml

from bot.deploy import lock_store, tracker_store
from bot.dialogue import DialogueClient
from bot.i18n import Catalogs
from bot.leads import LeadJob, LeadService
from bot.migrations import migrate
from bot.repository import Repository, StorageUnavailable
from tests.fake_telegram import callback_update, message_update
from tests.rasa_server import free_port, rasa_server
from tests.test_integration import expected
from tests.test_leads import payload


def stores(tracker_url: str, redis_db: int) -> str:
    return yaml.safe_dump(
        {"tracker_store": tracker_store(tracker_url), "lock_store": lock_store(f"redis://127.0.0.1:6379/{redis_db}")}
    )


async def test_killing_a_rasa_instance_mid_registration_loses_no_turn(
    make_harness: Any, postgres_url: str, catalogs: Catalogs
) -> None:
    shared = stores(postgres_url, redis_db=7)
    pids_a: list[int] = []
    with contextlib.ExitStack() as stack:
        url_a = stack.enter_context(rasa_server(pids=pids_a, stores=shared))
        url_b = stack.enter_context(rasa_server(stores=shared))
        harness = await make_harness(DialogueClient([url_a, url_b], 30.0))
        # A user whose conversation lives on instance A.
        user = next(n for n in range(600, 700) if zlib.crc32(str(n).encode()) % 2 == 0)
        await harness.send(message_update(user, "I want to apply"))
        await harness.send(callback_update(user, "/affirm"))
        await harness.send(message_update(user, "Ayesha Siddiqui"))
        assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_phone")

        os.kill(pids_a[0], signal.SIGKILL)  # instance A dies mid-form
        await harness.send(message_update(user, "0333 1234567"))
        assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_city"), "B continued the form"
        await harness.send(message_update(user, "Islamabad"))
        assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_ask_age")


def restart_postgres() -> None:
    versions = sorted(os.listdir("/etc/postgresql"))
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )


async def test_the_adapter_survives_a_postgresql_restart(postgres_url: str, tmp_path: Path) -> None:
    await migrate(postgres_url)
    repository = Repository(postgres_url)
    service = LeadService(repository)
    try:
        assert await service.store(LeadJob("pg-1", "run", "en", payload())) is not None
        restart_postgres()
        for _ in range(60):  # the restart may still be under way: the queue's worker retries the same way
            try:
                await service.store(LeadJob("pg-2", "run", "en", payload(city="Multan")))
                break
            except StorageUnavailable:
                await asyncio.sleep(1)
        assert await repository.count_leads() == 2
    finally:
        await repository.dispose()


def start_redis(port: int) -> subprocess.Popen[bytes]:
    """A private Redis for this test (the machine's own stays untouched)."""
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() == b"PONG":
            return process
        time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


async def test_redis_down_tells_the_user_to_retry_and_recovers(
    make_harness: Any, postgres_url: str, catalogs: Catalogs
) -> None:
    from bot import texts

    redis_port = free_port()
    redis = start_redis(redis_port)
    try:
        shared = yaml.safe_dump(
            {
                "tracker_store": tracker_store(postgres_url),
                "lock_store": lock_store(f"redis://127.0.0.1:{redis_port}/0"),
            }
        )
        with rasa_server(stores=shared) as url:
            harness = await make_harness(DialogueClient(url, 30.0))
            await harness.send(message_update(650, "What is SSW?"))
            assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_faq/ssw")
            redis.kill()
            redis.wait()
            await harness.send(message_update(650, "What is TITP?"))
            assert harness.telegram.texts()[-1] == catalogs.gettext("en", texts.UNAVAILABLE)
            redis = start_redis(redis_port)
            await harness.send(message_update(650, "What is TITP?"))
            assert harness.telegram.texts()[-1] == expected(catalogs, "en", "utter_faq/titp")
    finally:
        redis.kill()
        redis.wait()
