"""Nothing lost under load: requests that really overlap, on PostgreSQL.

Each request runs in a thread of its own with its own test client (so its own app
context, session and database connection). A barrier starts them together, and a
second one inside the code holds every request just after it has read what it is
about to change, so that each race is lost for certain rather than by luck. SQLite
serialises writers, so these races only exist on PostgreSQL: CI runs them there.
"""

from __future__ import annotations

import io
import itertools
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD, TEST_DATABASE_URL
from tests.hiring_support import NOTE, applied, fresh, kinds_for, look_for_a_place_then_wait
from tests.seedfiles import SEEDS, counts
from web.config import normalise_database_url
from web.extensions import db
from web.models import Application, ApplicationEvent, ImportBatch, OutboxMessage, Posting
from web.services import applications as application_service
from web.services import offers, stages
from web.services.importing.writing import FirmWriter

pytestmark = pytest.mark.skipif(
    make_url(normalise_database_url(TEST_DATABASE_URL or "sqlite://")).get_backend_name()
    != "postgresql",
    reason="concurrent writers need PostgreSQL (SQLite serialises them); set TEST_DATABASE_URL",
)

T = TypeVar("T")
WAIT = 20  # seconds a thread waits for the others before the test fails


def at_once(*calls: Callable[[], T]) -> list[T]:
    """Run each call in its own thread, all released together; their results in order."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            start.wait(timeout=WAIT)
            results[index] = call()
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3 * WAIT)
    assert not any(t.is_alive() for t in threads), "a request never finished (deadlock?)"
    if errors:
        raise errors[0]
    db.session.rollback()  # this thread's session: read what the threads committed
    db.session.expire_all()
    return results


def meet_after(monkeypatch, owner: object, name: str, parties: int) -> None:
    """The first ``parties`` calls of ``owner.name`` wait for each other once it returns."""
    original = getattr(owner, name)
    barrier = threading.Barrier(parties)
    calls = itertools.count()

    def waiting(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if next(calls) < parties:
            barrier.wait(timeout=WAIT)
        return result

    monkeypatch.setattr(owner, name, waiting)


def meet_before(monkeypatch, owner: object, name: str, parties: int) -> None:
    """The first ``parties`` calls of ``owner.name`` wait for each other before it runs."""
    original = getattr(owner, name)
    barrier = threading.Barrier(parties)
    calls = itertools.count()

    def waiting(*args: Any, **kwargs: Any) -> Any:
        if next(calls) < parties:
            barrier.wait(timeout=WAIT)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, waiting)


class Browser:
    """A test client whose every request runs in an app context (so a session) of its own.

    Requests made from the test's own app context share its ``g``, where Flask-Login
    keeps the user of the last request: they would act as that user, whatever the cookie.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        with self.app.app_context():
            return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> TestResponse:
        with self.app.app_context():
            return self.client.post(url, **kwargs)

    def page_after(self, response: TestResponse) -> str:
        """The page a response redirects to, with its flashed message."""
        assert response.status_code == 302, response.status_code
        return self.get(response.headers["Location"]).get_data(as_text=True)


def signed_in(app: Flask, user, tabs: int = 1) -> list[Browser]:
    """Browser tabs logged in as ``user``: the tabs of one browser share its cookie."""
    first = Browser(app)
    response = first.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] != "/auth/login"
    cookie = first.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None, "the login set no session cookie"
    browsers = [first]
    for _ in range(tabs - 1):
        tab = Browser(app)
        tab.client.set_cookie(cookie.key, cookie.value)
        browsers.append(tab)
    return browsers


# -- applying ------------------------------------------------------------------------------


def test_two_applications_at_once_leave_one_and_a_message(app, make, monkeypatch):
    posting = make.posting()
    student = make.student()
    tabs = signed_in(app, student, tabs=2)
    # Both requests reach the student's lock together: the second waits for the first to
    # commit, then finds its application.
    meet_before(monkeypatch, application_service, "lock_student", 2)
    url = f"/student/postings/{posting.ref}/apply"
    data = {"cover_note": NOTE, "transfer_consent": "y"}

    responses = at_once(*(lambda tab=tab: tab.post(url, data=data) for tab in tabs))

    assert [r.status_code for r in responses] == [302, 302]
    stored = db.session.scalars(
        select(Application).where(Application.posting_id == posting.id)
    ).all()
    assert len(stored) == 1 and len(stored[0].events) == 1
    pages = [tab.page_after(r) for tab, r in zip(tabs, responses, strict=True)]
    assert sum("You have already applied to this internship." in p for p in pages) == 1
    assert sum("Your application to" in p for p in pages) == 1


# -- stage changes -------------------------------------------------------------------------


