"""One import run: open every file, check every row, write only if nothing is wrong.

The run streams each file in chunks: validate the chunk, compare it with what is stored,
and (while no error has been seen and this is not a dry run) write it. Files are taken
in dependency order (firms, postings, students) so a posting may name a firm from a
firms file of the same run. When any error turns up, writing stops, checking goes on so
that every error is reported, and at the end the transaction is rolled back: a run with
any error writes nothing. The caller commits, once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from web.extensions import db
from web.models import ImportBatch, User
from web.services import audit
from web.services.importing import encodings
from web.services.importing.cells import Cell, ListParser
from web.services.importing.kinds import ORDER, HeaderProblem, Kind, detect
from web.services.importing.reading import ReadProblem, Source, Table, collect, open_table
from web.services.importing.records import VALIDATORS, Record, Row
from web.services.importing.report import FileReport, ImportIssue, ImportReport, printable
from web.services.importing.writing import FirmWriter, Plan, PostingWriter
from web.services.importing.writing_students import StudentWriter

CHUNK_ROWS = 1000
ProgressFactory = Callable[[str, int], AbstractContextManager[Any]]


class _NoProgress:
    def update(self, n: int) -> None:
        pass


def _no_progress(_name: str, _total: int) -> AbstractContextManager[Any]:
    return nullcontext(_NoProgress())


def import_paths(
    paths: Sequence[str | Path],
    *,
    dry_run: bool,
    encoding: str | None = None,
    actor: User | None = None,
    source: str = "cli",
    labels: Mapping[str, str] | None = None,
    progress: ProgressFactory | None = None,
) -> ImportReport:
    """Import seed files and folders; nothing is written if any file has an error.

    Parameters
    ----------
    paths
        Files (.csv, .xlsx) and folders (their .csv and .xlsx files, not subfolders).
    dry_run
        Check and count only; never write.
    encoding
        The text encoding of CSV files (utf-8, gb18030, big5hkscs); detected if None.
    actor, source
        Who ran the import and from where ("cli" or "web"), recorded on the ImportBatch.
    labels
        Names to show for paths (an upload's original file name), keyed by str(path).
    progress
        ``progress(file name, estimated rows)`` returns a context manager whose value
        has ``update(rows)``; ``click.progressbar`` fits.

    Returns
    -------
    ImportReport
        Per-file counts and the errors. Unless ``dry_run``, an ImportBatch (and an audit
        entry) has been added and flushed in the session: the caller commits.
    """
    run = _Run(dry_run=dry_run, encoding=encoding, progress=progress or _no_progress)
    sources, bad_paths = collect(paths, labels)
    for path, reason in bad_paths:
        run.report.add_error(ImportIssue(path, None, None, None, reason))
    tables = [opened for src in sources if (opened := run.open(src)) is not None]
    for table, kind, file in sorted(tables, key=lambda t: ORDER[t[1].name]):
        run.process(table, kind, file)
    if not dry_run:
        run.finish(actor, source)
    return run.report


class _Run:
    def __init__(self, *, dry_run: bool, encoding: str | None, progress: ProgressFactory) -> None:
        if encoding:
            encodings.normalise_encoding_name(encoding)  # a bad name fails before any work
        self.report = ImportReport(dry_run=dry_run)
        self.encoding = encoding
        self.progress = progress
        self.lists = ListParser()
        self.now = datetime.now(UTC)
        self._writers: dict[str, Any] = {}
        # Keys seen so far in this run, per kind: key -> (file, row), for duplicates.
        self.seen: dict[str, dict[str, tuple[str, int]]] = {k: {} for k in ORDER}

    @property
    def firms(self) -> FirmWriter:
        return self.writer("firms")  # type: ignore[return-value]

    def writer(self, kind: str) -> FirmWriter | PostingWriter | StudentWriter:
        """The kind's writer, made on first use: each loads its existing keys once."""
        if kind not in self._writers:
            if kind == "firms":
                self._writers[kind] = FirmWriter(self.now)
            elif kind == "postings":
                self._writers[kind] = PostingWriter(self.now, self.firms)
            else:
                self._writers[kind] = StudentWriter(self.now)
        return self._writers[kind]

    @property
    def writing(self) -> bool:
        return not self.report.dry_run and self.report.ok

    def error(
        self,
        file: FileReport,
        row: int | None,
        column: str | None,
        value: str | None,
        reason: str,
    ) -> None:
        self.report.add_error(ImportIssue(file.name, row, column, value, reason), file)

    def open(self, source: Source) -> tuple[Table, Kind, FileReport] | None:
        file = FileReport(source.name)
        self.report.files.append(file)
        try:
            table = open_table(source, self.encoding, file)
            kind = detect(table.header)
        except ReadProblem as exc:
            self.error(file, exc.row, None, exc.value, str(exc))
            return None
        except HeaderProblem as exc:
            self.error(file, 1, None, exc.value, str(exc))
            return None
        file.kind = kind.name
        return table, kind, file

    def process(self, table: Table, kind: Kind, file: FileReport) -> None:
        # Reports follow the order files are written in.
        self.report.files.remove(file)
        self.report.files.append(file)
        with self.progress(file.name, table.total) as bar:
            try:
                for chunk in _chunks(table.rows(), CHUNK_ROWS):
                    self._chunk(chunk, table, kind, file)
                    bar.update(len(chunk))
            except ReadProblem as exc:
                self.error(file, exc.row, None, exc.value, str(exc))
        if file.rows == 0 and file.errors == 0:
            self.error(file, None, None, None, _("The file has a header but no data rows."))

    def _chunk(
        self, chunk: list[tuple[int, list[Cell]]], table: Table, kind: Kind, file: FileReport
    ) -> None:
        writer = self.writer(kind.name)
        validate = VALIDATORS[kind.name]
        records: list[Record] = []
        for number, cells in chunk:
            file.rows += 1
            row = self._row(number, cells, table, file)
            if row is None:
                continue
            record = validate(number, row, self.lists)
            self._check_key(number, row, kind, file)
            row.problems.sort(key=lambda p: kind.columns.index(p[0]) if p[0] else -1)
            for column, value, reason in row.problems:
                self.error(file, number, column, value, reason)
            if record is None or row.problems:
                continue
            problem = writer.problem(record) or self._reference(record, kind)  # type: ignore[arg-type]
            if problem is not None:
                self.error(file, number, *problem)
                continue
            records.append(record)
        plan = writer.classify(records)  # type: ignore[arg-type]
        file.created += len(plan.created)
        file.updated += len(plan.updated)
        file.unchanged += plan.unchanged
        if self.writing:
            self._write(writer, plan, file)

    def _write(
        self, writer: FirmWriter | PostingWriter | StudentWriter, plan: Plan[Any], file: FileReport
    ) -> None:
        """Write a chunk; a key stored meanwhile by another import fails the whole run.

        Keys were compared with what was stored when the run began; an import running at
        the same moment may have stored some of them since. The unique constraint then
        refuses the row, and the run is rolled back and reported, never left half-written.
        """
        try:
            writer.write(plan)  # type: ignore[arg-type]
        except IntegrityError as exc:
            db.session.rollback()
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else None
            self.error(
                file,
                None,
                None,
                detail,
                _(
                    "The database refused these rows: another import probably stored the "
                    "same records at the same moment. Nothing was written; run the import "
                    "again to compare the files with what is stored now."
                ),
            )

    def _row(self, number: int, cells: list[Cell], table: Table, file: FileReport) -> Row | None:
        """Cells by column, or None after reporting a row of the wrong shape or garbled text."""
        width = len(table.header)
        if len(cells) < width:
            reason = _(
                "This row has %(found)d cells but the header has %(expected)d columns.",
                found=len(cells),
                expected=width,
            )
        elif any(str(c).strip() for c in cells[width:]):
            reason = _(
                "This row has values beyond the header's %(expected)d columns; a cell with "
                "a comma in it may be missing its quotes.",
                expected=width,
            )
        else:
            reason = None
        if reason is not None:
            self.error(file, number, None, ",".join(str(c) for c in cells), reason)
            return None
        values = dict(zip(table.header, cells, strict=False))
        garbled_in = []
        if encodings.garbled("\x1f".join(c for c in cells if isinstance(c, str))):
            garbled_in = [
                (column, fragment)
                for column, value in values.items()
                if isinstance(value, str) and (fragment := encodings.garbled(value))
            ]
        for column, fragment in garbled_in:
            self.error(
                file,
                number,
                column,
                str(values[column]),
                _(
                    "The text is garbled (“%(fragment)s”): it was converted with the wrong "
                    "encoding before it reached us. Fix the source file.",
                    fragment=printable(fragment),
                ),
            )
        return None if garbled_in else Row(values)

    def _check_key(self, number: int, row: Row, kind: Kind, file: FileReport) -> None:
        """The record's key must be new in this run (checked even if other cells are bad)."""
        raw = row.cells[kind.key]
        key = raw.strip() if isinstance(raw, str) else ""
        if kind.name == "students":
            key = key.lower()
        if not key:
            return
        seen = self.seen[kind.name]
        if key in seen:
            where_file, where_row = seen[key]
            reason = (
                _("already used on row %(row)d", row=where_row)
                if where_file == file.name
                else _("already used in %(file)s, row %(row)d", file=where_file, row=where_row)
            )
            row.problems.append((kind.key, raw.strip(), reason))  # type: ignore[union-attr]
        else:
            seen[key] = (file.name, number)

    def _reference(self, record: Record, kind: Kind) -> tuple[str, str, str] | None:
        """A posting's firm must exist already or come from a firms file of this run."""
        if kind.name != "postings":
            return None
        firm = record.firm  # type: ignore[union-attr]
        if firm in self.firms.ids or firm in self.seen["firms"]:
            return None
        return ("firm", firm, _("no firm with this name (firms are matched by their exact name)"))

    def finish(self, actor: User | None, source: str) -> None:
        """Roll back a failed run, then record the batch and an audit entry either way."""
        report = self.report
        if not report.ok:
            db.session.rollback()
        batch = ImportBatch(
            actor_id=actor.id if actor is not None else None,
            source=source,
            status="succeeded" if report.ok else "failed",
            files=[f.as_batch_entry() for f in report.files],
            rows_read=report.rows_read,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            error_count=report.error_count,
        )
        db.session.add(batch)
        db.session.flush()
        audit.record(
            actor,
            "import.succeeded" if report.ok else "import.failed",
            batch,
            source=source,
            files=[f.name for f in report.files],
            created=report.created,
            updated=report.updated,
            errors=report.error_count,
        )
        db.session.flush()
        report.batch_id = batch.id


def _chunks(rows: Iterator[tuple[int, list[Cell]]], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk
