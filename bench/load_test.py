"""Load test: Locust users against gunicorn and PostgreSQL on this machine, then a report.

    make loadtest                                   # everything, about 15 minutes
    .venv/bin/python bench/load_test.py --database-url postgresql://postgres@127.0.0.1/tb_load_x \
        --logins bench/out/logins.json --run-time 1m   # reuse a database load_data.py filled

Without ``--database-url`` it creates a scratch database ``tb_load_<time>`` and fills it
with bench/load_data.py (100,000 students, 5,000 postings), and drops it at the end
unless ``--keep-db``; a database it is given is never dropped. It then starts, all on
127.0.0.1: an SMTP sink (emails of applications go out as in production, to nowhere),
gunicorn with gunicorn.conf.py and APP_ENV=production, and waits for /readyz. A warm-up
logs in as employers and opens the busiest shortlist on every worker until each answers
in time, so that the run measures a server in its steady state, not the matcher index
each worker builds on start (bench/load-report.md says how long that took). Then Locust
runs headless (bench/locustfile.py: 200 users, 20 started a second, five minutes) and its
CSV is turned into bench/load-report.md: throughput, p50/p95/p99 per page, errors, and
PASS or FAIL against the targets of issue 9 (no errors; shortlist p95 at most five times
the login page's p95). A report, not a test: the exit status is 0 either way, unless a
step could not run. Every process it starts is stopped on the way out, whatever happens.

Rate limits stay on and are counted in Redis as in production (database 5 unless
``--redis-url``; the server's operator counters go there too), with the per-address and
per-email login limits raised: all 200 users come from 127.0.0.1, so the real limit of
10 logins a minute per address would refuse most of them, whereas in production they come
from 200 addresses. ``--no-rate-limit`` turns the limits off (RATELIMIT_ENABLED=0) instead.
The run's keys (rate limits, counters, dashboard figures) carry a prefix of its own,
``talent-bridge-load-<time>:``, and are deleted at the end, so that a run neither reads
another's counts nor leaves its own behind.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import make_url  # noqa: E402

from bench import load_report  # noqa: E402
from web.config import normalise_database_url  # noqa: E402

OUT = ROOT / "bench" / "out"
REPORT = ROOT / "bench" / "load-report.md"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def step(label: str) -> Iterator[None]:
    print(f"{label} ...", flush=True)
    started = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


@contextmanager
def process(args: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[Any]:
    """A child process in its own group, stopped (TERM, then KILL) when the block ends."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@contextmanager
