"""Locust users for the load test: students, employers and coordinators doing their work.

    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 \
        --headless -u 200 -r 20 --run-time 5m        # LOAD_LOGINS=bench/out/logins.json

bench/load_test.py runs this against gunicorn; it can also be run by hand. Accounts come
from the login file that bench/load_data.py writes (``LOAD_LOGINS``, JSON: one password,
the coordinators' emails, employers with their firm's postings and applicant counts,
students); each simulated user takes its own account of its role (there are more
accounts than users), so that two of them never apply as the same student at once.
Requests are named by
page ("login", "search", "posting", "apply", "shortlist", "dashboard", ...), which is how
the report groups them. A page that answers with anything but the expected page (a login
form instead of the shortlist, a posting page instead of the new application) is a
failure, not just a non-2xx status.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

DEFAULT_LOGINS = Path(__file__).resolve().parent / "out" / "logins.json"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
POSTING_LINK = re.compile(r'href="/postings/([A-Za-z0-9._-]+)"')
SHORTLIST_LINK = re.compile(r'href="/employer/postings/(\d+)"')
APPLICATION_LINK = re.compile(r'href="/employer/applications/(\d+)"')
APPLY_FORM = re.compile(r'action="/student/postings/([A-Za-z0-9._-]+)/apply"')
# What students type into the search box: skills, fields and firm names of the seed data.
KEYWORDS = (
    "risk", "python", "data", "blockchain", "credit", "machine learning", "payments",
    "analyst", "java", "cloud", "security", "AI", "quant", "WeBank", "Ping An", "insurance",
    "fraud", "mobile", "SQL", "product",
)  # fmt: skip
# Seconds a person spends on a page before the next click: scanning a list of results,
# reading a posting or a shortlist's reasons (LOAD_THINK_TIME="min,max").
THINK_TIME = tuple(float(s) for s in os.environ.get("LOAD_THINK_TIME", "5,15").split(","))
COVER_NOTE = (
    "I am a year-three student keen on fintech in Shenzhen; my coursework in Python and "
    "statistics and a summer project on credit data fit this internship well."
)


class Accounts:
    """The login file, read once; each role's accounts handed out in turn, one per user."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, Any] | None = None
        self._cycles: dict[str, Iterator[dict[str, Any]]] = {}

    @property
    def data(self) -> dict[str, Any]:
        with self._lock:
            if self._data is None:
                path = Path(os.environ.get("LOAD_LOGINS", DEFAULT_LOGINS))
                self._data = json.loads(path.read_text(encoding="utf-8"))
                rng = random.Random(9)
                for role, key in (("student", "students"), ("employer", "employers")):
                    accounts = list(self._data[key])
                    rng.shuffle(accounts)
                    self._cycles[role] = itertools.cycle(accounts)
                emails = [{"email": e} for e in self._data["coordinators"]]
                self._cycles["coordinator"] = itertools.cycle(emails)
            return self._data

    def take(self, role: str) -> tuple[dict[str, Any], str]:
        """An account of this role (its entry in the file) and the shared password."""
        data = self.data
        with self._lock:
            return next(self._cycles[role]), data["password"]


ACCOUNTS = Accounts()


