"""EXPLAIN (ANALYZE, BUFFERS) the real SQL behind the busiest pages, on a loaded database.

    .venv/bin/python bench/explain.py --database-url postgresql://postgres@127.0.0.1/tb_scale

Run bench/load_data.py first. Each page (the employer's ranked shortlist, with and
without filters; talent search; the public posting search by keyword and firm; a
student's recommendations; the coordinator dashboard) is requested through the app
with a logged-in user of the right role while a SQLAlchemy ``before_cursor_execute``
listener records every statement and its parameters. Each distinct SELECT is then run
again with the same parameters, three times (the best time is kept: the machine may be
busy), and once as ``EXPLAIN (ANALYZE, BUFFERS)``, and summarised: time, the indexes
used, sequential scans over big tables. The full text plans go to ``--out``, a summary
to ``--json``. The first shortlist request builds the matcher's index of every student
(once per process); its statements are listed as a warm-up, apart from the pages'.
One page comes after a profile's ``updated_at`` is set to now (the only write), as when
a student saves a profile, so that the index's refresh is measured too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from flask import Flask  # noqa: E402
from flask_login import FlaskLoginClient  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from web import create_app  # noqa: E402
from web.config import normalise_database_url  # noqa: E402
from web.extensions import db  # noqa: E402
from web.models import User  # noqa: E402

BIG_ROWS = 10_000  # a sequential scan over a table this large is worth a look
REPEAT = 3  # page requests timed after the warm-up
# The matcher's index notices a changed profile on the next request and re-reads it.
TOUCH_PROFILE = text(
    "UPDATE student_profiles SET updated_at = now() "
    "WHERE id = (SELECT min(id) FROM student_profiles)"
)


@dataclass
class Statement:
    sql: str
    params: Any
    calls: int = 1


@dataclass
class Page:
    label: str
    url: str
    role: str
    touch: bool = False  # first mark one profile changed, as a student saving it does
    status: int = 200
    statements: list[Statement] = field(default_factory=list)
    best_ms: float = 0.0  # the fastest of REPEAT requests: the least disturbed by others


@dataclass
class Explained:
    page: str
    sql: str
    calls: int
    ms: float  # best wall time of the statement itself (REPEAT runs), rows fetched
    analyze_ms: float  # EXPLAIN ANALYZE's execution time (with its timing overhead)
    planning_ms: float
    indexes: list[str]
    seq_scans: list[str]  # "table (rows)" of big tables read in full
    hit: int
    read: int
    text_plan: str


class Recorder:
    """Collects the statements run on the engine while ``recording`` is set."""

    def __init__(self) -> None:
        self.recording: list[Statement] | None = None

    def __call__(
        self, _conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool
    ) -> None:
        if self.recording is None or many:
            return
        for seen in self.recording:
            if seen.sql == sql:
                seen.calls += 1
                return
        self.recording.append(Statement(sql, params))


def subjects() -> dict[str, Any]:
    """The busiest posting with an employer login, a student with skills, a coordinator."""
    row = db.session.execute(text(
        "SELECT p.id, p.firm_id, m.user_id, count(a.id) AS n FROM postings p "
        "JOIN employer_memberships m ON m.firm_id = p.firm_id AND m.status = 'approved' "
        "JOIN applications a ON a.posting_id = p.id AND a.status <> 'withdrawn' "
        "GROUP BY p.id, p.firm_id, m.user_id ORDER BY n DESC, p.id LIMIT 1")).one()  # fmt: skip
    student = db.session.scalar(text(
        "SELECT u.id FROM users u JOIN student_profiles p ON p.user_id = u.id "
        "WHERE u.password_hash IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM applications a WHERE a.student_id = p.id) "
        "ORDER BY u.id LIMIT 1"))  # fmt: skip
    coordinator = db.session.scalar(
        text("SELECT id FROM users WHERE role = 'coordinator' ORDER BY id LIMIT 1")
    )
    search_firm = db.session.scalar(text(
        "SELECT firm_id FROM postings WHERE status = 'open' GROUP BY firm_id "
        "ORDER BY count(*) DESC, firm_id LIMIT 1"))  # fmt: skip
    if student is None or coordinator is None:
        raise SystemExit("no logins in this database: run bench/load_data.py first")
    return {
        "posting": row.id,
        "applicants": row.n,
        "employer": row.user_id,
        "student": student,
        "coordinator": coordinator,
        "firm": search_firm,
    }


def pages(s: dict[str, Any]) -> list[Page]:
    shortlist = f"/employer/postings/{s['posting']}"
    return [
        Page(f"shortlist ({s['applicants']} applicants)", shortlist, "employer"),
        Page("shortlist, page 3", f"{shortlist}?page=3", "employer"),
        Page(
            "shortlist, filtered",
            f"{shortlist}?university=HKU&year=3&language=english&min_score=20",
            "employer",
        ),
        Page("talent search", f"/employer/talent?posting={s['posting']}", "employer"),
        Page("posting search, no keyword", "/postings", "student"),
        Page("posting search 'python'", "/postings?q=python", "student"),
        Page("posting search 'risk' + firm", f"/postings?q=risk&firm={s['firm']}", "student"),
        Page("posting search '深圳' page 5", "/postings?q=%E6%B7%B1%E5%9C%B3&page=5", "student"),
        Page("recommendations", "/student/recommendations", "student"),
        Page("coordinator dashboard", "/coordinator/", "coordinator"),
        # Last: a failing refresh of the matcher's index would fail every later shortlist.
        Page("shortlist, a profile changed", shortlist, "employer", touch=True),
    ]


def run_pages(app: Flask, s: dict[str, Any], recorder: Recorder) -> tuple[list[Page], Page]:
    """Request every page: once recorded, then REPEAT times timed.

    Called outside any app context: each request then gets its own (and its own ``g``,
    where Flask-Login keeps the current user).
    """
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        clients = {
            role: app.test_client(user=db.session.get(User, s[role]))
            for role in ("employer", "student", "coordinator")
        }
    warmup = Page("warm-up: matcher index of every student (once per process)", "", "employer")
    recorder.recording = warmup.statements
    clients["employer"].get("/employer/")
    clients["employer"].get(f"/employer/postings/{s['posting']}")
    result = pages(s)
    for page in result:
        client = clients[page.role]
        if page.touch:
            with app.app_context():
                db.session.execute(TOUCH_PROFILE)
                db.session.commit()
        recorder.recording = page.statements
        page.status = client.get(page.url).status_code
        recorder.recording = None
        if page.status != 200:  # reported, not fatal: its statements are still explained
            continue
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            client.get(page.url)
            times.append((time.perf_counter() - started) * 1000)
        page.best_ms = min(times)
    return result, warmup


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _walk(child)


def explain(page: Page, stmt: Statement, sizes: dict[str, int]) -> Explained:
    """Time the statement and explain it; one the server refuses is reported as such."""
    try:
        return _explain(page, stmt, sizes)
    except psycopg.Error as exc:
        db.session.rollback()
        error = f"FAILED: {type(exc).__name__}: {exc}"
        return Explained(page.label, stmt.sql, stmt.calls, 0, 0, 0, [], [], 0, 0, error)


def _explain(page: Page, stmt: Statement, sizes: dict[str, int]) -> Explained:
    cursor = db.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    times = []
    for _ in range(REPEAT):  # the statement itself: EXPLAIN ANALYZE's timing adds overhead
        started = time.perf_counter()
        cursor.execute(stmt.sql, stmt.params)
        cursor.fetchall()
        times.append((time.perf_counter() - started) * 1000)
    query = "EXPLAIN (ANALYZE, BUFFERS, FORMAT {}) " + stmt.sql
    cursor.execute(query.format("JSON"), stmt.params)
    result = cursor.fetchone()[0][0]
    cursor.execute(query.format("TEXT"), stmt.params)
    text_plan = "\n".join(r[0] for r in cursor.fetchall())
    indexes, seq_scans = [], []
    for node in _walk(result["Plan"]):
        if "Index Name" in node:
            indexes.append(node["Index Name"])
        relation = node.get("Relation Name")
        if node["Node Type"] == "Seq Scan" and sizes.get(relation, 0) >= BIG_ROWS:
            seq_scans.append(f"{relation} ({sizes[relation]:,})")
    top = result["Plan"]
    return Explained(
        page.label,
        stmt.sql,
        stmt.calls,
        min(times),
        result["Execution Time"],
        result["Planning Time"],
        sorted(set(indexes)),
        sorted(set(seq_scans)),
        top.get("Shared Hit Blocks", 0),
        top.get("Shared Read Blocks", 0),
        text_plan,
    )


def table_sizes() -> dict[str, int]:
    return dict(
        db.session.execute(text(
            "SELECT relname, reltuples::bigint FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND relkind = 'r'"))
        .tuples().all()
    )  # fmt: skip


def short(sql: str, width: int = 90) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def report(explained: list[Explained], all_pages: list[Page], out: Path | None) -> None:
    print(f"\n{'page':<34}{'page ms':>10}{'SQL':>5}{'SQL ms':>9}  seq scans on big tables")
    for page in all_pages:
        rows = [e for e in explained if e.page == page.label]
        scans = sorted({s for e in rows for s in e.seq_scans})
        timing = f"{page.best_ms:.1f}" if page.status == 200 else f"HTTP {page.status}"
        print(
            f"{page.label[:33]:<34}{timing:>10}{sum(e.calls for e in rows):>5}"
            f"{sum(e.ms * e.calls for e in rows):>9.1f}  {', '.join(scans) or '-'}"
        )
    print(f"\n{'ms':>8} {'calls':>5}  {'index used':<40} {'seq scan (big)':<28} statement")
    for e in explained:
        if e.text_plan.startswith("FAILED"):
            print(f"{'FAILED':>8} {e.calls:>5}  {e.page}: {short(e.sql, 60)}: {e.text_plan[:120]}")
    for e in sorted(explained, key=lambda e: -e.ms * e.calls):
        if e.ms * e.calls < 1.0:
            continue
        print(
            f"{e.ms:>8.2f} {e.calls:>5}  {(', '.join(e.indexes) or '-')[:40]:<40} "
            f"{(', '.join(e.seq_scans) or '-')[:28]:<28} {short(e.sql, 70)}"
        )
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for e in explained:
                sql = e.sql if len(e.sql) < 5000 else e.sql[:5000] + " …"
                fh.write(f"=== {e.page} | {e.ms:.2f} ms x {e.calls}\n{sql}\n\n{e.text_plan}\n\n")
        print(f"\nfull plans written to {out}")


def compare(earlier: dict[str, Any], explained: list[Explained]) -> None:
    """Statements whose time, buffers or plan changed since an earlier run's summary."""
    before = {(e["page"], e["sql"]): e for e in earlier["statements"]}
    print(f"\n{'was ms':>8}{'now ms':>8}{'was buf':>9}{'now buf':>9}  page: statement, plan change")
    for e in explained:
        old = before.get((e.page, e.sql))
        if old is None:
            continue
        plan_changed = old["indexes"] != e.indexes or old["seq_scans"] != e.seq_scans
        if not plan_changed and max(old["ms"], e.ms) < 5:
            continue
        change = (
            f"; {', '.join(old['seq_scans'] + old['indexes']) or 'no index'} -> "
            f"{', '.join(e.seq_scans + e.indexes) or 'no index'}"
            if plan_changed
            else ""
        )
        print(
            f"{old['ms']:>8.1f}{e.ms:>8.1f}{old['hit'] + old['read']:>9}{e.hit + e.read:>9}  "
            f"{e.page[:24]}: {short(e.sql, 50)}{change}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "explain.txt")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON")
    parser.add_argument(
        "--compare", type=Path, help="a --json summary of an earlier run to compare with"
    )
    args = parser.parse_args(argv)
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("--database-url (or DATABASE_URL) must be a PostgreSQL URL")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(args.database_url),
            "RATELIMIT_ENABLED": False,
            "SESSION_PROTECTION": None,  # the test client logs in without a real login
            "PAGE_SIZE": 20,
        }
    )
    logging.getLogger("web.slow_query").setLevel(logging.ERROR)  # this script times them
    recorder = Recorder()
    with app.app_context():
        engine = db.engine
        s = subjects()
    event.listen(engine, "before_cursor_execute", recorder)
    all_pages, warmup = run_pages(app, s, recorder)
    event.remove(engine, "before_cursor_execute", recorder)
    with app.app_context():
        sizes = table_sizes()
        explained = [
            explain(page, stmt, sizes)
            for page in [warmup, *all_pages]
            for stmt in page.statements
            if stmt.sql.lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        db.session.rollback()
    report(explained, [warmup, *all_pages], args.out)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {
            "pages": [
                {
                    "page": p.label,
                    "url": p.url,
                    "status": p.status,
                    "best_ms": p.best_ms,
                    "statements": len(p.statements),
                }
                for p in [warmup, *all_pages]
            ],
            "statements": [
                {k: v for k, v in vars(e).items() if k != "text_plan"} for e in explained
            ],
        }
        args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.compare:
        compare(json.loads(args.compare.read_text(encoding="utf-8")), explained)


if __name__ == "__main__":
    main()
