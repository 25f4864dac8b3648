"""Students apply, follow and withdraw applications; employers see their applicants."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from web.extensions import db
from web.models import Application
from web.services import applications as application_service

NOTE = "I built a credit-risk scorecard in Python for my final-year project."


def apply(client, posting, note=NOTE):
    return client.post(
        f"/student/postings/{posting.ref}/apply",
        data={"cover_note": note, "transfer_consent": "y"},
    )


def count_applications() -> int:
    return db.session.scalar(select(func.count(Application.id)))


def test_student_applies_and_sees_the_status(client, make, login):
    posting = make.posting()
    login(make.student())
    response = apply(client, posting)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert posting.title in page and "Submitted" in page and NOTE in page
    listing = client.get("/student/applications").get_data(as_text=True)
    assert posting.title in listing


def test_applying_twice_gives_one_application_and_a_message(client, make, login):
    posting = make.posting()
    login(make.student())
    apply(client, posting)
    response = apply(client, posting)
    assert count_applications() == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have already applied to this internship." in page


def test_the_unique_constraint_settles_a_duplicate_the_checks_missed(
    client, make, login, monkeypatch
):
    """Should a duplicate ever get past the lock and the check (a database without row
    locks), the constraint refuses it with the same message, not a 500."""
    posting = make.posting()
    login(make.student())
    apply(client, posting)
    monkeypatch.setattr(application_service, "find", lambda profile, posting: None)
    response = apply(client, posting)
    assert response.status_code == 302
    assert count_applications() == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have already applied to this internship." in page


def test_applying_after_the_deadline_is_refused(client, make, login):
    posting = make.posting(deadline=date.today() - timedelta(days=1))
    login(make.student())
    response = apply(client, posting)
    assert count_applications() == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "no longer taking applications" in page


def test_applying_on_the_deadline_day_is_accepted(client, make, login):
    posting = make.posting(deadline=date.today())
    login(make.student())
    apply(client, posting)
    assert count_applications() == 1


def test_applying_to_a_closed_posting_is_refused(client, make, login):
    posting = make.posting(status="closed")
    login(make.student())
    apply(client, posting)
    assert count_applications() == 0


def test_draft_postings_are_invisible_to_students(client, make, login):
    posting = make.posting(status="draft")
    login(make.student())
    assert client.get(f"/postings/{posting.ref}").status_code == 404
    assert apply(client, posting).status_code == 404


def test_a_cover_note_is_required(client, make, login):
    posting = make.posting()
    login(make.student())
    response = apply(client, posting, note="")
    assert count_applications() == 0
    assert response.status_code == 400  # the posting again, the message on the field
    assert "This field is required" in response.get_data(as_text=True)


def test_student_withdraws_an_application(client, make, login):
    posting = make.posting()
    student = make.student()
    login(student)
    apply(client, posting)
    application = posting.applications[0]
    client.post(f"/student/applications/{application.id}/withdraw")
    db.session.refresh(application)
    assert application.status == "withdrawn"
    assert [e.to_status for e in application.events] == ["submitted", "withdrawn"]
    # Withdrawing twice is refused with a message, not an error.
    response = client.post(f"/student/applications/{application.id}/withdraw")
    assert response.status_code == 302


def test_employer_sees_applicants_but_not_withdrawn_ones(client, make, login):
    employer = make.employer()
    posting = make.posting(employer.membership.firm)
    keen, gone = (
        make.student(full_name="Wong Ka Ho"),
        make.student(full_name="Cheung Mei Ling"),
    )
    for student in (keen, gone):
        login(student)
        apply(client, posting)
        client.post("/auth/logout")
    login(gone)
    mine = next(a for a in posting.applications if a.student_id == gone.profile.id)
    client.post(f"/student/applications/{mine.id}/withdraw")
    client.post("/auth/logout")
    login(employer)
    page = client.get(f"/employer/postings/{posting.id}").get_data(as_text=True)
    assert "Wong Ka Ho" in page
    assert "Cheung Mei Ling" not in page
