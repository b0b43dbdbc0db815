"""Demand sheets: the job-opening template (XLSX/CSV), reading an uploaded sheet and checking every cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from openpyxl import Workbook, load_workbook

from contract.profile import EDUCATION, FIELDS, MAX_AGE, MAX_EXPERIENCE, MIN_AGE, SSW_FIELDS

ROUTES = ("ssw", "engineer_it", "other")
# The passed-result scale of the form (contract/profile.py): what an opening may require.
REQUIRED_JAPANESE = ("none", "jlpt_n5", "jlpt_n4", "jlpt_n3", "jlpt_n2", "jlpt_n1", "jft_a2_2")
MAX_ROWS = 1000
TEMPLATE_COLUMNS = (
    "employer",
    "title",
    "field",
    "route",
    "japanese_required",
    "education",
    "age_min",
    "age_max",
    "experience_years",
    "location",
    "salary_min_yen",
    "salary_max_yen",
    "headcount",
    "deadline",
    "how_to_apply",
)
REQUIRED_COLUMNS = ("employer", "title", "field", "route", "location")
EXAMPLE_ROW = (
    "Kobe Care Co.",
    "Care worker",
    "nursing_care",
    "ssw",
    "jlpt_n4",
    "intermediate",
    "18",
    "35",
    "1",
    "Kobe, Hyogo",
    "180000",
    "220000",
    "5",
    "2027-03-31",
    "Apply through OEC; nobody may charge you for a job",
)


class SheetRejected(ValueError):
    """The file is not a demand sheet of this template (wrong columns, unreadable, too many rows)."""


@dataclass(frozen=True)
class CellError:
    """One bad cell: its row as numbered in the sheet, its column, and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class OpeningDraft:
    """One valid row, ready to be stored as a draft opening."""

    employer: str
    title: str
    field: str
    route: str
    japanese_level: str
    education: str
    age_min: int | None
    age_max: int | None
    experience_years: int
    location: str
    salary_min_yen: int | None
    salary_max_yen: int | None
    headcount: int | None
    deadline: datetime | None
    how_to_apply: str


@dataclass
class SheetCheck:
    """What a sheet holds: the valid rows, and every bad cell (an import needs none)."""

    drafts: list[OpeningDraft] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def template_xlsx() -> bytes:
    """The template as XLSX: the header row and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Openings"
    sheet.append(list(TEMPLATE_COLUMNS))
    sheet.append(list(EXAMPLE_ROW))
    for row in sheet.iter_rows():
        for cell in row:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    """The template as CSV (UTF-8 with BOM, for Excel)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow(EXAMPLE_ROW)
    return ("\ufeff" + text.getvalue()).encode()


