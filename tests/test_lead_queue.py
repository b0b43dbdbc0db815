"""The lead queue's worker against real queues (SQLite file, Redis) and real databases: exactly once, poison set
aside, the database down while saving, a worker that was not running when the lead was queued."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.leads import LeadService
from bot.migrations import migrate
from bot.models import LeadSubmission
from bot.repository import Repository
from bot.webhook import create_webhook_app, queue_reports
from bot.worker import LeadWorker
from contract.queue import STORE_LEAD, open_queue
from tests.conftest import eventually, fake_rasa
from tests.tcp_proxy import TcpProxy
from tests.test_leads import job

QueueWorker = Callable[[Repository], LeadWorker]


class RunsCode:
    """A pickle that would create a file when unpickled."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.path,))


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The queue as `make run` has it (a file) and as production has it (Redis, db 5 here, emptied first)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.db'}"
    url = "redis://127.0.0.1:6379/5"
    queue = open_queue(url)
    queue.huey.storage.flush_all()
    queue.dead.storage.flush_all()
    return url


@pytest.fixture
async def workers(queue_url: str) -> AsyncIterator[Callable[[Repository], LeadWorker]]:
    """Start lead workers on this test's queue; stop them afterwards."""
    started: list[LeadWorker] = []

    def start(repository: Repository) -> LeadWorker:
        worker = LeadWorker(queue_url, LeadService(repository), repository, None)
        worker.start(asyncio.get_running_loop())
        started.append(worker)
        return worker

    yield start
    for worker in started:
        await asyncio.to_thread(worker.stop)


def enqueue(queue_url: str, *jobs: Any) -> None:
    """What the action server does when a registration is confirmed."""
    queue = open_queue(queue_url)
    for item in jobs:
        queue.enqueue(STORE_LEAD, item.sender_id, item.form_run, item.language, item.payload, item.source)


async def submissions(repository: Repository) -> int:
    async with repository.session() as session:
        return int(await session.scalar(select(func.count(LeadSubmission.id))) or 0)


async def test_replays_store_one_lead_and_poison_blocks_nothing(
    queue_url: str, workers: QueueWorker, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    await migrate(url)
    repository = Repository(url)
    queue = open_queue(queue_url)
    try:
        ran = tmp_path / "code-ran"
        queue.huey.storage.enqueue(pickle.dumps(RunsCode(ran)), 0)  # undecodable: entries are JSON, never pickle
        queue.enqueue(STORE_LEAD, "broken", "run", "en", {"profile": {"full_name": "x"}})  # invalid profile
        enqueue(queue_url, job("q-1"), job("q-1"), job("q-2"))  # q-1 twice: a replayed submission
        worker = workers(repository)

        async def landed() -> bool:
            return await repository.count_leads() == 2 and queue.pending() == 0

        await eventually(landed)
        assert await submissions(repository) == 2, "q-1's replay stored nothing"
        assert not ran.exists(), "reading a queue entry never runs code"
        assert await worker.dead_letters() == 2, "the undecodable entry and the invalid profile are set aside"
        enqueue(queue_url, job("q-3"))  # the worker goes on after poison

        async def third() -> bool:
            return await repository.user_data("q-3") is not None

        await eventually(third)
    finally:
        await repository.dispose()


async def test_a_record_the_database_rejects_is_set_aside(
    queue_url: str, workers: QueueWorker, postgres_url: str
) -> None:
    await migrate(postgres_url)
    repository = Repository(postgres_url)
    try:
        enqueue(queue_url, job("x" * 100), job("pg-ok"))  # a sender id longer than the column: PostgreSQL refuses
        worker = workers(repository)

        async def landed() -> bool:
            return await repository.user_data("pg-ok") is not None and await worker.dead_letters() == 1

        await eventually(landed)
        assert await repository.count_leads() == 1
    finally:
        await repository.dispose()


async def test_postgresql_down_while_saving_the_lead_lands_once_it_is_back(
    queue_url: str, workers: QueueWorker, postgres_url: str
) -> None:
    await migrate(postgres_url)
    proxy = TcpProxy(5432)
    await proxy.up()
    through_proxy = postgres_url.replace(":5432/", f":{proxy.port}/")
    repository = Repository(through_proxy, connect_args={"timeout": 3})
    try:
        workers(repository)
        assert await repository.count_leads() == 0
        await proxy.down()  # PostgreSQL unreachable at the moment of saving
        enqueue(queue_url, job("down-1"))
        await asyncio.sleep(8)  # the worker has tried and scheduled a retry
        queue = open_queue(queue_url)
        assert queue.pending() == 1 and queue.dead_letters() == 0, "kept for a retry, not set aside"
        await proxy.up()

        async def landed() -> bool:
            return await repository.count_leads() == 1

        await eventually(landed, seconds=30)
        assert await submissions(repository) == 1
    finally:
        await repository.dispose()
        await proxy.down()


async def test_a_lead_queued_while_no_worker_ran_lands_once_after_restart(
    queue_url: str, workers: QueueWorker, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    await migrate(url)
    repository = Repository(url)
    try:
        first = workers(repository)
        await asyncio.to_thread(first.stop)  # the adapter (and its worker) is gone
        enqueue(queue_url, job("late-1"))  # the user confirmed meanwhile: the action server queued it
        await asyncio.sleep(1)
        assert await repository.count_leads() == 0
        workers(repository)  # the adapter restarts

        async def landed() -> bool:
            return await repository.count_leads() == 1

        await eventually(landed)
        enqueue(queue_url, job("late-1"))  # Rasa replays the submission after its own restart
        await asyncio.sleep(2)
        assert await submissions(repository) == 1 and await repository.count_leads() == 1
    finally:
        await repository.dispose()


async def test_healthz_reports_dead_letters(make_harness: Any, tmp_path: Path) -> None:
    own_queue = f"sqlite:///{tmp_path / 'queue.db'}"
    harness = await make_harness(fake_rasa(lambda body: httpx.Response(200, json=[])), env={"QUEUE_URL": own_queue})
    open_queue(own_queue).huey.storage.enqueue(b"not a task", 0)

    async def ready() -> bool:
        return True

    app = create_webhook_app(harness.application, "s" * 20, {"rasa": ready}, reports=queue_reports(harness.application))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hook") as client:

        async def reported() -> bool:
            response = await client.get("/healthz")
            return response.status_code == 200 and response.json() == {"rasa": True, "dead_letters": 1}

        await eventually(reported)
