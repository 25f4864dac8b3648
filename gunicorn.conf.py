"""gunicorn settings for Talent Bridge (`make serve`); each one can be set from the environment.

    GUNICORN_BIND        where to listen                      127.0.0.1:8000
    WEB_CONCURRENCY      worker processes                     2 x cores + 1
    GUNICORN_THREADS     threads per worker (gthread)         2
    GUNICORN_TIMEOUT     seconds a request may take           60
    GUNICORN_GRACEFUL_TIMEOUT  seconds to finish on restart   30
    GUNICORN_KEEPALIVE   seconds an idle connection is kept   5
    GUNICORN_MAX_REQUESTS (+ _JITTER)  recycle a worker after 5000 (+ up to 500)
    GUNICORN_ACCESS_LOG  "-" for gunicorn's access log too   off: the app writes one line
                                                              per request (ACCESS_LOG)
    GUNICORN_LOG_LEVEL   gunicorn's own messages              info
    GUNICORN_CONTROL_SOCKET  path of gunicornc's socket        none (off)
    GUNICORN_PRELOAD     "0": each worker loads the app and    on: loaded once, matcher
                         builds the matcher index itself      index built before forking

Each worker is a process with its own database pool: DB_POOL_SIZE defaults to the
worker's threads (each thread holds at most one connection), so one server opens at most
WEB_CONCURRENCY x (DB_POOL_SIZE + DB_MAX_OVERFLOW) connections (README, "Running in
production"). With LOG_FORMAT=json (production's default) gunicorn's own lines are JSON
like the app's, on stderr.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from typing import Any


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split()
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 2)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A worker restarts after this many requests (memory growth stays bounded); the jitter
# keeps the workers from restarting together. A new worker rebuilds the matcher index on
# its first ranking, so this is not set low.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
proc_name = "talent-bridge"
# gunicornc's control socket, only where asked for: its default path is one per user,
# which two servers on one host would fight over.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
# The workers' heartbeat files: in memory, not on a disk a container may have slow.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

errorlog = "-"  # stderr
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None

# Before the app is imported (in this process, since preload_app is on by default).
os.environ.setdefault("DB_POOL_SIZE", str(threads))

# The app is loaded once, in the master, which builds the matcher's index of every student
# (when_ready, below) before forking: each worker, including those max_requests starts
# later, begins with it instead of spending ~10 s (100,000 students) on its first ranking.
# New code then needs a restart, not a HUP. GUNICORN_PRELOAD=0 turns this off.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


def when_ready(server: Any) -> None:
    """With preload_app: warm the matcher's indexes before the first worker is forked."""
    if not preload_app:
        return
    from web.services.ranking import warm

    started = time.perf_counter()
    try:
        size = warm(server.app.wsgi())
    except Exception:  # the database is down: serve anyway, /readyz says so
        server.log.exception("Matcher index not built at start; workers build it on first use")
        return
    server.log.info(
        "Matcher index of %d students built in %.1f s", size, time.perf_counter() - started
    )
    # What the master holds now (the app, the index) lives as long as the workers: frozen,
    # the workers' garbage collections stop walking its ~220,000 objects (with 100,000
    # students: 2 of 30 ms of CPU a request) and its memory pages stay shared.
    gc.freeze()


_production = os.environ.get("APP_ENV", "development").lower() == "production"
if os.environ.get("LOG_FORMAT", "json" if _production else "text").lower() == "json":
    from gunicorn.glogging import Logger

    from web.logging_setup import JsonFormatter

    class JsonLogger(Logger):
        """gunicorn's lines (workers booting, exiting, timing out) as JSON, like the app's."""

        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in [*self.error_log.handlers, *self.access_log.handlers]:
                handler.setFormatter(JsonFormatter())

        def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
            if not self.access_log_enabled:
                return
            atoms = self.atoms(resp, req, environ, request_time)
            self.access_log.info(
                "%s %s %s",
                atoms["m"],
                atoms["U"],
                atoms["s"],
                extra={
                    "method": atoms["m"],
                    "path": atoms["U"],
                    "status": int(atoms["s"]),
                    "duration_ms": round(atoms["D"] / 1000, 1),
                    "bytes": atoms["B"],
                    "remote_addr": atoms["h"],
                    "request_id": atoms.get("{x-request-id}o", "-"),
                },
            )

    logger_class = JsonLogger
