"""Owns the durable job queue both sides share (huey): where it lives, its task names, and how a task is enqueued.

The action server enqueues `store_lead` the moment a registration is confirmed; the adapter's worker
(bot/worker.py) executes it. Both build the queue from the same settings with `queue_location`, so they
always open the same queue: QUEUE_URL if set, else REDIS_URL (production), else a SQLite file under data/
(a fresh clone needs no service). Tasks are registered here, in one module, because huey identifies a task
by its module and name; the producer registers them without handlers and never executes them.
Imports only huey (installed in both environments), never bot/ or actions/.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.registry import Message
from huey.serializer import Serializer

log = logging.getLogger(__name__)

STORE_LEAD = "store_lead"
ANNOUNCE_LEAD = "announce_lead"
# Job alerts have a queue of their own, so that thousands of paced alerts never hold up a lead behind them.
PUBLISH_ALERTS = "publish_alerts"  # (opening_id): hand out an opening's alerts to the users who fit it
SEND_ALERTS = "send_alerts"  # (): send due alerts for a few seconds, then enqueue itself again while any are due
QUEUE_NAME = "japanwork"
ALERT_QUEUE_NAME = "japanwork.alerts"
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "queue.db"

Handler = Callable[..., None]


def queue_location(queue_url: str | None, redis_url: str | None) -> str:
    """The one queue both sides open: QUEUE_URL, else REDIS_URL, else the SQLite file under data/."""
    return queue_url or redis_url or f"sqlite:///{DEFAULT_FILE}"


def location_from_env(env: Mapping[str, str]) -> str:
    """`queue_location` from environment variables (the action server has no settings module)."""
    return queue_location(env.get("QUEUE_URL", "").strip() or None, env.get("REDIS_URL", "").strip() or None)


class JsonSerializer(Serializer):  # type: ignore[misc]
    """Queue entries as JSON, not pickle: an entry someone slipped into the queue cannot run code when it is read."""

    def _serialize(self, data: Any) -> bytes:
        if isinstance(data, Message):
            data = {"$message": [_encode(value) for value in data]}
        return json.dumps(_encode(data), ensure_ascii=False).encode()

    def _deserialize(self, data: bytes) -> Any:
        decoded = json.loads(data, object_hook=_decode_time)
        if isinstance(decoded, dict) and "$message" in decoded:
            fields = decoded["$message"]
            fields[6] = tuple(fields[6] or ())  # args
            return Message(*fields)
        return decoded


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$time": value.isoformat()}
    if isinstance(value, Message):
        return {"$message": [_encode(item) for item in value]}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    return value


def _decode_time(value: dict[str, Any]) -> Any:
    return datetime.fromisoformat(value["$time"]) if set(value) == {"$time"} else value


class _SetsAsidePoison:
    """Mixed into huey: an entry that cannot be decoded goes to `sink` instead of stopping the worker."""

    sink: Callable[[bytes], None] | None = None

    def dequeue(self) -> Any:
        """The next task; an undecodable entry is set aside (logged) and the next one taken."""
        storage: Any = self.storage  # type: ignore[attr-defined]
        while (data := storage.dequeue()) is not None:
            try:
                return self.deserialize_task(data)  # type: ignore[attr-defined]
            except Exception as err:  # pickle and huey raise many kinds; none may stop the queue
                log.error("set aside an undecodable queue entry (%d bytes): %s", len(data), type(err).__name__)
                if self.sink is not None:
                    self.sink(data)
        return None


class _Sqlite(_SetsAsidePoison, SqliteHuey):  # type: ignore[misc]
    """SqliteHuey that sets poison aside."""


class _Redis(_SetsAsidePoison, RedisHuey):  # type: ignore[misc]
    """RedisHuey that sets poison aside."""


def _huey(location: str, name: str) -> Huey:
    # results=False: no task result (which could hold personal data) is ever kept in the queue's store.
    if location.startswith(("redis://", "rediss://", "unix://")):
        return _Redis(name, url=location, results=False, serializer=JsonSerializer())
    if location.startswith("sqlite:///"):
        path = Path(location[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return _Sqlite(name, filename=str(path), results=False, timeout=10, serializer=JsonSerializer())
    raise ValueError("QUEUE_URL must be sqlite:///path or redis://host:port/db")


@dataclass
class Queue:
    """The job queue, its dead letters (entries set aside), and the task wrappers."""

    huey: Huey
    dead: Huey
    tasks: dict[str, Any]

    def enqueue(self, name: str, *args: Any, delay: float | None = None) -> None:
        """Put one task on the queue (durable once this returns)."""
        task = self.tasks[name]
        if delay:
            task.schedule(args=args, delay=delay)
        else:
            task(*args)

    def set_aside(self, raw: bytes) -> None:
        """Keep an entry that cannot be processed among the dead letters, out of everyone's way."""
        self.dead.storage.enqueue(raw, 0)

    def dead_letters(self) -> int:
        """How many entries have been set aside."""
        return int(self.dead.storage.queue_size())

    def pending(self) -> int:
        """Entries waiting (queued, or scheduled for a retry)."""
        return int(self.huey.storage.queue_size()) + int(self.huey.storage.schedule_size())


def open_queue(location: str, handlers: Mapping[str, Handler] | None = None) -> Queue:
    """The leads queue at `location`; the worker passes `handlers` (one per task name), the producer none."""
    return _open(location, QUEUE_NAME, (STORE_LEAD, ANNOUNCE_LEAD), handlers)


def open_alert_queue(location: str, handlers: Mapping[str, Handler] | None = None) -> Queue:
    """The job-alerts queue beside the leads queue (same storage, its own name and consumer)."""
    return _open(location, ALERT_QUEUE_NAME, (PUBLISH_ALERTS, SEND_ALERTS), handlers)


def _open(location: str, name: str, task_names: tuple[str, ...], handlers: Mapping[str, Handler] | None) -> Queue:
    huey = _huey(location, name)
    dead = _huey(location, f"{name}.dead")
    huey.sink = dead.storage.enqueue
    given = dict(handlers or {})
    tasks = {task: huey.task(name=task)(_dispatcher(given, task)) for task in task_names}
    return Queue(huey=huey, dead=dead, tasks=tasks)


def _dispatcher(handlers: Mapping[str, Handler], name: str) -> Handler:
    def run(*args: Any) -> None:
        _handler(handlers, name)(*args)

    run.__name__ = name
    return run


def _handler(handlers: Mapping[str, Handler], name: str) -> Handler:
    handler = handlers.get(name)
    if handler is None:
        raise RuntimeError(f"this process only enqueues {name}; the adapter's worker runs it")
    return handler