def scratch_database(args: argparse.Namespace) -> Iterator[str]:
    """The given database, or a new tb_load_* one filled by load_data.py (dropped after)."""
    if args.database_url:
        yield args.database_url
        return
    name = f"tb_load_{datetime.now(UTC):%Y%m%d_%H%M%S}"
    url = f"{args.server_url.rstrip('/')}/{name}"
    try:
        with step(f"load {args.students:,} students, {args.postings:,} postings into {name}"):
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "load_data.py"),
                    "--database-url",
                    url,
                    "--students",
                    str(args.students),
                    "--postings",
                    str(args.postings),
                    "--logins",
                    str(args.logins),
                ],
                check=True,
                cwd=ROOT,
                timeout=args.load_timeout,
            )
        yield url
    finally:
        if args.keep_db:
            print(f"kept the database {url} (--keep-db); logins in {args.logins}")
        else:
            drop_database(url)


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine

    parsed = make_url(normalise_database_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    admin.dispose()
    print(f"dropped the database {parsed.database}")


class Browser:
    """A minimal logged-in client (stdlib only) for the readiness check and the warm-up."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str, timeout: float = 120) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=timeout) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def login(self, email: str, password: str) -> None:
        _status, page = self.get("/auth/login")
        found = CSRF.search(page)
        if not found:
            raise RuntimeError("no CSRF token on the login page")
        form = {"csrf_token": found.group(1), "email": email, "password": password}
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.base + "/auth/login", data=data, timeout=60) as answer:
            if "/auth/login" in answer.url:
                raise RuntimeError(f"could not log in as {email}")


def wait_ready(base: str, server: Any, timeout: float) -> float:
    """Seconds until /readyz answers 200 (the database and Redis are reachable)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting; see its log")
        try:
            status, _body = Browser(base).get("/readyz", timeout=5)
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn was not ready after {timeout:.0f} s")


def warm_up(base: str, logins: dict[str, Any], workers: int, limit: float) -> dict[str, Any]:
    """Open the busiest shortlist, ``workers`` at a time, until a whole round is fast.

    gunicorn hands each request to an idle worker, so a round of as many parallel
    requests as workers reaches every worker that is not yet warm at least once.
    """
    employer = max(logins["employers"], key=lambda e: max(p["applicants"] for p in e["postings"]))
    posting = max(employer["postings"], key=lambda p: p["applicants"])
    path = f"/employer/postings/{posting['id']}"
    browsers = [Browser(base) for _ in range(workers)]
    for browser in browsers:
        browser.login(employer["email"], logins["password"])

    def timed(browser: Browser) -> float:
        started = time.perf_counter()
        status, _page = browser.get(path, timeout=limit)
        if status != 200:
            raise RuntimeError(f"warm-up: {path} answered {status}")
        return time.perf_counter() - started

    rounds: list[list[float]] = []
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        while time.perf_counter() - started < limit:
            times = sorted(pool.map(timed, browsers))
            rounds.append(times)
            if len(rounds) >= 2 and times[-1] < 2.0:
                break
    return {
        "path": path,
        "applicants": posting["applicants"],
        "seconds": time.perf_counter() - started,
        "first_round": rounds[0],
        "last_round": rounds[-1],
        "rounds": len(rounds),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="use this filled database (never dropped)")
    parser.add_argument(
        "--server-url",
        default=os.environ.get("LOAD_PG_SERVER", "postgresql://postgres@127.0.0.1:5432"),
        help="PostgreSQL server for the scratch database",
    )
    parser.add_argument("--logins", type=Path, default=OUT / "load-logins.json")
    parser.add_argument("--keep-db", action="store_true", help="keep the scratch database")
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=5_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--run-time", default="5m")
    parser.add_argument(
        "--think-time", default="5,15", help="min,max seconds a user spends on a page"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--threads", type=int, help="threads per worker (GUNICORN_THREADS)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--no-rate-limit", action="store_true", help="RATELIMIT_ENABLED=0")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--load-timeout", type=float, default=3600, help="seconds for loading")
    parser.add_argument("--warm-up-limit", type=float, default=300, help="seconds at most")
    args = parser.parse_args(argv)
    if args.database_url and not args.logins.exists():
        parser.error(f"--database-url needs the login file load_data.py wrote ({args.logins})")
    return args


@contextmanager
def redis_keys(url: str, prefix: str) -> Iterator[str]:
    """A key prefix for this run; its keys are deleted on the way out."""
    try:
        yield prefix
    finally:
        import redis  # the server's dependency; imported here so --help works without it

        client = redis.Redis.from_url(url)
        try:
            # Flask-Limiter stores "LIMITS:LIMITER/<prefix>/..."; the counters "<prefix>...".
            keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
            print(f"deleted {len(keys)} Redis keys of this run ({prefix}*)", flush=True)
        except redis.RedisError as error:
            print(f"could not delete this run's Redis keys ({prefix}*): {error}", flush=True)
        finally:
            client.close()


def server_env(
    args: argparse.Namespace, url: str, port: int, smtp_port: int, key_prefix: str
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        APP_ENV="production",
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_SECURE="0",  # plain http on loopback; the cookies are otherwise kept
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        MAIL_USE_TLS="0",
        MAIL_USE_SSL="0",
        REDIS_URL=args.redis_url,  # /readyz and the operators' counters: not database 0
        RATELIMIT_STORAGE_URI=args.redis_url,
        RATELIMIT_KEY_PREFIX=key_prefix,
        OPS_KEY_PREFIX=key_prefix,
    )
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    if args.no_rate_limit:
        env["RATELIMIT_ENABLED"] = "0"
    else:
        env.update(
            RATELIMIT_ENABLED="1",
            AUTH_RATE_LIMIT="100000 per minute",
            LOGIN_EMAIL_RATE_LIMIT="1000 per minute",
        )
    return env


def run_time_seconds(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)([smh])", text))


def run_locust(args: argparse.Namespace, base: str, prefix: Path) -> int:
    """Locust headless for ``--run-time``; killed if it overruns by three minutes."""
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--host", base, "--users", str(args.users),
        "--spawn-rate", str(args.spawn_rate), "--run-time", args.run_time,
        "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    with step(f"locust: {args.users} users for {args.run_time}"):
        done = subprocess.run(
            command,
            env={**os.environ, "LOAD_LOGINS": str(args.logins), "LOAD_THINK_TIME": args.think_time},
            cwd=ROOT,
            timeout=run_time_seconds(args.run_time) + 180,
            check=False,
        )
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S}"
    server_log = OUT / f"load-{stamp}-gunicorn.log"
    prefix = OUT / f"load-{stamp}"
    port, smtp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(args))
        logins = json.loads(args.logins.read_text(encoding="utf-8"))
        keys = stack.enter_context(redis_keys(args.redis_url, f"talent-bridge-load-{stamp}:"))
        env = server_env(args, url, port, smtp_port, keys)
        smtp = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}"]
        stack.enter_context(process(smtp, OUT / f"load-{stamp}-smtp.log"))
        server_command = [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"]
        server = stack.enter_context(process(server_command, server_log, env))
        with step("start gunicorn and wait for /readyz"):
            ready = wait_ready(base, server, timeout=180)
        workers = int(env.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)
        threads = int(env.get("GUNICORN_THREADS") or 2)
        with step("warm up every worker"):
            warm = warm_up(base, logins, workers * threads, args.warm_up_limit)
        load_before = os.getloadavg()
        meter = load_report.CpuMeter(server.pid, make_url(url).database or "")
        status = run_locust(args, base, prefix)
        cpu = meter.stop()
        context = load_report.Context(
            load_before=load_before,
            load_after=os.getloadavg(),
            counts=logins.get("counts", {}),
            server=(
                f"gunicorn (gunicorn.conf.py) with {workers} workers x {threads} threads, "
                f"APP_ENV=production, PostgreSQL {load_report.postgres_version(url)}, emails to "
                "a local SMTP sink, "
                + (
                    "rate limits off (--no-rate-limit)"
                    if args.no_rate_limit
                    else f"rate limits counted in Redis ({args.redis_url}) with the login "
                    "limits raised, since every simulated user comes from 127.0.0.1"
                )
            ),
            load=(
                f"{args.users} users started at {args.spawn_rate:g} a second for "
                f"{args.run_time}, each spending "
                f"{args.think_time.replace(',', ' to ')} s on a page before the next; "
                "students, employers and coordinators in the ratio 34 : 5 : 1 "
                f"(bench/locustfile.py); Locust's exit status {status}"
            ),
            ready=ready,
            warm_up=warm,
            parallel=workers * threads,
            server_log=load_report.server_log_counts(server_log),
            cpu=cpu,
        )
    summary = load_report.write(args.report, prefix, context)
    print(args.report.read_text(encoding="utf-8"))
    print(summary)
    print(f"Locust CSV: {prefix}_*.csv; gunicorn log: {server_log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
