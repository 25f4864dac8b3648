"""Browser journeys: the real app under `flask run`, driven by Playwright in Debian's Chromium.

The app runs on 127.0.0.1 with a fresh database built by `flask db upgrade` (a temporary
SQLite file, or a fresh PostgreSQL schema when TEST_DATABASE_URL is set). Each journey runs
in English at a desktop and a phone viewport and in each Chinese at a desktop one (the
browser asks for the language as people's browsers do, by Accept-Language); it fails on any
browser console error, page error or CSP violation, and on English left in a Chinese page's
chrome, and saves screenshots under tests/e2e/screenshots/ for people to look at.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.e2e import language
from web.config import normalise_database_url
from web.i18n import LANGUAGE_NAMES

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# (locale, viewport) each journey runs at: the phone layout is checked once, in English.
VARIANTS = [
    ("en", "desktop"),
    ("en", "phone"),
    ("zh_Hant_HK", "desktop"),
    ("zh_Hans_CN", "desktop"),
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not _chromium_available():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but was not found at {CHROMIUM}.")
        pytest.skip(
            f"browser journeys skipped: Chromium not found at {CHROMIUM} "
            "(apt-get install chromium, or set CHROMIUM_PATH)"
        )
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.url = url
        self.env = env

    def confirmation_link(self, email: str) -> str:
        """The path of the newest sign-up confirmation link the app emailed to ``email``
        (read from the outbox table: mail goes to the console in development)."""
        engine = create_engine(normalise_database_url(self.env["DATABASE_URL"]))
        try:
            with engine.connect() as conn:
                body = conn.execute(
                    text("SELECT body FROM outbox WHERE to_email = :to ORDER BY id DESC"),
                    {"to": email.lower()},
                ).scalar()
        finally:
            engine.dispose()
        assert body and "/auth/confirm/" in body, f"no confirmation email to {email}"
        return "/auth/confirm/" + body.rsplit("/auth/confirm/", 1)[1].split()[0]

    def flask(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a `flask --app wsgi` command against the live server's database."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            pytest.fail(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done


@pytest.fixture(scope="session")
def live_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    env = {**os.environ, "SECRET_KEY": secrets.token_hex(16), "APP_ENV": "development"}
    env.pop("FLASK_DEBUG", None)
    schema = None
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if pg_url:
        url = normalise_database_url(pg_url)
        schema = f"e2e_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in url else "?"
        env["DATABASE_URL"] = f"{url}{sep}options=-csearch_path%3D{schema}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"
    port = _free_port()
    server = LiveServer(f"http://127.0.0.1:{port}", env)
    server.flask("db", "upgrade")
    log = open(tmp_path_factory.mktemp("e2e-log") / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(server.url + "/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the app did not start; see " + log.name) from None
                time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
        if schema:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Journey:
    """A browser tab in one language that records problems and takes numbered screenshots."""

    def __init__(
        self,
        browser: Any,
        server: LiveServer,
        name: str,
        viewport: str,
        tabs: list[Journey],
        locale: str = "en",
    ) -> None:
        self.browser = browser
        self.context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale=language.BROWSER_TAGS[locale]
        )
        self.page = self.context.new_page()
        self.server = server
        self.name = name
        self.viewport = viewport
        self.locale = locale
        self.problems: list[str] = []
        self.tabs = tabs
        self.typed: set[str] = set()
        self._shots = 0
        tabs.append(self)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def _on_console(self, message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text} ({self.page.url})")

    def t(self, msgid: str, plural: str | None = None, **params: object) -> str:
        """``msgid`` as this tab's language shows it (the msgid itself in English)."""
        return language.translate(self.locale, msgid, plural, **params)

    def pattern(self, msgid: str, **params: object) -> re.Pattern[str]:
        """A regex for ``msgid`` in this tab's language; params not given match anything."""
        return language.pattern(self.locale, msgid, **params)

    def parse(self, msgid: str, text: str) -> dict[str, str]:
        """The placeholders' values in ``text``, which shows ``msgid`` in this tab's language."""
        found = language.pattern(self.locale, msgid, named=True).search(text)
        assert found is not None, f"{msgid!r} in {self.locale} is not in {text!r}"
        return found.groupdict()

    def go(self, path: str) -> Any:
        return self.page.goto(self.server.url + path)

    def fill(self, selector: str, value: str) -> None:
        """Type into a field; what is typed is user content wherever a page shows it."""
        self.typed.add(value)
        self.page.fill(selector, value)

    def user_content(self, *texts: str) -> None:
        """Mark data that reached the app some other way (an upload) as user content."""
        self.typed.update(texts)

    def choose_language(self, locale: str) -> None:
        """Pick a language from the navbar's switcher, as a person would."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
        self.page.click("#language-menu")
        self.page.get_by_role("button", name=LANGUAGE_NAMES[locale], exact=True).click()
        self.locale = locale

    def shot(self, step: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self._shots += 1
        path = (
            SCREENSHOTS / f"{self.name}-{self.locale}-{self.viewport}-{self._shots:02d}-{step}.png"
        )
        self.page.screenshot(path=str(path), full_page=True)
        if self.locale != "en":
            self.check_translated(step)

    def check_translated(self, step: str) -> None:
        """Record any English left in the page's chrome (navbar, headings, labels, buttons)."""
        texts = self.page.locator(language.CHROME).evaluate_all(language.CHROME_TEXTS_JS)
        typed = {value for tab in self.tabs for value in tab.typed}
        for left in language.english_left(texts, typed):
            self.problems.append(
                f"English in {self.locale} chrome at {step}: {left!r} ({self.page.url})"
            )

    def new_tab(self, name: str) -> Journey:
        """A separate browser session (another person, same language) in the same journey."""
        return Journey(
            self.browser, self.server, f"{self.name}-{name}", self.viewport, self.tabs, self.locale
        )


@pytest.fixture(params=VARIANTS, ids=[f"{locale}-{viewport}" for locale, viewport in VARIANTS])
def journey(
    request: pytest.FixtureRequest, browser: Any, live_server: LiveServer
) -> Iterator[Journey]:
    locale, viewport = request.param
    tabs: list[Journey] = []
    name = request.node.originalname.removeprefix("test_")
    yield Journey(browser, live_server, name, viewport, tabs, locale)
    problems = [p for tab in tabs for p in tab.problems]
    for tab in tabs:
        tab.context.close()
    assert not problems, "browser reported problems:\n" + "\n".join(problems)


def unique_email(prefix: str, domain: str = "hku.example.edu.hk") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:8]}@{domain}"
