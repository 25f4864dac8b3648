"""Configuration, read from the environment so that no secret lives in the repository."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = BASE_DIR / "instance"


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver that requirements.txt installs."""
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _database_url(default: str) -> str:
    return normalise_database_url(os.environ.get("DATABASE_URL", default))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def engine_options(url: str) -> dict[str, object]:
    """Connection pool of one app process (a gunicorn worker); PostgreSQL only.

    Every worker has its own pool, so servers x workers x (DB_POOL_SIZE + DB_MAX_OVERFLOW)
    must stay under PostgreSQL's max_connections (gunicorn.conf.py sizes the pool to the
    worker's threads). Connections are checked before use and replaced after
    DB_POOL_RECYCLE seconds, so a restarted database or a proxy's idle cut is survived.
    """
    # hide_parameters: a failed statement's values (emails, names) stay out of logs.
    options: dict[str, object] = {"pool_pre_ping": True, "hide_parameters": True}
    if url.startswith("postgresql"):
        options |= {
            "pool_size": _int("DB_POOL_SIZE", 5),
            "max_overflow": _int("DB_MAX_OVERFLOW", 2),
            "pool_recycle": _int("DB_POOL_RECYCLE", 1800),
            "pool_timeout": _int("DB_POOL_TIMEOUT", 10),
            "connect_args": {"connect_timeout": _int("DB_CONNECT_TIMEOUT", 5)},
        }
    return options


def redis_url_from(storage_uri: str) -> str | None:
    """The Redis the rate limits use, when it is one redis-py can open by URL."""
    return storage_uri if storage_uri.startswith(("redis://", "rediss://")) else None


class Config:
    """Development defaults: a SQLite file in instance/, a per-process secret."""

    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'talent_bridge.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = engine_options(SQLALCHEMY_DATABASE_URI)
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BOOTSTRAP_SERVE_LOCAL = True  # no CDN: the programme must work offline
    BOOTSTRAP_BOOTSWATCH_THEME = None
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Hong_Kong"
    LANGUAGES = ("en", "zh_Hant_HK", "zh_Hans_CN")
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "20"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(16 * 1024 * 1024)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PROGRAMME_TIMEZONE = "Asia/Hong_Kong"
    # Links in emails point here (the address people use to reach the app).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Named in the personal information collection statement (/privacy) for access and
    # correction requests under the PDPO.
    PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "privacy@talent-bridge.invalid")
    # Email: "console" prints each message (development); "smtp" sends it (web/services/mailer.py).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)  # STARTTLS on a plain connection
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)  # TLS from the first byte (port 465)
    MAIL_PORT = int(
        os.environ.get("MAIL_PORT") or (465 if MAIL_USE_SSL else 587 if MAIL_USE_TLS else 25)
    )
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Talent Bridge <no-reply@talent-bridge.invalid>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # Rate limits on login, registration and claim (Flask-Limiter). One process can count
    # in memory; several gunicorn workers or hosts must share Redis.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: count per process, keep serving
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After tells clients when to try again
    # Several deployments (staging, production) may share one Redis: keep their counts apart.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per minute")
    LOGIN_EMAIL_RATE_LIMIT = os.environ.get("LOGIN_EMAIL_RATE_LIMIT", "5 per minute; 20 per hour")
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Operations (web/logging_setup.py, web/ops/): "json" logs one object a line; the
    # access line is the app's own (gunicorn's stays off); statements slower than
    # SLOW_QUERY_MS (0: off) are logged and counted with the 5xx answers in REDIS_URL
    # (default: the rate limits' Redis), else in each process's memory.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").lower()
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    ACCESS_LOG = _bool("ACCESS_LOG", False)  # development: flask run prints its own
    SLOW_QUERY_MS = float(os.environ.get("SLOW_QUERY_MS", "250"))
    REDIS_URL = os.environ.get("REDIS_URL") or redis_url_from(RATELIMIT_STORAGE_URI)
    OPS_KEY_PREFIX = os.environ.get("OPS_KEY_PREFIX", "talent-bridge:ops:")
    # The dashboard's charts (seconds of database time on a large programme) are kept this
    # long, in REDIS_URL for every server when set (web/services/figure_cache.py); 0: none.
    DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))


class TestConfig(Config):
    """In-memory or TEST_DATABASE_URL database, CSRF off unless a test turns it on."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    WTF_CSRF_ENABLED = False
    PAGE_SIZE = 5
    MAIL_BACKEND = "console"  # tests that check mail point "smtp" at a local aiosmtpd
    RATELIMIT_ENABLED = False  # tests/test_rate_limits.py turns it on
    RATELIMIT_STORAGE_URI = "memory://"
    LOG_FORMAT = "text"
    ACCESS_LOG = False
    SLOW_QUERY_MS = 0.0  # tests/test_ops.py turns it on
    REDIS_URL = None  # counters in memory, unless a test points them at Redis
    DASHBOARD_CACHE_SECONDS = 0  # every view works its figures out


class ProductionConfig(Config):
    """Production refuses to start without a real secret key."""

    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").lower()
    ACCESS_LOG = _bool("ACCESS_LOG", True)
    REDIS_URL = os.environ.get("REDIS_URL") or redis_url_from(RATELIMIT_STORAGE_URI)

    def __init__(self) -> None:
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise RuntimeError(
                "SECRET_KEY must be set in production (FLASK_ENV/APP_ENV=production). "
                "Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        self.SECRET_KEY = key


def config_from_env() -> Config:
    """Pick the configuration named by APP_ENV (development, production)."""
    env = os.environ.get("APP_ENV", "development").lower()
    if env == "production":
        return ProductionConfig()
    return Config()
