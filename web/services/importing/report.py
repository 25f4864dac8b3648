"""What an import run found and did: per-file counts and the errors, for people to read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

# Errors kept in memory; the rest are only counted, so a file of 100,000 bad rows
# cannot exhaust memory or bury the first problems.
KEPT_ERRORS = 1000
VALUE_SHOWN = 60  # characters of a bad value quoted in a message


def printable(text: str) -> str:
    """Text with control characters escaped: they would break a line or a terminal."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode() for ch in text
    )


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem, located the way a spreadsheet user finds it: file, row, column."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    @property
    def shown_value(self) -> str | None:
        if self.value is None:
            return None
        text = printable(self.value[: VALUE_SHOWN * 2])
        return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(_("row %(row)d", row=self.row))
        if self.column is not None:
            where.append(_("column %(column)s", column=self.column))
        if self.value is not None:
            where.append(_('value "%(value)s"', value=self.shown_value))
        return f"{', '.join(where)}: {self.reason}"


@dataclass(slots=True, eq=False)  # compared by identity: two files may look alike
class FileReport:
    """Counts for one file; the kind is None when the header matched no kind."""

    name: str
    sha256: str = ""
    kind: str | None = None
    encoding: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0

    def as_batch_entry(self) -> dict[str, Any]:
        """The JSON stored on ImportBatch.files."""
        return {
            "name": self.name,
            "sha256": self.sha256,
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass
class ImportReport:
    """The outcome of import_paths: files in the order they were processed, and errors."""

    dry_run: bool
    files: list[FileReport] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    error_count: int = 0
    batch_id: int | None = None

    def add_error(self, issue: ImportIssue, file: FileReport | None = None) -> None:
        self.error_count += 1
        if file is not None:
            file.errors += 1
        if len(self.errors) < KEPT_ERRORS:
            self.errors.append(issue)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def rows_read(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def created(self) -> int:
        return sum(f.created for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def unchanged(self) -> int:
        return sum(f.unchanged for f in self.files)

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    def format_errors(self, limit: int | None = None) -> str:
        """Every kept error on its own line (up to limit), then how many more there are."""
        shown = self.errors if limit is None else self.errors[:limit]
        lines = [str(issue) for issue in shown]
        more = self.error_count - len(shown)
        if more:
            lines.append(ngettext("… and %(num)d more error.", "… and %(num)d more errors.", more))
        return "\n".join(lines)
