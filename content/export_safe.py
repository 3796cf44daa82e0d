"""Text leaving Loa in files other programs interpret: spreadsheets (CSV, XLSX) and iCalendar.

One place for every export, so a programme title or a station name can never become a
spreadsheet formula (OWASP "CSV injection") or break an iCalendar line (RFC 5545).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from typing import Any

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets
# (tab and carriage return too: some programs strip them before looking).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_text(value: Any) -> Any:
    """A CSV cell that no spreadsheet reads as a formula: text starting with = + - @ (or a tab
    or line break) gets a leading apostrophe, as OWASP advises; numbers and dates pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer whose text cells go through spreadsheet_text: the one CSV writer of exports."""

    def __init__(self, out: io.StringIO | Any, **kwargs: Any) -> None:
        kwargs.setdefault("lineterminator", "\r\n")
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row, every text cell neutralised."""
        return self._writer.writerow([spreadsheet_text(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write rows, every text cell neutralised."""
        for row in rows:
            self.writerow(row)


def xlsx_append(ws: Any, row: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet with every text cell stored as text, never a formula.

    openpyxl turns a string starting with '=' into a formula; marking the cell as a string
    keeps the exact text (it reads back unchanged) and spreadsheets show it as typed.
    """
    ws.append(list(row))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def ical_text(value: str) -> str:
    """An iCalendar TEXT value (RFC 5545 3.3.11): backslash, ';', ',' escaped, every line break
    (CRLF, LF or a bare CR) as \\n, and other control characters (NUL...) removed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(
        ch for ch in value if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ical_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    if len(line.encode()) <= 75:
        return line
    parts: list[str] = []
    chunk: list[str] = []
    size = 0
    for ch in line:
        n = len(ch.encode())
        if size + n > (75 if not parts else 74):  # continuation lines start with a space
            parts.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(ch)
        size += n
    parts.append("".join(chunk))
    return "\r\n ".join(parts)
