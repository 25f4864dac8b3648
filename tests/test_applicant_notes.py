"""The applicant page, and the notes and rating on it that only the firm's staff ever see."""

from __future__ import annotations

import re

import pytest

from tests.hiring_support import applied, flashed, fresh
from web.models import ApplicantNote

SECRET = "Impressive SQL window functions; check the reference from HKMA internship."


@pytest.fixture
def setting(client, make, login):
    firm = make.firm(name="Tencent Financial Technology")
    employer = make.employer(firm)
    posting = make.posting(firm, required=[("Python", 3), ("SQL", 2)])
    student = make.student(full_name="Leung Chi Wai", university="CUHK")
    return employer, student, applied(client, login, student, posting)


def add_note(client, application, body=SECRET):
    return client.post(f"/employer/applications/{application.id}/notes", data={"note-body": body})


def rate(client, application, rating):
    return client.post(
        f"/employer/applications/{application.id}/rating", data={"rating-rating": str(rating)}
    )


def test_the_applicant_page_shows_profile_reasons_cover_note_and_history(client, login, setting):
    employer, student, application = setting
    login(employer)
    page = client.get(f"/employer/applications/{application.id}").get_data(as_text=True)
    assert "Leung Chi Wai" in page and student.email in page
    assert "Chinese University of Hong Kong" in page
    assert "Why this rank" in page and "requirements met" in page
    assert "credit-risk scorecard" in page  # the cover note
    assert "Submitted" in page and "Private to your firm" in page
    shortlist = client.get(f"/employer/postings/{application.posting_id}").get_data(as_text=True)
    assert f'href="/employer/applications/{application.id}"' in shortlist


def test_staff_add_notes_and_a_rating_and_colleagues_see_them(client, make, login, setting):
    employer, _student, application = setting
    login(employer)
    page = flashed(client, add_note(client, application))
    assert "Note added." in page and SECRET in page and employer.email in page
    flashed(client, rate(client, application, 3))
    assert fresh(application).rating == 3
    login.logout()
    colleague = make.employer(employer.membership.firm)
    login(colleague)
    add_note(client, application, "Second interviewer: agree, strong candidate.")
    page = client.get(f"/employer/applications/{application.id}").get_data(as_text=True)
    assert SECRET in page and "Second interviewer" in page
    assert page.index("Second interviewer") < page.index(SECRET)  # newest first
    assert re.search(r'<input checked[^>]*name="rating-rating"[^>]*value="3"', page)
    shortlist = client.get(f"/employer/postings/{application.posting_id}").get_data(as_text=True)
    assert "★ 3/4" in shortlist
    notes = fresh(application).notes
    assert [n.author_id for n in notes] == [colleague.id, employer.id]


@pytest.mark.parametrize("bad", ["0", "5", "excellent"])
def test_a_rating_is_from_one_to_four(client, login, setting, bad):
    employer, _student, application = setting
    login(employer)
    rate(client, application, bad)
    assert fresh(application).rating is None


def test_an_empty_note_is_refused(client, login, setting):
    employer, _student, application = setting
    login(employer)
    response = add_note(client, application, "   ")
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert fresh(application).notes == []


def test_another_firms_employer_gets_404_everywhere(client, make, login, setting):
    employer, _student, application = setting
    login(employer)
    add_note(client, application)
    login.logout()
    login(make.employer(make.firm(name="WeBank")))
    base = f"/employer/applications/{application.id}"
    assert client.get(base).status_code == 404
    assert add_note(client, application, "Sneaky").status_code == 404
    assert rate(client, application, 1).status_code == 404
    application = fresh(application)
    assert application.rating is None
    assert [n.body for n in application.notes] == [SECRET]


def test_a_pending_employer_of_the_same_firm_sees_nothing(client, make, login, setting):
    employer, _student, application = setting
    login(make.employer(employer.membership.firm, status="pending"))
    response = client.get(f"/employer/applications/{application.id}")
    assert response.status_code == 302 and "/employer/pending" in response.headers["Location"]


def test_the_student_never_sees_notes_or_rating(client, login, setting):
    employer, student, application = setting
    login(employer)
    add_note(client, application)
    rate(client, application, 4)
    client.post(
        f"/employer/applications/{application.id}/stage", data={"move-stage": "shortlisted"}
    )
    client.get(f"/employer/applications/{application.id}")  # shows (and clears) the messages
    login.logout()
    login(student)
    pages = [
        client.get(path).get_data(as_text=True)
        for path in (
            "/student/",
            "/student/applications",
            f"/student/applications/{application.id}",
        )
    ]
    for page in pages:
        assert SECRET not in page
        assert "★" not in page and "excellent" not in page and "Rating" not in page
    assert client.get(f"/employer/applications/{application.id}").status_code == 403
    assert isinstance(fresh(application).notes[0], ApplicantNote)
