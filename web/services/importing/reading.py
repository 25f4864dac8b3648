"""Finding the files of a run and reading their rows, from CSV or XLSX, as plain cells.

Rows are streamed (a 100,000-row file is never held in memory) and numbered the way a
spreadsheet shows them: the header is row 1, and blank rows are skipped but counted.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.services.importing import encodings
from web.services.importing.cells import Cell
from web.services.importing.kinds import clean_header
from web.services.importing.report import FileReport

SUFFIXES = (".csv", ".xlsx")
SEPARATORS = {";": "';'", "\t": _l("tabs"), "|": "'|'"}


class ReadProblem(ValueError):
    """A file that cannot be read at all (or stops being readable at some row)."""

    def __init__(self, message: str, row: int | None = None, value: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.value = value


@dataclass(frozen=True)
class Source:
    path: Path
    name: str  # as shown in reports: the file name, or the upload's original name


def collect(
    paths: Sequence[str | Path], labels: Mapping[str, str] | None = None
) -> tuple[list[Source], list[tuple[str, str]]]:
    """Expand folders (their .csv and .xlsx files, not subfolders) into sources.

    Returns the sources and (path, reason) pairs for paths that cannot be used.
    """
    labels = labels or {}
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                child
                for child in sorted(path.iterdir(), key=lambda p: p.name)
                if child.is_file()
                and child.suffix.lower() in SUFFIXES
                and not child.name.startswith((".", "~$"))  # hidden and Excel lock files
            )
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                found.append(path)
            else:
                problems.append((str(raw), _("Not a .csv or .xlsx file.")))
        else:
            problems.append((str(raw), _("No such file or folder.")))
    names = [labels.get(str(p), p.name) for p in found]
    # Two files of the same name (from different folders) are told apart by their path.
    sources = [
        Source(path, name if names.count(name) == 1 else str(path))
        for path, name in zip(found, names, strict=True)
    ]
    return sources, problems


@dataclass
class Table:
    """An opened file: its header, its kind and a way to stream its data rows."""

    source: Source
    sha256: str
    encoding: str | None  # None for XLSX
    header: list[str]
    total: int  # data rows, estimated from line endings or the sheet's dimension

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells) for every non-blank data row."""
        if self.encoding is None:
            yield from _xlsx_rows(self.source.path)
        else:
            yield from _csv_rows(self.source.path, self.encoding)


def open_table(source: Source, encoding: str | None, report: FileReport) -> Table:
    """Read the header row; ReadProblem if the file cannot be read as a table.

    The checksum and encoding are put on the report as soon as they are known, so that a
    failed run still records which bytes it was given.
    """
    if source.path.suffix.lower() == ".xlsx":
        report.sha256 = _sha256(source.path)
        header_cells, total = _xlsx_header(source.path)
        text_encoding = None
    else:
        scan = encodings.scan(source.path)
        report.sha256 = scan.sha256
        if scan.head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ReadProblem(
                _("This is UTF-16 text (Excel's “Unicode Text”); save the file as CSV UTF-8.")
            )
        try:
            text_encoding = encodings.choose(scan, encoding)
        except encodings.EncodingProblem as exc:
            raise ReadProblem(str(exc), row=exc.line) from exc
        report.encoding = text_encoding
        header_cells = _csv_header(source.path, text_encoding)
        total = max(scan.lines - 1, 0)
    if header_cells is None or not any(str(cell).strip() for cell in header_cells):
        raise ReadProblem(_("The file is empty: the first row must be the header."), row=1)
    header = clean_header([str(cell) for cell in header_cells])
    if len(header) == 1:
        for separator, label in SEPARATORS.items():
            if separator in header[0]:
                raise ReadProblem(
                    _(
                        "The columns seem to be separated by %(separator)s; "
                        "separate them with commas.",
                        separator=label,
                    ),
                    row=1,
                    value=header[0],
                )
    return Table(source, report.sha256, text_encoding, header, total)


__all__ = ["Cell", "ReadProblem", "Source", "Table", "collect", "open_table"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- CSV


def _csv_records(path: Path, encoding: str) -> Iterator[list[str]]:
    with path.open(encoding=encoding, newline="") as fh:
        yield from csv.reader(fh)


def _csv_header(path: Path, encoding: str) -> list[str] | None:
    with path.open(encoding=encoding, newline="") as fh:
        try:
            return next(csv.reader(fh), None)
        except csv.Error as exc:
            raise ReadProblem(
                _("The header cannot be read (%(error)s).", error=str(exc)), row=1
            ) from exc


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Cell]]]:
    records = _csv_records(path, encoding)
    row = 1
    try:
        next(records, None)  # the header
        for record in records:
            row += 1
            if any(cell.strip() for cell in record):
                yield row, list(record)
    except csv.Error as exc:
        raise ReadProblem(
            _("The CSV cannot be read from here on (%(error)s).", error=str(exc)), row=row + 1
        ) from exc


# ---------------------------------------------------------------------------- XLSX


def _open_workbook(path: Path) -> Any:
    import openpyxl

    try:
        # data_only: the value Excel last computed for a formula, not the formula.
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or encrypted upload raises many kinds of error
        raise ReadProblem(_("This is not a readable XLSX workbook.")) from exc


def _xlsx_header(path: Path) -> tuple[list[Cell] | None, int]:
    book = _open_workbook(path)
    try:
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(max_row=1, values_only=True), None)
        total = max((sheet.max_row or 1) - 1, 0)
        return ([xlsx_cell(v) for v in first] if first else None), total
    finally:
        book.close()


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    book = _open_workbook(path)
    try:
        sheet = book.worksheets[0]
        for row, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            cells = [xlsx_cell(v) for v in values]
            if any(cell != "" for cell in cells):
                yield row, cells
    finally:
        book.close()


def xlsx_cell(value: object) -> Cell:
    """A worksheet value as the text a person sees, or a date for date cells."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time):
        return value.isoformat()
    return str(value)
