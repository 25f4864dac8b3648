"""Offers: made by the firm, accepted or declined by the student, never beyond the places."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_DATABASE_URL
from tests.hiring_support import applied, flashed, fresh, kinds_for
from web.extensions import db
from web.models import Application, User
from web.services import offers


def offer(client, application):
    return client.post(f"/employer/applications/{application.id}/offer")


def answer(client, application, verb):
    return client.post(f"/student/applications/{application.id}/{verb}")


@pytest.fixture
def firm_posting(make):
    employer = make.employer(make.firm(name="Ping An Technology"))
    return employer, make.posting(employer.membership.firm, capacity=1)


def offered(client, login, employer, student, posting) -> Application:
    application = applied(client, login, student, posting)
    login(employer)
    assert offer(client, application).status_code == 302
    login.logout()
    return fresh(application)


def test_the_student_sees_the_offer_and_accepts_it(client, make, login, firm_posting):
    employer, posting = firm_posting
    student = make.student(full_name="Tsang Hoi Lam")
    application = offered(client, login, employer, student, posting)
    assert application.status == "offered"
    assert kinds_for(student) == ["offer_made"]
    login(student)
    listing = client.get("/student/applications").get_data(as_text=True)
    assert "Offer: answer it" in listing
    page = client.get(f"/student/applications/{application.id}").get_data(as_text=True)
    assert "Offer from Ping An Technology" in page
    assert "Accept the offer" in page and "Decline the offer" in page
    page = flashed(client, answer(client, application, "accept"))
    assert "You accepted the offer" in page
    assert fresh(application).status == "accepted"
    assert "offer_accepted" in kinds_for(employer)


def test_accepting_withdraws_the_other_open_applications_and_tells_those_firms(
    client, make, login, firm_posting
):
    employer, posting = firm_posting
    student = make.student(full_name="Yip Tsz Ching")
    tencent = make.employer(make.firm(name="Tencent Financial Technology"))
    webank = make.employer(make.firm(name="WeBank"))
    open_one = applied(client, login, student, make.posting(tencent.membership.firm))
    closed_one = applied(client, login, student, make.posting(webank.membership.firm))
    login(webank)
    client.post(f"/employer/applications/{closed_one.id}/reject", data={"reject-reason": "skills"})
    login.logout()
    application = offered(client, login, employer, student, posting)
    login(student)
    page = flashed(client, answer(client, application, "accept"))
    assert "Your other open application was withdrawn" in page
    open_one, closed_one = fresh(open_one), fresh(closed_one)
    assert open_one.status == "withdrawn"
    assert closed_one.status == "rejected"
    last = open_one.events[-1]
    assert last.actor_id == student.id
    assert "accepted an offer for" in last.note and posting.ref in last.note
    assert kinds_for(tencent)[-1] == "withdrawn_after_placement"
    assert "withdrawn_after_placement" not in kinds_for(webank)
    page = client.get(f"/student/applications/{open_one.id}").get_data(as_text=True)
    assert "Withdrawn automatically" in page


def test_a_student_with_a_place_cannot_apply_elsewhere(client, make, login, firm_posting):
    employer, posting = firm_posting
    student = make.student(full_name="Lam Wing Sze")
    application = offered(client, login, employer, student, posting)
    login(student)
    answer(client, application, "accept")
    other = make.posting(make.firm(name="WeBank"))

    page = client.get(f"/postings/{other.ref}").get_data(as_text=True)
    assert "You have a place" in page and "Ping An Technology" in page
    assert f"/student/postings/{other.ref}/apply" not in page  # no form to fill in
    assert f"/student/applications/{application.id}" in page

    response = client.post(
        f"/student/postings/{other.ref}/apply",
        data={"cover_note": "Still keen on risk analytics at WeBank.", "transfer_consent": "y"},
    )
    page = flashed(client, response)
    assert "You have accepted a place as" in page and "at Ping An Technology" in page
    assert "contact the programme office" in page
    held = db.session.scalars(
        select(Application.posting_id).where(Application.student_id == student.profile.id)
    ).all()
    assert held == [posting.id]  # nothing sent to WeBank


def test_a_declined_offer_leaves_the_student_free_to_apply(client, make, login, firm_posting):
    employer, posting = firm_posting
    student = make.student()
    application = offered(client, login, employer, student, posting)
    login(student)
    answer(client, application, "decline")
    other = make.posting(make.firm(name="WeBank"))
    page = client.get(f"/postings/{other.ref}").get_data(as_text=True)
    assert "You have a place" not in page and f"/student/postings/{other.ref}/apply" in page
    login.logout()
    assert applied(client, login, student, other).status == "submitted"


def test_the_last_place_goes_to_the_first_acceptance_and_the_second_is_refused(
    client, make, login, firm_posting
):
    employer, posting = firm_posting  # one place
    first, second = make.student(full_name="Au Yeung Ho"), make.student(full_name="Kwok Mei")
    a = offered(client, login, employer, first, posting)
    b = offered(client, login, employer, second, posting)
    other = applied(client, login, second, make.posting())
    login(first)
    answer(client, a, "accept")
    login.logout()
    login(second)
    page = flashed(client, answer(client, b, "accept"))
    assert "Every place of" in page and "Nothing was changed." in page
    assert fresh(b).status == "offered"
    assert fresh(other).status == "submitted"
    assert accepted_count(posting) == 1


def test_firms_may_offer_more_than_their_places_and_are_warned(client, make, login, firm_posting):
    employer, posting = firm_posting
    a = offered(client, login, employer, make.student(full_name="Chiu Man Kit"), posting)
    b = applied(client, login, make.student(full_name="Fung Pui Yee"), posting)
    login(employer)
    page = client.get(f"/employer/applications/{b.id}").get_data(as_text=True)
    assert "0 of 1 places taken; 1 offers awaiting an answer." in page
    assert "More offers than places left" in page
    offer(client, b)
    assert {fresh(a).status, fresh(b).status} == {"offered"}


def test_declining_tells_the_firm(client, make, login, firm_posting):
    employer, posting = firm_posting
    student = make.student()
    application = offered(client, login, employer, student, posting)
    login(student)
    page = flashed(client, answer(client, application, "decline"))
    assert "You declined the offer" in page
    assert fresh(application).status == "declined"
    assert kinds_for(employer)[-1] == "offer_declined"
    assert accepted_count(posting) == 0


def test_an_application_without_an_offer_cannot_be_accepted(client, make, login, firm_posting):
    _employer, posting = firm_posting
    student = make.student()
    application = applied(client, login, student, posting)
    login(student)
    page = flashed(client, answer(client, application, "accept"))
    assert "cannot be moved" in page
    assert fresh(application).status == "submitted"


def test_only_the_student_answers_their_own_offer(client, make, login, firm_posting):
    employer, posting = firm_posting
    application = offered(client, login, employer, make.student(), posting)
    login(make.student())
    assert answer(client, application, "accept").status_code == 404
    login.logout()
    login(employer)
    assert answer(client, application, "accept").status_code == 403
    assert fresh(application).status == "offered"


def test_accepting_needs_the_csrf_token(app, client, make, login, firm_posting):
    employer, posting = firm_posting
    student = make.student()
    application = offered(client, login, employer, student, posting)
    app.config["WTF_CSRF_ENABLED"] = True
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post(
        "/auth/login",
        data={
            "email": student.email,
            "password": "correct-horse-battery-staple",
            "csrf_token": token,
        },
    )
    assert answer(client, application, "accept").status_code == 400
    assert fresh(application).status == "offered"
    page = client.get(f"/student/applications/{application.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(
        f"/student/applications/{application.id}/accept",
        data={"csrf_token": token, "version": version},
    )
    assert response.status_code == 302
    assert fresh(application).status == "accepted"


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_students_racing_for_the_last_place_on_postgresql(app, client, make, login):
    employer = make.employer()
    posting = make.posting(employer.membership.firm, capacity=1)
    racers = [make.student(), make.student()]
    ids = [offered(client, login, employer, s, posting).id for s in racers]
    student_ids = [s.id for s in racers]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def race(application_id: int, user_id: int) -> None:
        with app.test_request_context():
            application = db.session.get(Application, application_id)
            student = db.session.get(User, user_id)
            start.wait()
            try:
                offers.accept(application, student)
                db.session.commit()
                outcomes.append("accepted")
            except offers.PostingFull:
                db.session.rollback()
                outcomes.append("full")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=race, args=pair) for pair in zip(ids, student_ids, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "full"]
    db.session.expire_all()
    assert accepted_count(posting) == 1


def accepted_count(posting) -> int:
    return db.session.scalar(
        select(func.count(Application.id)).where(
            Application.posting_id == posting.id, Application.status == "accepted"
        )
    )