def version_on_page(client: Browser, application: Application, prefix: str) -> str:
    page = client.get(f"/employer/applications/{application.id}").get_data(as_text=True)
    found = re.search(rf'name="{prefix}-version" type="hidden" value="(\d+)"', page)
    assert found, f"the {prefix} form carries no version"
    return found.group(1)


def test_two_employers_changing_one_application_at_once_lose_nothing(
    app, client, login, make, monkeypatch
):
    firm = make.firm(name="WeBank")
    mover, rejecter = make.employer(firm), make.employer(firm)
    student = make.student(full_name="Lam Wing Sze")
    application = applied(client, login, student, make.posting(firm))
    (mover_client,), (rejecter_client,) = signed_in(app, mover), signed_in(app, rejecter)
    # Both pages are loaded first, as two recruiters would have them open.
    move_version = version_on_page(mover_client, application, "move")
    reject_version = version_on_page(rejecter_client, application, "reject")
    # Both requests have checked the version they were sent before either writes.
    meet_after(monkeypatch, stages, "check_version", 2)
    mails = outbox_count()
    url = f"/employer/applications/{application.id}"

    moved, rejected = at_once(
        lambda: mover_client.post(
            f"{url}/stage", data={"move-stage": "shortlisted", "move-version": move_version}
        ),
        lambda: rejecter_client.post(
            f"{url}/reject", data={"reject-reason": "skills", "reject-version": reject_version}
        ),
    )

    pages = [mover_client.page_after(moved), rejecter_client.page_after(rejected)]
    stale = [p for p in pages if "Someone else changed Lam Wing Sze’s application" in p]
    assert len(stale) == 1
    application = fresh(application)
    assert application.status in ("shortlisted", "rejected")
    assert application.version == int(move_version) + 1
    assert [e.to_status for e in application.events] == ["submitted", application.status]
    told = kinds_for(student)
    assert len(told) == 1  # one change, one notice: the refused one left nothing behind
    assert outbox_count() == mails + 1


def outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_a_stale_form_is_refused_without_any_race(app, client, login, make):
    firm = make.firm()
    first, second = make.employer(firm), make.employer(firm)
    application = applied(client, login, make.student(), make.posting(firm))
    (first_client,), (second_client,) = signed_in(app, first), signed_in(app, second)
    seen = version_on_page(second_client, application, "move")
    url = f"/employer/applications/{application.id}/stage"
    first_client.post(url, data={"move-stage": "under_review", "move-version": seen})
    page = second_client.page_after(
        second_client.post(url, data={"move-stage": "interview", "move-version": seen})
    )
    assert "Someone else changed" in page
    assert fresh(application).status == "under_review"


# -- places --------------------------------------------------------------------------------


def holding_offers(client, login, make, posting: Posting, count: int) -> list[Application]:
    employer = make.employer(posting.firm)
    held = []
    for _ in range(count):
        application = applied(client, login, make.student(), posting)
        login(employer)
        response = client.post(f"/employer/applications/{application.id}/offer")
        assert response.status_code == 302
        login.logout()
        held.append(fresh(application))
    assert {a.status for a in held} == {"offered"}
    return held


def accepting(tab: Browser, offer: tuple[int, int]) -> Callable[[], TestResponse]:
    """The student's press of "Accept" on the offer (id, version) their page showed."""
    application_id, version = offer
    return lambda: tab.post(
        f"/student/applications/{application_id}/accept", data={"version": version}
    )


def accepted_on(posting: Posting) -> int:
    return db.session.scalar(
        select(func.count(Application.id)).where(
            Application.posting_id == posting.id, Application.status == "accepted"
        )
    )


def test_students_accepting_at_once_never_overfill_the_places(
    app, client, login, make, monkeypatch
):
    posting = make.posting(capacity=2)
    held = holding_offers(client, login, make, posting, 5)
    tabs = [signed_in(app, a.student.user)[0] for a in held]
    offered = [(a.id, a.version) for a in held]
    # Every request has read its offer before the first one takes the posting's lock.
    meet_after(monkeypatch, application_service, "owned_by_student", len(held))

    responses = at_once(*(accepting(tab, a) for tab, a in zip(tabs, offered, strict=True)))

    assert accepted_on(posting) == posting.capacity == 2
    pages = [tab.page_after(r) for tab, r in zip(tabs, responses, strict=True)]
    assert sum("You accepted the offer" in p for p in pages) == 2
    assert sum("Every place of" in p and "has been taken" in p for p in pages) == 3
    statuses = sorted(fresh(a).status for a in held)
    assert statuses == ["accepted", "accepted", "offered", "offered", "offered"]


