"""Job openings from demand sheets: all-or-nothing import as drafts, then draft → published → closed."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.models import JobOpening
from bot.opening_sheet import CellError, OpeningDraft, SheetRejected, check_sheet, read_rows
from bot.repository import Repository

log = logging.getLogger(__name__)

DRAFT, PUBLISHED, CLOSED = "draft", "published", "closed"
# Allowed status changes: a draft is published (or closed unpublished); a published opening is closed.
NEXT = {DRAFT: (PUBLISHED, CLOSED), PUBLISHED: (CLOSED,), CLOSED: ()}


class StatusRefused(ValueError):
    """A status change the workflow does not allow."""


@dataclass(frozen=True)
class ImportOutcome:
    """An import's result: the ids of the new drafts, or why nothing was imported."""

    created: tuple[int, ...] = ()
    errors: tuple[CellError, ...] = ()
    rejected: str = ""

    @property
    def ok(self) -> bool:
        """True when every row was imported."""
        return not self.errors and not self.rejected


class OpeningStore:
    """Imports and status changes of job openings; each call is one transaction."""

    def __init__(self, repository: Repository) -> None:
        self._repository = repository

    async def import_sheet(self, data: bytes, filename: str) -> ImportOutcome:
        """Check the whole sheet; store every row as a draft only when no cell is bad."""
        try:
            checked = await asyncio.to_thread(lambda: check_sheet(read_rows(data, filename)))
        except SheetRejected as refusal:
            return ImportOutcome(rejected=str(refusal))
        if checked.errors:
            return ImportOutcome(errors=tuple(checked.errors))
        created = await self.add_drafts(checked.drafts)
        log.info("imported %d job openings as drafts", len(created))
        return ImportOutcome(created=created)

    async def add_drafts(self, drafts: Sequence[OpeningDraft]) -> tuple[int, ...]:
        """Store the rows as draft openings in one transaction (all or none)."""
        async with self._repository.session() as session:
            rows = [JobOpening(**dataclasses.asdict(d), status=DRAFT, is_open=False) for d in drafts]
            session.add_all(rows)
            await session.flush()
            return tuple(row.id for row in rows)

    async def set_status(self, opening_id: int, status: str) -> JobOpening:
        """Publish or close an opening as the workflow allows; the bot lists only published, open ones."""
        async with self._repository.session() as session:
            opening = await session.get(JobOpening, opening_id)
            if opening is None:
                raise LookupError(f"no job opening {opening_id}")
            current = opening.status if opening.status in NEXT else (PUBLISHED if opening.is_open else CLOSED)
            if status not in NEXT[current]:
                raise StatusRefused(f"a {current} opening cannot become {status}")
            opening.status, opening.is_open = status, status == PUBLISHED
            return opening

    async def drafts(self) -> list[JobOpening]:
        """Every draft opening, oldest first (the preview before publishing)."""
        async with self._repository.session() as session:
            return list(
                await session.scalars(select(JobOpening).where(JobOpening.status == DRAFT).order_by(JobOpening.id))
            )


async def import_file(repository: Repository, path: Path) -> ImportOutcome:
    """Import a demand sheet from a file (the command line's `openings import FILE`)."""
    return await OpeningStore(repository).import_sheet(await asyncio.to_thread(path.read_bytes), path.name)


def report_lines(outcome: ImportOutcome) -> list[str]:
    """What an import tells staff: the drafts made, or every bad cell."""
    if outcome.rejected:
        return [f"nothing imported: {outcome.rejected}"]
    if outcome.errors:
        return [f"nothing imported: {len(outcome.errors)} bad cells"] + [str(error) for error in outcome.errors]
    ids = ", ".join(str(i) for i in outcome.created)
    return [f"imported {len(outcome.created)} openings as drafts (ids {ids}); publish them in the dashboard"]


def openings_command(database_url: str, action: str, path: Path) -> int:
    """`python -m bot openings import FILE` (drafts, all or nothing) and `openings template FILE.xlsx|.csv`."""
    from bot.migrations import upgrade_database
    from bot.opening_sheet import template_csv, template_xlsx

    if action == "template":
        path.write_bytes(template_csv() if path.suffix.lower() == ".csv" else template_xlsx())
        print(f"wrote the demand-sheet template to {path}")
        return 0
    upgrade_database(database_url)

    async def run() -> ImportOutcome:
        repository = Repository(database_url)
        try:
            return await import_file(repository, path)
        finally:
            await repository.dispose()

    outcome = asyncio.run(run())
    print("\n".join(report_lines(outcome)))
    return 0 if outcome.ok else 1