class PortalUser(HttpUser):
    """Logs in with an account of ``role`` on start; may log out and in again later."""

    abstract = True
    role = ""
    home_path = "/"
    home_name = "home"
    wait_time = between(*THINK_TIME)

    def on_start(self) -> None:
        # One connection per request, as gunicorn sees them behind nginx (which talks
        # HTTP/1.0 to it): no idle keep-alive connection for gunicorn to close just as
        # the user comes back from reading a page (a reset no browser would show).
        self.client.headers["Connection"] = "close"
        self.account, self.password = ACCOUNTS.take(self.role)
        self.email = self.account["email"]
        self.login()

    def csrf_of(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else ""

    def login(self) -> None:
        """The login page, then the form posted with its CSRF token, landing on the home page."""
        with self.client.get("/auth/login", name="login", catch_response=True) as page:
            token = self.csrf_of(page.text)
            if not token:
                page.failure("no CSRF token on the login page")
                return
        form = {"csrf_token": token, "email": self.email, "password": self.password}
        with self.client.post(
            "/auth/login",
            data=form,
            name="login submit",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302 or answer.headers.get("Location") != self.home_path:
                answer.failure(f"login as {self.email}: {answer.status_code}, not sent home")
                return
        self.home_page()

    def home_page(self) -> str:
        """The role's start page ("student home", ...; the coordinator's is the dashboard)."""
        with self.client.get(self.home_path, name=self.home_name, catch_response=True) as answer:
            self.expect(answer, "<h1", self.home_name)
            return answer.text

    def relogin(self) -> None:
        """Log out (a POST with the token of the page) and log in again: sessions end."""
        token = self.csrf_of(self.home_page())
        with self.client.post(
            "/auth/logout",
            data={"csrf_token": token},
            name="logout",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"logout: status {answer.status_code}")
        self.login()

    def expect(self, answer: Any, text: str, what: str) -> bool:
        """Mark a response as failed unless it is the page asked for."""
        if answer.error is not None:
            answer.failure(f"{what}: {answer.error!r}")
            return False
        if answer.status_code != 200 or text not in answer.text:
            answer.failure(f"{what}: status {answer.status_code}, expected page not shown")
            return False
        answer.success()
        return True


class StudentUser(PortalUser):
    """Browses and searches internships, reads recommendations, applies, follows applications."""

    weight = 34
    role = "student"
    home_path = "/student/"
    home_name = "student home"

    def on_start(self) -> None:
        self.seen: list[str] = []
        super().on_start()

    @task(5)
    def search(self) -> None:
        words = KEYWORDS + tuple(ACCOUNTS.data.get("search_words", ()))
        params: dict[str, str | int] = {"q": random.choice(words)}
        if random.random() < 0.3:
            params = {"page": random.randint(1, 20)}  # browsing the list, no keyword
        with self.client.get(
            "/postings", params=params, name="search", catch_response=True
        ) as answer:
            if self.expect(answer, 'name="q"', "search"):
                self.seen = POSTING_LINK.findall(answer.text) or self.seen

    @task(5)
    def posting(self) -> None:
        if not self.seen:
            self.search()
        if not self.seen:
            return
        ref = random.choice(self.seen)
        with self.client.get(f"/postings/{ref}", name="posting", catch_response=True) as answer:
            self.expect(answer, ref, "posting")

    @task(2)
    def recommendations(self) -> None:
        with self.client.get(
            "/student/recommendations", name="recommendations", catch_response=True
        ) as answer:
            self.expect(answer, "<h1", "recommendations")

    @task(1)
    def apply(self) -> None:
        """Open postings until one still takes applications from us, then apply with consent."""
        for ref in random.sample(self.seen, min(len(self.seen), 3)):
            page = self.client.get(f"/postings/{ref}", name="posting")
            if APPLY_FORM.search(page.text) is None:
                continue  # applied already, deadline passed, or full
            form = {
                "csrf_token": self.csrf_of(page.text),
                "cover_note": COVER_NOTE,
                "transfer_consent": "y",
            }
            with self.client.post(
                f"/student/postings/{ref}/apply",
                data=form,
                name="apply",
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                target = answer.headers.get("Location", "")
                if answer.status_code != 302 or not target.startswith("/student/applications/"):
                    answer.failure(f"apply to {ref}: {answer.status_code}, not sent to it")
                    return
            with self.client.get(target, name="application", catch_response=True) as answer:
                self.expect(answer, ref, "application")
            return

    @task(2)
    def applications(self) -> None:
        with self.client.get(
            "/student/applications", name="applications", catch_response=True
        ) as answer:
            self.expect(answer, "<h1", "applications")

    @task(1)
    def home(self) -> None:
        self.home_page()

    @task(1)
    def session_ends(self) -> None:
        if random.random() < 0.2:
            self.relogin()


class EmployerUser(PortalUser):
    """Opens the firm's postings' ranked shortlists and reads applicants."""

    weight = 5
    role = "employer"
    home_path = "/employer/"
    home_name = "employer home"

    def on_start(self) -> None:
        self.postings: list[str] = []
        self.applications: list[str] = []
        super().on_start()
        # The firm's postings that have applicants (the dashboard shows 20 per page).
        listed = [str(p["id"]) for p in self.account.get("postings", ()) if p["applicants"]]
        self.postings = listed or self.postings

    def home_page(self) -> str:
        html = super().home_page()
        self.postings = self.postings or SHORTLIST_LINK.findall(html)
        return html

    @task(1)
    def home(self) -> None:
        self.home_page()

    @task(6)
    def shortlist(self) -> None:
        if not self.postings:
            return
        params: dict[str, int] = {}
        if random.random() < 0.25:
            params["page"] = random.randint(2, 5)
        if random.random() < 0.15:
            params["min_score"] = random.choice((40, 60))
        posting_id = random.choice(self.postings)
        with self.client.get(
            f"/employer/postings/{posting_id}",
            params=params,
            name="shortlist",
            catch_response=True,
        ) as answer:
            if self.expect(answer, "Shortlist", "shortlist"):
                self.applications = APPLICATION_LINK.findall(answer.text) or self.applications

    @task(4)
    def applicant(self) -> None:
        if not self.applications:
            return
        application_id = random.choice(self.applications)
        with self.client.get(
            f"/employer/applications/{application_id}", name="applicant", catch_response=True
        ) as answer:
            self.expect(answer, "<h1", "applicant")

    @task(1)
    def session_ends(self) -> None:
        if random.random() < 0.1:
            self.relogin()


class CoordinatorUser(PortalUser):
    """Watches the programme dashboard."""

    weight = 1
    role = "coordinator"
    home_path = "/coordinator/"
    home_name = "dashboard"

    @task
    def dashboard(self) -> None:
        self.home_page()
