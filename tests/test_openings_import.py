"""Demand sheets: the template, cell-by-cell checks, all-or-nothing import, drafts, publishing, the bot's list."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.config import PROJECT_ROOT
from bot.migrations import migrate
from bot.models import JobOpening
from bot.opening_sheet import (
    EXAMPLE_ROW,
    TEMPLATE_COLUMNS,
    SheetRejected,
    check_sheet,
    read_rows,
    template_csv,
    template_xlsx,
)
from bot.openings import OpeningStore, StatusRefused
from bot.repository import Repository

TODAY = date(2026, 12, 1)


def row(**changes: str) -> list[str]:
    values = dict(zip(TEMPLATE_COLUMNS, EXAMPLE_ROW, strict=True))
    values.update(changes)
    return [values[c] for c in TEMPLATE_COLUMNS]


def as_csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode()


def as_xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def store_on(url: str) -> tuple[OpeningStore, Repository]:
    await migrate(url)
    repository = Repository(url)
    return OpeningStore(repository), repository


async def count_openings(repository: Repository) -> int:
    async with repository.session() as session:
        return int(await session.scalar(select(func.count(JobOpening.id))) or 0)


def test_the_templates_are_valid_sheets_with_one_example() -> None:
    for data, name in ((template_xlsx(), "t.xlsx"), (template_csv(), "t.csv")):
        checked = check_sheet(read_rows(data, name), TODAY)
        assert checked.errors == []
        [draft] = checked.drafts
        assert (draft.field, draft.route, draft.japanese_level, draft.age_min, draft.salary_max_yen) == (
            "nursing_care",
            "ssw",
            "jlpt_n4",
            18,
            220000,
        )
        assert draft.deadline is not None and draft.deadline.date() == date(2027, 3, 31)


def test_every_bad_cell_is_named_by_row_and_column() -> None:
    rows = [
        list(TEMPLATE_COLUMNS),
        row(),
        row(field="welding", age_min="40", age_max="30", japanese_required="N4 soon"),
        row(employer="", salary_min_yen="lots", deadline="2026-11-30", route="engineer_it"),
        row(route="ssw", field="it", headcount="0", deadline="31/03/2027"),
    ]
    errors = {(e.row, e.column): e.message for e in check_sheet(rows, TODAY).errors}
    assert set(errors) == {
        (3, "field"),
        (3, "age_min"),
        (3, "japanese_required"),
        (4, "employer"),
        (4, "salary_min_yen"),
        (4, "deadline"),
        (4, "route"),
        (5, "route"),
        (5, "headcount"),
        (5, "deadline"),
    }
    assert "welding is not one of" in errors[(3, "field")]
    assert errors[(3, "age_min")] == "40 is more than the upper limit 30"
    assert errors[(4, "employer")] == "is empty; it is required"
    assert errors[(4, "deadline")] == "2026-11-30 has already passed"
    assert "not a date written YYYY-MM-DD" in errors[(5, "deadline")]
    assert "ssw needs one of the 16 SSW (i) fields" in errors[(5, "route")]


def test_friendly_spellings_of_choices_are_read() -> None:
    rows = [list(TEMPLATE_COLUMNS), row(field="Nursing care", japanese_required="JFT A2.2", education="")]
    [draft] = check_sheet(rows, TODAY).drafts
    assert (draft.field, draft.japanese_level, draft.education) == ("nursing_care", "jft_a2_2", "none")


def test_a_sheet_of_another_template_is_refused_whole() -> None:
    with pytest.raises(SheetRejected, match=r"missing columns: route.*unknown columns: visa"):
        check_sheet([[c if c != "route" else "visa" for c in TEMPLATE_COLUMNS], row()], TODAY)
    with pytest.raises(SheetRejected, match="no openings"):
        check_sheet([list(TEMPLATE_COLUMNS), ["", ""]], TODAY)
    with pytest.raises(SheetRejected, match=r"\.xlsx or \.csv"):
        read_rows(b"x", "openings.pdf")
    with pytest.raises(SheetRejected, match="could not be read as XLSX"):
        read_rows(b"not a zip", "openings.xlsx")


async def test_xlsx_cells_typed_as_numbers_and_dates_are_read(tmp_path: Path) -> None:
    from datetime import datetime

    values: list[object] = list(row())
    values[TEMPLATE_COLUMNS.index("salary_min_yen")] = 150000
    values[TEMPLATE_COLUMNS.index("age_max")] = 40.0
    values[TEMPLATE_COLUMNS.index("deadline")] = datetime(2027, 1, 15)
    store, repository = await store_on(f"sqlite:///{tmp_path / 'x.db'}")
    outcome = await store.import_sheet(as_xlsx([list(TEMPLATE_COLUMNS), values]), "demand.xlsx")
    assert outcome.ok
    [draft] = await store.drafts()
    assert (draft.salary_min_yen, draft.age_max, draft.status, draft.is_open) == (150000, 40, "draft", False)
    await repository.dispose()


async def test_one_bad_cell_imports_nothing(tmp_path: Path) -> None:
    store, repository = await store_on(f"sqlite:///{tmp_path / 'a.db'}")
    sheet = as_csv([list(TEMPLATE_COLUMNS), row(), row(), row(headcount="many")])
    outcome = await store.import_sheet(sheet, "demand.csv")
    assert not outcome.ok and [str(e) for e in outcome.errors] == [
        "row 4, column headcount: many is not a whole number"
    ]
    assert await count_openings(repository) == 0
    await repository.dispose()


async def test_import_publish_close_on_postgresql(postgres_url: str) -> None:
    store, repository = await store_on(postgres_url)
    outcome = await store.import_sheet(
        as_xlsx([list(TEMPLATE_COLUMNS), row(), row(title="Cleaner", field="building_cleaning")]), "d.xlsx"
    )
    assert outcome.ok and len(outcome.created) == 2
    assert await repository.open_jobs() == []  # drafts are not listed by the bot
    first, second = outcome.created
    await store.set_status(first, "published")
    assert [job.id for job in await repository.open_jobs()] == [first]
    with pytest.raises(StatusRefused):
        await store.set_status(first, "draft")
    await store.set_status(first, "closed")
    await store.set_status(second, "closed")  # a draft may be dropped unpublished
    assert await repository.open_jobs() == []
    with pytest.raises(StatusRefused):
        await store.set_status(second, "published")
    await repository.dispose()


def test_command_line_import_and_template(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def bot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "openings", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    template = tmp_path / "template.xlsx"
    assert bot("template", str(template)).returncode == 0
    assert [c.value for c in next(load_workbook(template).active.iter_rows())] == list(TEMPLATE_COLUMNS)  # type: ignore[union-attr]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(as_csv([list(TEMPLATE_COLUMNS), row(), row(route="visa")]))
    refused = bot("import", str(bad))
    assert refused.returncode == 1
    assert (
        "nothing imported: 1 bad cells" in refused.stdout
        and "row 3, column route: visa is not one of" in refused.stdout
    )
    done = bot("import", str(template))
    assert done.returncode == 0 and "imported 1 openings as drafts" in done.stdout


async def test_openings_from_before_the_migration_keep_their_state(tmp_path: Path) -> None:
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    await migrate(url, "0004_lead_submissions")
    repository = Repository(url)
    async with repository.session() as session:
        for title, is_open in (("Open one", True), ("Closed one", False)):
            await session.execute(
                text(
                    "INSERT INTO job_openings (title, employer, field, japanese_level, location, how_to_apply,"
                    " is_open, created_at) VALUES (:t, 'E', 'it', 'n4', 'Tokyo', '', :o, '2026-11-01 00:00:00')"
                ),
                {"t": title, "o": is_open},
            )
    await migrate(url)
    async with repository.session() as session:
        states = {title: status for title, status in await session.execute(select(JobOpening.title, JobOpening.status))}
    assert states == {"Open one": "published", "Closed one": "closed"}
    assert [job.title for job in await repository.open_jobs()] == ["Open one"]
    await repository.dispose()
