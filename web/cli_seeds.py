"""`flask --app wsgi seeds ...`: import seed files, export invitation links."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from web.extensions import db
from web.services import invitations
from web.services.importing import ImportReport, import_paths
from web.services.importing.encodings import ALIASES

seeds_cli = AppGroup("seeds", help="Import seed files and invite imported students.")

PROGRESS_FROM_ROWS = 5000  # smaller files finish before a bar would help
ERRORS_SHOWN = 50


class _Silent:
    def update(self, n: int) -> None:
        pass


def _progress(name: str, total: int) -> AbstractContextManager[Any]:
    if total < PROGRESS_FROM_ROWS:
        return nullcontext(_Silent())
    return click.progressbar(length=total, label=name, file=sys.stderr)


@seeds_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report only; write nothing.")
@click.option(
    "--encoding",
    type=click.Choice(sorted(ALIASES), case_sensitive=False),
    help="Text encoding of the CSV files (detected when not given).",
)
def import_command(paths: tuple[Path, ...], dry_run: bool, encoding: str | None) -> None:
    """Import firms, postings and students from CSV/XLSX files or folders.

    Folders are read in dependency order (firms, postings, students); a file's kind
    comes from its header. Any error: every error is listed and nothing is written.
    """
    try:
        report = import_paths(list(paths), dry_run=dry_run, encoding=encoding, progress=_progress)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()  # the data, or (after a rollback) only the failed batch
    except Exception as exc:  # a fault, not a file error: nothing is kept, the log has why
        db.session.rollback()
        current_app.logger.exception("The seed import failed")
        raise click.ClickException(
            f"The import stopped on an unexpected error ({type(exc).__name__}: {exc}). "
            "Nothing was written; the log above has the details."
        ) from exc
    _print_report(report)
    if not report.ok:
        sys.exit(1)


def _print_report(report: ImportReport) -> None:
    for file in report.files:
        kind = file.kind or "?"
        click.echo(
            f"{file.name} ({kind}): {file.rows} rows read, {file.created} created, "
            f"{file.updated} updated, {file.unchanged} unchanged"
            + (f", {file.errors} error{'s' if file.errors != 1 else ''}" if file.errors else "")
        )
    if report.ok:
        total = (
            f"{report.rows_read} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
        click.echo(("Dry run, nothing written. " if report.dry_run else "Imported. ") + total)
        return
    click.echo(f"{report.error_count} error{'s' if report.error_count != 1 else ''}:", err=True)
    click.echo(report.format_errors(limit=ERRORS_SHOWN), err=True)
    click.echo("Nothing was written. Correct the files and run the command again.", err=True)


@seeds_cli.command("invitations")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV here (default: standard output).",
)
@click.option(
    "--base-url",
    default=None,
    help="The site's address for the links (default: PUBLIC_BASE_URL or http://127.0.0.1:5000).",
)
def invitations_command(out: Path | None, base_url: str | None) -> None:
    """A CSV of one-time invitation links for imported students who have not claimed."""
    base = base_url or current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        lines = list(invitations.csv_lines(actor=None, base_url=base))
        db.session.commit()  # the audit entry
    count = len(lines) - 1
    if out is None:
        click.echo("".join(lines), nl=False)
    else:
        out.write_text("".join(lines), encoding="utf-8")
        out.chmod(0o600)  # each link lets its holder set a password
        click.echo(f"{count} invitation links written to {out}.", err=True)
