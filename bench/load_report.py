"""bench/load-report.md from a Locust run: per-page percentiles, errors and the targets.

Used by bench/load_test.py. What follows the notes mark of an existing report (what was
found and changed, written by hand) is kept when the report is written again.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import resource
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NOTES_MARK = "<!-- notes: kept when the report is written again -->"
SHORTLIST_TARGET = 5.0  # shortlist p95 at most this many times the login page's p95


@dataclass
class Context:
    """What the run was: machine load, data, server, load and warm-up."""

    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    counts: dict[str, int]
    server: str
    load: str
    ready: float
    warm_up: dict[str, Any]
    parallel: int
    server_log: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # core-seconds during the run


class CpuMeter:
    """CPU seconds spent during the run by the machine, gunicorn, PostgreSQL and Locust.

    The machine may be running other work; these say how much of its CPU the test got.
    PostgreSQL is counted by its backends serving the test's database.
    """

    def __init__(self, gunicorn_pid: int, database: str) -> None:
        self.gunicorn_pid, self.database = gunicorn_pid, database
        self.start = self._sample()
        self.started = time.monotonic()
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)

    def _sample(self) -> dict[str, Any]:
        import psutil

        times = psutil.cpu_times()
        server = psutil.Process(self.gunicorn_pid)
        return {
            "busy": sum(times) - times.idle - getattr(times, "iowait", 0.0),
            "gunicorn": {p.pid: _cpu(p) for p in [server, *server.children(recursive=True)]},
            "postgres": {
                p.pid: _cpu(p)
                for p in psutil.process_iter(["cmdline"])
                if f" {self.database} " in " ".join(p.info["cmdline"] or ()) + " "
                and (p.info["cmdline"] or [""])[0].startswith("postgres")
            },
        }

    def stop(self) -> dict[str, float]:
        """Core-seconds since the start: wall, machine busy, gunicorn, postgres, locust."""
        end = self._sample()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        grew = {
            kind: sum(cpu - self.start[kind].get(pid, 0.0) for pid, cpu in end[kind].items())
            for kind in ("gunicorn", "postgres")
        }
        return {
            "wall": time.monotonic() - self.started,
            "busy": end["busy"] - self.start["busy"],
            **grew,
            "locust": (children.ru_utime + children.ru_stime)
            - (self.children.ru_utime + self.children.ru_stime),
        }


def _cpu(process: Any) -> float:
    try:
        times = process.cpu_times()
    except Exception:  # gone meanwhile
        return 0.0
    return float(times.user + times.system)


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def server_log_counts(log: Path) -> dict[str, int]:
    """5xx answers, worker timeouts and slow statements the server logged."""
    counts = {"5xx answers": 0, "worker timeouts": 0, "slow statements": 0, "errors": 0}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            record = {"message": line}
        if not isinstance(record, dict):
            continue
        message = str(record.get("message", ""))
        if isinstance(record.get("status"), int) and record["status"] >= 500:
            counts["5xx answers"] += 1
        if "WORKER TIMEOUT" in message:
            counts["worker timeouts"] += 1
        if record.get("logger") == "web.slow_query":
            counts["slow statements"] += 1
        if record.get("level") in ("ERROR", "CRITICAL"):
            counts["errors"] += 1
    return counts


def machine() -> str:
    """Cores, CPU model and memory, from /proc where there is one."""
    model, memory = platform.machine(), ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {mem_kb / 1024 / 1024:.0f} GB memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({model}){memory}, {platform.system()}"


def postgres_version(url: str) -> str:
    from sqlalchemy import create_engine

    from web.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        version = str(conn.exec_driver_sql("SHOW server_version").scalar())
    engine.dispose()
    return version.split()[0]


def _ms(value: str | None) -> float:
    try:
        return float(value or "nan")
    except ValueError:
        return float("nan")


def _load(avg: tuple[float, float, float]) -> str:
    return f"{avg[0]:.1f} (1 min) / {avg[1]:.1f} (5 min)"


def _cpu_lines(cpu: dict[str, float], requests: int) -> list[str]:
    if not cpu:
        return []
    cores = os.cpu_count() or 1
    available = cpu["wall"] * cores
    ours = cpu["gunicorn"] + cpu["postgres"] + cpu["locust"]
    other = max(0.0, cpu["busy"] - ours)
    per_request = (cpu["gunicorn"] + cpu["postgres"]) / max(requests, 1) * 1000
    return [
        f"- CPU during the run, of {available:,.0f} core-seconds ({cores} cores x "
        f"{cpu['wall']:.0f} s): gunicorn {cpu['gunicorn']:,.0f}, PostgreSQL "
        f"{cpu['postgres']:,.0f}, Locust {cpu['locust']:,.0f}, other work on the machine "
        f"{other:,.0f}, idle {max(0.0, available - cpu['busy']):,.0f}. The server "
        f"(gunicorn and PostgreSQL) spent {per_request:.0f} ms of CPU per request.",
    ]


def write(path: Path, prefix: Path, context: Context) -> str:
    """Write the report from Locust's ``<prefix>_stats.csv``; returns the summary line."""
    rows = read_csv(Path(f"{prefix}_stats.csv"))
    failures = read_csv(Path(f"{prefix}_failures.csv"))
    pages = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"])
    total = next(r for r in rows if r["Name"] == "Aggregated")
    by_name = {r["Name"]: r for r in pages}
    errors = int(total["Failure Count"])
    login_p95 = _ms(by_name.get("login", {}).get("95%"))
    shortlist_p95 = _ms(by_name.get("shortlist", {}).get("95%"))
    ratio = shortlist_p95 / login_p95 if login_p95 else float("nan")
    ratio_ok = ratio <= SHORTLIST_TARGET
    verdict = "PASS" if errors == 0 and ratio_ok else "FAIL"
    summary = (
        f"{verdict}: {_ms(total['Requests/s']):.1f} requests/s, {errors} errors (target 0), "
        f"shortlist p95 {shortlist_p95:,.0f} ms / login page p95 {login_p95:,.0f} ms = "
        f"{ratio:.1f} (target <= {SHORTLIST_TARGET:g})"
    )
    counts, warm = context.counts, context.warm_up
    data = ", ".join(
        f"{counts.get(table, 0):,} {label}"
        for table, label in (
            ("student_profiles", "students"),
            ("postings", "postings"),
            ("firms", "firms"),
            ("applications", "applications"),
            ("users", "accounts"),
        )
    )
    busy = context.load_before[0] > 1.0 or context.load_after[0] > (os.cpu_count() or 1) * 2
    lines = [
        "# Load test",
        "",
        f"Written by `make loadtest` (bench/load_test.py) on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"**{summary}**",
        "",
        "## Set-up",
        "",
        f"- Machine: {machine()}. Locust, gunicorn, PostgreSQL and Redis all on it, over "
        f"loopback. Load average {_load(context.load_before)} before the run, "
        f"{_load(context.load_after)} at its end"
        + (" (the machine was also running other work)." if busy else "."),
        f"- Data: {data} (bench/load_data.py).",
        f"- Server: {context.server}.",
        f"- Load: {context.load}.",
        f"- Warm-up, not counted below: /readyz answered after {context.ready:.1f} s; then "
        f"{warm['rounds']} round(s) of {context.parallel} parallel requests for the busiest "
        f"shortlist ({warm['applicants']:,} applicants): the first answered in "
        f"{' / '.join(f'{t:.1f}' for t in warm['first_round'])} s, the last in "
        f"{' / '.join(f'{t:.2f}' for t in warm['last_round'])} s.",
        *_cpu_lines(context.cpu, int(total["Request Count"])),
        "",
        "## Per page",
        "",
        "| page | requests | failures | p50 ms | p95 ms | p99 ms | max ms | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in [*pages, total]:
        name = "**all pages**" if r is total else f"{r['Name']} ({r['Type']})"
        lines.append(
            f"| {name} | {int(r['Request Count']):,} | {int(r['Failure Count']):,} "
            f"| {_ms(r['50%']):,.0f} | {_ms(r['95%']):,.0f} | {_ms(r['99%']):,.0f} "
            f"| {_ms(r['Max Response Time']):,.0f} | {_ms(r['Requests/s']):.1f} |"
        )
    lines += [
        "",
        "Times are Locust's, at the client, so they include any wait for a free worker;",
        "percentiles above 100 ms are rounded to two significant digits.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| no errors | {errors} | {'PASS' if errors == 0 else 'FAIL'} |",
        f"| shortlist p95 <= {SHORTLIST_TARGET:g} x login page p95 "
        f"| {shortlist_p95:,.0f} / {login_p95:,.0f} ms = {ratio:.2f} "
        f"| {'PASS' if ratio_ok else 'FAIL'} |",
        "",
        "The server's log over the whole test (warm-up included): "
        + ", ".join(f"{name} {n}" for name, n in context.server_log.items())
        + ".",
    ]
    if failures:
        lines += ["", "## Failures", "", "| page | error | count |", "| --- | --- | ---: |"]
        for f in failures:
            error = f["Error"].replace("|", "\\|").replace("\n", " ")[:200]
            lines.append(f"| {f['Name']} ({f['Method']}) | {error} | {f['Occurrences']} |")
    notes = "\n"
    if path.exists() and NOTES_MARK in (old := path.read_text(encoding="utf-8")):
        notes = old.split(NOTES_MARK, 1)[1]
    path.write_text("\n".join([*lines, "", NOTES_MARK]) + notes, encoding="utf-8")
    return summary
