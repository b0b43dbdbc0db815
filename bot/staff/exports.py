"""Spreadsheet exports that cannot run formulas (OWASP CSV injection) or break on control characters."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from starlette.responses import StreamingResponse

# Cells starting with these are read as formulas by Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 (and so XLSX) cannot hold; CSV keeps TAB, LF and CR inside quoted cells.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plain_value(value: Any) -> Any:
    """Dates as ISO text, control characters replaced by U+FFFD; numbers and booleans kept."""
    if hasattr(value, "isoformat"):
        return str(value.isoformat(timespec="minutes"))
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def csv_cell(value: Any) -> Any:
    """A CSV value that no spreadsheet evaluates: a leading ' before = + - @ TAB CR (OWASP's advice)."""
    value = plain_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(columns: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> StreamingResponse:
    """CSV, UTF-8 with BOM so that Excel shows Urdu."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([csv_cell(c) for c in columns])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return StreamingResponse(
        iter(["\ufeff" + text.getvalue()]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={name}.csv"},
    )


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    value = plain_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes "=…" a formula; every text value stays text
        cell.number_format = "@"  # and phone numbers stay +92…, not 9.23E+11
    return cell


def xlsx_response(columns: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> StreamingResponse:
    """XLSX with every text value stored as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name.capitalize())
    sheet.append([_xlsx_cell(sheet, c) for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return StreamingResponse(
        iter([buffer.getvalue()]),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
    )


def export_response(
    export_type: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], name: str
) -> StreamingResponse:
    """The export in the asked format (csv or xlsx)."""
    if export_type == "xlsx":
        return xlsx_response(columns, rows, name)
    return csv_response(columns, rows, name)