def read_rows(data: bytes, filename: str) -> list[list[Any]]:
    """The sheet's rows (header first) from an .xlsx or .csv file."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as err:  # openpyxl raises many kinds for a file that is not XLSX
            raise SheetRejected("the file could not be read as XLSX") from err
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise SheetRejected("the CSV file is not UTF-8 text") from err
        return [list(row) for row in csv.reader(io.StringIO(text))]
    raise SheetRejected("upload an .xlsx or .csv file made from the template")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_sheet(rows: Sequence[Sequence[Any]], today: date | None = None) -> SheetCheck:
    """Check the header against the template and every cell of every non-empty row."""
    if not rows:
        raise SheetRejected("the sheet is empty: start from the template")
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    while header and not header[-1]:
        header.pop()
    missing = [c for c in TEMPLATE_COLUMNS if c not in header]
    unknown = [c for c in header if c not in TEMPLATE_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unknown:
            parts.append("unknown columns: " + ", ".join(c or "(empty)" for c in unknown))
        if not parts:
            parts.append("a column appears twice")
        raise SheetRejected("wrong template (" + "; ".join(parts) + ")")
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if not all(_blank(v) for v in row)]
    if len(body) > MAX_ROWS:
        raise SheetRejected(f"at most {MAX_ROWS} openings per sheet")
    if not body:
        raise SheetRejected("the sheet has no openings below the header")
    result = SheetCheck()
    for number, row in body:
        cells = {name: (row[i] if i < len(row) else None) for i, name in enumerate(header)}
        draft = _check_row(number, cells, today or datetime.now(UTC).date(), result.errors)
        if draft is not None:
            result.drafts.append(draft)
    return result


class _Row:
    """Reads one row's cells, collecting an error per bad cell."""

    def __init__(self, number: int, cells: dict[str, Any], errors: list[CellError]) -> None:
        self.row_number, self.cells, self.errors, self.failed = number, cells, errors, False

    def fail(self, column: str, message: str) -> None:
        self.failed = True
        self.errors.append(CellError(self.row_number, column, message))

    def text(self, column: str, limit: int) -> str:
        value = self.cells[column]
        text = "" if _blank(value) else str(value).strip()
        if not text and column in REQUIRED_COLUMNS:
            self.fail(column, "is empty; it is required")
        elif len(text) > limit:
            self.fail(column, f"is {len(text)} characters long; at most {limit}")
        return text

    def choice(self, column: str, choices: Iterable[str], default: str | None = None) -> str:
        text = self.text(column, 64).lower().replace(" ", "_").replace(".", "_")
        allowed = tuple(choices)
        if not text and default is not None:
            return default
        if text and text not in allowed:
            self.fail(column, f"{self.cells[column]!s} is not one of: " + ", ".join(allowed))
        return text

    def number(self, column: str, low: int, high: int) -> int | None:
        value = self.cells[column]
        if _blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            whole = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
        except ValueError:
            self.fail(column, f"{value!s} is not a whole number")
            return None
        if not low <= whole <= high:
            self.fail(column, f"{whole} is outside {low}–{high}")
            return None
        return whole

    def day(self, column: str, today: date) -> datetime | None:
        value = self.cells[column]
        if _blank(value):
            return None
        if isinstance(value, datetime):
            chosen = value.date()
        elif isinstance(value, date):
            chosen = value
        else:
            try:
                chosen = date.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(column, f"{value!s} is not a date written YYYY-MM-DD")
                return None
        if chosen < today:
            self.fail(column, f"{chosen.isoformat()} has already passed")
            return None
        return datetime.combine(chosen, time(23, 59), tzinfo=UTC)  # open through the whole last day

    def ordered(self, low_column: str, low: int | None, high: int | None) -> None:
        if low is not None and high is not None and low > high:
            self.fail(low_column, f"{low} is more than the upper limit {high}")


def _check_row(number: int, cells: dict[str, Any], today: date, errors: list[CellError]) -> OpeningDraft | None:
    row = _Row(number, cells, errors)
    field_key = row.choice("field", FIELDS)
    route = row.choice("route", ROUTES)
    if route == "ssw" and field_key in FIELDS and field_key not in SSW_FIELDS:
        row.fail("route", f"ssw needs one of the 16 SSW (i) fields, not {field_key}")
    if route == "engineer_it" and field_key in FIELDS and field_key != "it":
        row.fail("route", f"engineer_it is for the field it, not {field_key}")
    whole = row.number
    age_min, age_max = whole("age_min", MIN_AGE, MAX_AGE), whole("age_max", MIN_AGE, MAX_AGE)
    salary_min, salary_max = whole("salary_min_yen", 1, 10_000_000), whole("salary_max_yen", 1, 10_000_000)
    row.ordered("age_min", age_min, age_max)
    row.ordered("salary_min_yen", salary_min, salary_max)
    draft = OpeningDraft(
        employer=row.text("employer", 160),
        title=row.text("title", 160),
        field=field_key,
        route=route,
        japanese_level=row.choice("japanese_required", REQUIRED_JAPANESE, "none"),
        education=row.choice("education", EDUCATION, "none"),
        age_min=age_min,
        age_max=age_max,
        experience_years=whole("experience_years", 0, MAX_EXPERIENCE) or 0,
        location=row.text("location", 120),
        salary_min_yen=salary_min,
        salary_max_yen=salary_max,
        headcount=whole("headcount", 1, 10_000),
        deadline=row.day("deadline", today),
        how_to_apply=row.text("how_to_apply", 2000),
    )
    return None if row.failed else draft
