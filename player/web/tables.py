"""One report table, two renderings: the page and the CSV file are made from the same rows.

A table holds plain values: text, whole numbers, one-decimal numbers, or None for "no data".
The page prints numbers as `number_text` does and the CSV writes them unquoted, so a
spreadsheet reads the very figures the trainer saw on screen, as numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from player.web.i18n import current_lang, local_number

Value = str | int | float | None

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google
# Sheets (CSV injection); tab and carriage return hide such a start from a quick look.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    cells: tuple[Value, ...]
    key: int | str | None = None  # what a drill-down link needs (a learner's id), never printed
    classes: tuple[str, ...] = ()  # per-cell CSS classes for the screen (e.g. a state's colour)


@dataclass(frozen=True)
class Table:
    name: str  # the file name of its CSV, without .csv
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    footer: tuple[Row, ...] = ()

    def all_rows(self) -> tuple[Row, ...]:
        return self.rows + self.footer


def neutralise(text: str) -> str:
    """Make a text cell inert in a spreadsheet: a leading apostrophe turns a would-be formula
    into text (the OWASP advice for CSV injection). The one place CSV cells are defused."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_text(value: Value, lang: str = "en") -> str:
    """How the page prints a cell in the interface language: a float with at most one decimal,
    as the reports round them, and none when it is whole ("0", not "0.0")."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return local_number(value, 1, lang)
    return str(value)


def cell_text(value: Value) -> str:
    """A cell as the page prints it, in the request's interface language (the template filter)."""
    return number_text(value, current_lang())


def _csv_cell(value: Value) -> Value:
    if isinstance(value, bool):
        raise TypeError("a report cell is never a bool: say what it means in words or as a count")
    if isinstance(value, str):
        return neutralise(value)
    return "" if value is None else value


def to_csv(table: Table) -> str:
    """The table as CSV: a header row, then every row; text quoted, numbers bare.

    It starts with a byte order mark so Excel reads names in Cyrillic as UTF-8.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in table.columns])
    for row in table.all_rows():
        writer.writerow([_csv_cell(v) for v in row.cells])
    return buffer.getvalue()
