"""Load a PostgreSQL database with programme data at scale, for EXPLAIN and the load test.

    .venv/bin/python bench/load_data.py --database-url postgresql://postgres@127.0.0.1/tb_scale

It wipes the database (its ``public`` schema; the database is created if missing, and
its name must start with ``tb_`` unless ``--force``), migrates it with the migrations,
writes firms, postings and students as seed files into a temporary folder, and imports
them with the importer (``web.services.importing.import_paths``, what ``flask seeds
import`` runs), one file after the other. The importer does not make applications (they
are a student's web action), so applications, their stage history and the transfer
consents are bulk-copied with COPY; then a share of students is made discoverable (with
the consent), logins are made for the load test and everything is VACUUM ANALYZEd.
Logins (one password for all of them) go to a JSON file, described in bench/README.md.
Running it again starts from scratch; the same ``--seed`` gives the same data.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench import scale_data  # noqa: E402
from web import create_app  # noqa: E402
from web.config import normalise_database_url  # noqa: E402
from web.extensions import db  # noqa: E402
from web.models import EmployerMembership, User  # noqa: E402
from web.services.importing import import_paths  # noqa: E402

DEFAULT_LOGINS = ROOT / "bench" / "out" / "logins.json"
BUSIEST_FIRMS = text(
    "SELECT f.id, f.name, count(a.id) AS n FROM firms f JOIN postings p ON p.firm_id = f.id "
    "LEFT JOIN applications a ON a.posting_id = p.id "
    "GROUP BY f.id, f.name ORDER BY n DESC, f.id LIMIT :n"
)
FIRM_POSTINGS = text(
    "SELECT p.id, p.ref, count(a.id) FILTER (WHERE a.status <> 'withdrawn') AS n "
    "FROM postings p LEFT JOIN applications a ON a.posting_id = p.id "
    "WHERE p.firm_id = :f GROUP BY p.id ORDER BY n DESC, p.id"
)
STUDENT_EMAILS = text(
    "SELECT p.id, u.id, u.email FROM student_profiles p JOIN users u ON u.id = p.user_id "
    "ORDER BY p.id"
)
SEARCH_WORDS = ["python", "risk", "data", "payments", "blockchain", "design", "深圳", "AML"]


@contextmanager
def step(label: str) -> Iterator[None]:
    print(f"{label} ...", end="", flush=True)
    started = time.perf_counter()
    yield
    print(f" {time.perf_counter() - started:.1f} s", flush=True)


def reset_database(url: str, *, force: bool) -> None:
    """Create the database if missing, then drop and recreate its public schema."""
    parsed = make_url(url)
    name = parsed.database or ""
    if not name.startswith("tb_") and not force:
        raise SystemExit(f"refusing to wipe database {name!r}: name it tb_... or pass --force")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def write_seed_files(folder: Path, args: argparse.Namespace) -> dict[str, Path]:
    rng = random.Random(args.seed)
    firms = scale_data.firm_rows(args.firms, rng)
    paths = {kind: folder / f"{kind}.csv" for kind in ("firms", "postings", "students")}
    scale_data.write_csv(paths["firms"], scale_data.FIRM_HEADER, firms)
    scale_data.write_csv(
        paths["postings"],
        scale_data.POSTING_HEADER,
        scale_data.posting_rows(args.postings, firms, rng),
    )
    subprocess.run(
        [sys.executable, str(ROOT / "seeds" / "generate_students.py"), "--count",
         str(args.students), "--seed", str(args.seed), "--out", str(paths["students"])],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return paths


def import_file(path: Path) -> None:
    """One importer run (one transaction, one import batch), like `flask seeds import`."""
    started = time.perf_counter()
    report = import_paths([path], dry_run=False)
    if not report.ok:
        db.session.rollback()
        raise SystemExit(report.format_errors(limit=10))
    db.session.commit()
    elapsed = time.perf_counter() - started
    print(
        f"  imported {path.name}: {report.created:,} created in {elapsed:.1f} s "
        f"({report.rows_read / elapsed:,.0f} rows/s)"
    )


def vary_postings(seed: int) -> None:
    """Most postings stay open; 7% are closed and 3% still drafts, as in a real programme."""
    db.session.execute(
        text(
            "UPDATE postings SET status = CASE WHEN abs(hashtext(ref || :s)) % 100 < 7 "
            "THEN 'closed' ELSE 'draft' END WHERE abs(hashtext(ref || :s)) % 100 < 10"
        ),
        {"s": str(seed)},
    )


def copy_rows(table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    cursor = db.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    if "id" in columns:
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        db.session.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))


def load_applications(count: int, seed: int) -> None:
    students = [tuple(r) for r in db.session.execute(text(
        "SELECT p.id, p.user_id FROM student_profiles p ORDER BY p.id"))]  # fmt: skip
    postings = [tuple(r) for r in db.session.execute(text(
        "SELECT id, firm_id, capacity FROM postings "
        "WHERE status <> 'draft' AND review_status = 'approved' ORDER BY id"))]  # fmt: skip
    rows = scale_data.applications(count, students, postings, seed=seed)  # type: ignore[arg-type]
    copy_rows(
        "applications",
        ("id", "student_id", "posting_id", "cover_note", "status", "rating",
         "rejection_reason", "version", "created_at", "updated_at"),
        rows.applications,
    )  # fmt: skip
    copy_rows(
        "application_events",
        ("id", "application_id", "actor_id", "from_status", "to_status", "note", "at"),
        rows.events,
    )
    copy_rows(
        "consents",
        ("user_id", "kind", "text_version", "firm_id", "posting_id", "given_at"),
        rows.consents,
    )
    db.session.commit()
    print(
        f"  {len(rows.applications):,} applications, {len(rows.events):,} stage events, "
        f"{len(rows.consents):,} transfer consents"
    )


def make_discoverable(share: float, seed: int) -> None:
    """Students who opted in to talent search, each with the discovery consent."""
    db.session.execute(
        text(
            "UPDATE student_profiles SET discoverable = true "
            "WHERE abs(hashtext(id::text || :seed)) % 1000 < :share * 1000"
        ),
        {"share": share, "seed": str(seed)},
    )
    db.session.execute(
        text(
            "INSERT INTO consents (user_id, kind, text_version, given_at) "
            "SELECT user_id, 'discovery', '2026-12', now() FROM student_profiles "
            "WHERE discoverable"
        )
    )
    db.session.commit()


def make_logins(args: argparse.Namespace, password: str) -> dict[str, Any]:
    """Coordinators, one approved employer for each of the busiest firms, and students."""
    hashed = generate_password_hash(password, method="scrypt")
    now = datetime.now(UTC)
    coordinators = [f"office{i}@programme.example.org" for i in range(1, args.coordinators + 1)]
    for email in coordinators:
        db.session.add(
            User(email=email, role="coordinator", password_hash=hashed, email_verified_at=now)
        )
    firms = db.session.execute(BUSIEST_FIRMS, {"n": args.employers}).all()
    employers = []
    for firm_id, firm_name, _n in firms:
        email = f"recruiter.f{firm_id:03d}@firm.example.com"
        user = User(email=email, role="employer", password_hash=hashed, email_verified_at=now)
        user.membership = EmployerMembership(firm_id=firm_id, status="approved", decided_at=now)
        db.session.add(user)
        postings = db.session.execute(FIRM_POSTINGS, {"f": firm_id}).all()
        employers.append(
            {
                "email": email,
                "firm": firm_name,
                "postings": [{"id": i, "ref": r, "applicants": n} for i, r, n in postings],
            }
        )
    rng = random.Random(args.seed)
    all_students = db.session.execute(STUDENT_EMAILS).all()
    chosen = sorted(
        rng.sample(range(len(all_students)), min(args.login_students, len(all_students)))
    )
    students = [all_students[i] for i in chosen]
    db.session.execute(
        text("UPDATE users SET password_hash = :h, email_verified_at = :now WHERE id = ANY(:ids)"),
        {"h": hashed, "now": now, "ids": [u for _p, u, _e in students]},
    )
    open_refs = db.session.scalars(text(
        "SELECT ref FROM postings WHERE status = 'open' AND review_status = 'approved' "
        "AND (deadline IS NULL OR deadline >= current_date) ORDER BY id")).all()  # fmt: skip
    db.session.commit()
    return {
        "password": password,
        "coordinators": coordinators,
        "employers": employers,
        "students": [{"email": e, "profile_id": p} for p, _u, e in students],
        "open_posting_refs": list(open_refs),
        "firm_ids": [f for f, _name, _n in firms],
        "search_words": SEARCH_WORDS,
    }


def vacuum_analyze(url: str) -> dict[str, int]:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE)")
        counts = {
            name: conn.scalar(text(f'SELECT count(*) FROM "{name}"'))
            for name in conn.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            )
        }
        size = conn.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
    engine.dispose()
    print(f"  database size {size}")
    return counts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL URL (default: $DATABASE_URL); the database is wiped",
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=5_000)
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument(
        "--discoverable",
        type=float,
        default=0.2,
        help="share of students who opted in to talent search",
    )
    parser.add_argument("--coordinators", type=int, default=5)
    parser.add_argument(
        "--employers",
        type=int,
        default=100,
        help="employer logins, one for each of the busiest firms",
    )
    parser.add_argument("--login-students", type=int, default=2000)
    parser.add_argument("--password", help="the password of every login (default: random)")
    parser.add_argument("--logins", type=Path, default=DEFAULT_LOGINS, help="JSON file to write")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--keep-files", type=Path, help="write the seed files here and keep them")
    parser.add_argument("--force", action="store_true", help="wipe a database not named tb_*")
    args = parser.parse_args(argv)  # fmt: skip
    if not args.database_url or not args.database_url.startswith(("postgres", "postgresql")):
        parser.error("--database-url (or DATABASE_URL) must be a PostgreSQL URL")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    url = normalise_database_url(args.database_url)
    total = time.perf_counter()
    with step("reset the database"):
        reset_database(url, force=args.force)
    app: Flask = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        with step("migrate (flask db upgrade)"):
            upgrade(directory=str(ROOT / "migrations"))
        with tempfile.TemporaryDirectory(prefix="tb-load-") as tmp:
            folder = args.keep_files or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            with step(f"generate seed files in {folder}"):
                paths = write_seed_files(folder, args)
            print("import with the importer:")
            for kind in ("firms", "postings", "students"):
                import_file(paths[kind])
        with step("close or draft a tenth of the postings"):
            vary_postings(args.seed)
            db.session.commit()
        print("bulk-copy applications (the importer makes none):")
        started = time.perf_counter()
        load_applications(args.applications, args.seed)
        print(f"  {time.perf_counter() - started:.1f} s")
        with step(f"make {args.discoverable:.0%} of students discoverable"):
            make_discoverable(args.discoverable, args.seed)
        with step("make logins"):
            logins = make_logins(args, args.password or secrets.token_urlsafe(12))
        db.session.remove()
        db.engine.dispose()
    with step("VACUUM ANALYZE"):
        counts = vacuum_analyze(url)
    logins["database_url"] = make_url(url).render_as_string(hide_password=True)
    logins["counts"] = counts
    logins["created_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.logins.parent.mkdir(parents=True, exist_ok=True)
    args.logins.write_text(json.dumps(logins, ensure_ascii=False, indent=1), encoding="utf-8")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
    print(f"logins written to {args.logins}; total {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