def test_one_student_accepting_two_offers_at_once_takes_one(app, client, login, make, monkeypatch):
    student = make.student()
    employer = make.employer()
    postings = [make.posting(employer.membership.firm, capacity=1) for _ in range(2)]
    held = []
    for posting in postings:
        application = applied(client, login, student, posting)
        login(employer)
        client.post(f"/employer/applications/{application.id}/offer")
        login.logout()
        held.append(fresh(application))
    tabs = signed_in(app, student, tabs=2)
    offered = [(a.id, a.version) for a in held]
    meet_after(monkeypatch, application_service, "owned_by_student", 2)

    responses = at_once(*(accepting(tab, a) for tab, a in zip(tabs, offered, strict=True)))

    pages = [tab.page_after(r) for tab, r in zip(tabs, responses, strict=True)]
    assert sum("You accepted the offer" in p for p in pages) == 1
    assert sum("Someone else changed this application in the meantime" in p for p in pages) == 1
    assert sorted(fresh(a).status for a in held) == ["accepted", "withdrawn"]
    events = db.session.scalar(
        select(func.count(ApplicationEvent.id)).where(
            ApplicationEvent.application_id.in_([a.id for a in held])
        )
    )
    assert events == 2 + 2 + 2  # submitted and offered each, then one accept, one withdrawal


def test_an_application_cannot_slip_in_while_an_offer_is_accepted(
    app, client, login, make, monkeypatch
):
    """The acceptance waits (a second at most) for the application to look for a place, and
    the application inserts only after the acceptance committed: without the student's
    lock the application would find no place, and stay open beside the accepted offer.
    With it, the application waits for the acceptance and is refused."""
    student = make.student()
    employer = make.employer()
    application = applied(client, login, student, make.posting(employer.membership.firm))
    login(employer)
    client.post(f"/employer/applications/{application.id}/offer")
    login.logout()
    application = fresh(application)
    apply_url = f"/student/postings/{make.posting(make.firm(name='WeBank')).ref}/apply"
    tabs = signed_in(app, student, tabs=2)
    locked, checked, accepted = threading.Event(), threading.Event(), threading.Event()
    lock, accept = application_service.lock_student, offers.accept

    def locking(profile_id: int) -> None:
        lock(profile_id)
        locked.set()  # the acceptance holds the student: now the application starts

    def accepting_and_committing(*args: Any, **kwargs: Any) -> Any:
        withdrawn = accept(*args, **kwargs)
        checked.wait(timeout=1)  # the lock keeps the application from looking: time out
        db.session.commit()
        accepted.set()
        return withdrawn

    monkeypatch.setattr(application_service, "lock_student", locking)
    monkeypatch.setattr(offers, "accept", accepting_and_committing)
    look_for_a_place_then_wait(monkeypatch, checked, accepted, WAIT)

    def apply_once_accepting() -> TestResponse:
        locked.wait(timeout=WAIT)
        return tabs[1].post(apply_url, data={"cover_note": NOTE, "transfer_consent": "y"})

    _accept, refused = at_once(
        accepting(tabs[0], (application.id, application.version)), apply_once_accepting
    )

    assert fresh(application).status == "accepted"
    others = db.session.scalars(
        select(Application.status).where(
            Application.student_id == student.profile.id, Application.id != application.id
        )
    ).all()
    assert others == []
    assert "You have accepted a place as" in tabs[1].page_after(refused)


# -- importing -----------------------------------------------------------------------------


def test_the_same_files_imported_twice_at_once_are_written_once(app, make, monkeypatch, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    office = [signed_in(app, make.coordinator())[0] for _ in range(2)]
    files = ("firms.csv", "postings.csv", "students.csv")
    for coordinator in office:
        uploaded = [(io.BytesIO((SEEDS / name).read_bytes()), name) for name in files]
        data = {"files": uploaded, "encoding": ""}
        response = coordinator.post(
            "/coordinator/imports/upload", data=data, content_type="multipart/form-data"
        )
        assert response.status_code == 302
        assert "Import these files" in coordinator.get("/coordinator/imports/preview").get_data(
            as_text=True
        )
    before = counts()
    # Both runs have compared the firms with what is stored before either writes one.
    meet_after(monkeypatch, FirmWriter, "classify", 2)

    responses = at_once(*(lambda c=c: c.post("/coordinator/imports/confirm") for c in office))

    assert sorted(r.status_code for r in responses) == [200, 302]
    loser = next(r for r in responses if r.status_code == 200).get_data(as_text=True)
    assert "Nothing was imported" in loser
    assert "another import probably stored the same records" in loser
    after = counts()
    assert after["Firm"] == before["Firm"] + 12 and after["Posting"] == 37
    assert after["StudentProfile"] == 320 and after["User"] == before["User"] + 320
    batches = db.session.scalars(select(ImportBatch.status).order_by(ImportBatch.status)).all()
    assert batches == ["failed", "succeeded"]
