"""Benchmark: bulk student import against a naive one-ORM-object-per-row importer.

Run ``.venv/bin/python bench/bench_import.py`` (``--rows 20000`` for a quick run). It
generates students with seeds/generate_students.py (about ten skills each) into a
temporary folder, imports the whole file into a fresh SQLite database (a temporary file,
schema from the migrations) with ``import_paths``, then imports a sample of the same
file into a second fresh database the naive way (validate the row the same way, then
one User, StudentProfile and its skill and language objects, add and flush, per row)
and extrapolates. It prints rows per second, wall time, peak memory (the process's
maximum resident set size) and the ratio. Targets (issue 3): at least 10 times the
naive rate, 100,000 rows within a minute, peak memory under 500 MB. It prints, it does
not assert: timings depend on the machine.

``--postgres postgresql://postgres@127.0.0.1/test`` runs both importers against two
scratch databases created on that server (``tb_bench_import_<pid>_bulk`` and ``_naive``,
dropped afterwards) instead of SQLite files: the production database, where the child
rows go in with COPY.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402

from web import create_app  # noqa: E402
from web.config import normalise_database_url  # noqa: E402
from web.extensions import db  # noqa: E402
from web.models import StudentLanguage, StudentProfile, StudentSkill, User  # noqa: E402
from web.services.importing import import_paths  # noqa: E402
from web.services.importing.cells import ListParser  # noqa: E402
from web.services.importing.kinds import STUDENTS  # noqa: E402
from web.services.importing.records import Row, student_record  # noqa: E402


def peak_mb() -> float:
    """The process's peak resident memory so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_app(url: str) -> Flask:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


@contextmanager
def scratch_databases(server: str | None, folder: Path) -> Iterator[tuple[str, str]]:
    """URLs for the bulk and the naive import: SQLite files, or new PostgreSQL databases."""
    if server is None:
        yield f"sqlite:///{folder / 'bulk.db'}", f"sqlite:///{folder / 'naive.db'}"
        return
    base = make_url(normalise_database_url(server))
    names = [f"tb_bench_import_{os.getpid()}_{kind}" for kind in ("bulk", "naive")]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        bulk_url, naive_url = (base.set(database=n).render_as_string(False) for n in names)
        yield bulk_url, naive_url
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def generate(rows: int, out: Path) -> float:
    script = ROOT / "seeds" / "generate_students.py"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(script), "--count", str(rows), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def bulk(app: Flask, path: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds for import_paths on the whole file, and the rows created."""
    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        report = import_paths([path], dry_run=False)
        db.session.commit()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if not report.ok:
            raise SystemExit(report.format_errors(limit=10))
        return elapsed, cpu, report.created


def naive(app: Flask, path: Path, sample: int) -> tuple[float, float]:
    """The baseline: same validation, then one ORM object graph per row, add and flush."""
    lists = ListParser()
    with app.app_context(), path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        started, cpu = time.perf_counter(), time.process_time()
        for number, cells in enumerate(reader, start=2):
            if number - 1 > sample:
                break
            record = student_record(number, Row(dict(zip(header, cells, strict=True))), lists)
            assert record is not None, cells
            user = User(email=record.email, role="student")
            user.profile = StudentProfile(
                full_name=record.full_name,
                university=record.university,
                programme=record.programme,
                year_of_study=record.year_of_study,
                graduation_year=record.graduation_year,
                available_from=record.available_from,
                available_to=record.available_to,
                discoverable=False,
            )
            user.profile.skills = [
                StudentSkill(name=s.name, key=s.key, level=s.level) for s in record.skills
            ]
            user.profile.languages = [
                StudentLanguage(language=lang.key, level=lang.level) for lang in record.languages
            ]
            db.session.add(user)
            db.session.flush()
        db.session.commit()
        return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="students to generate")
    parser.add_argument("--sample", type=int, default=2_000, help="rows for the naive importer")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to import into")
    args = parser.parse_args()
    assert list(STUDENTS.columns)  # the generator writes the students header

    with (
        tempfile.TemporaryDirectory(prefix="tb-bench-import-") as tmp,
        scratch_databases(args.postgres, Path(tmp)) as (bulk_url, naive_url),
    ):
        folder = Path(tmp)
        print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}")
        students = folder / "students.csv"
        generated = generate(args.rows, students)
        size_mb = students.stat().st_size / 1e6
        print(f"generated {args.rows:,} students ({size_mb:.1f} MB) in {generated:.1f} s")

        before = peak_mb()
        elapsed, cpu, created = bulk(fresh_app(bulk_url), students)
        peak = peak_mb()
        rate, cpu_rate = created / elapsed, created / cpu
        print(
            f"bulk import:  {created:,} rows in {elapsed:.1f} s = {rate:,.0f} rows/s "
            f"(CPU {cpu:.1f} s = {cpu_rate:,.0f} rows/s); peak memory {peak:.0f} MB "
            f"(whole process; {before:.0f} MB before the import)"
        )

        sample = min(args.sample, args.rows)
        naive_elapsed, naive_cpu = naive(fresh_app(naive_url), students, sample)
        naive_rate, naive_cpu_rate = sample / naive_elapsed, sample / naive_cpu
        print(
            f"naive import: {sample:,} rows in {naive_elapsed:.1f} s = {naive_rate:,.0f} rows/s "
            f"(CPU {naive_cpu:.1f} s = {naive_cpu_rate:,.0f} rows/s); "
            f"{args.rows:,} rows would take {args.rows / naive_rate:.0f} s"
        )
        print(
            f"speed-up: {rate / naive_rate:.1f}x wall clock, {cpu_rate / naive_cpu_rate:.1f}x CPU "
            "(target >= 10x)"
        )
        print(
            f"targets: whole file {elapsed:.1f} s (<= 60 s: {'yes' if elapsed <= 60 else 'NO'}), "
            f"peak {peak:.0f} MB (< 500 MB: {'yes' if peak < 500 else 'NO'}); "
            f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )


if __name__ == "__main__":
    main()
