"""Stages of an application: the allowed moves, the history, who is told, stale changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.hiring_support import applied, flashed, fresh, kinds_for
from web.extensions import db
from web.models import REJECTION_REASONS, Application, AuditEntry
from web.services import stages


def move(client, application, stage, **extra):
    data = {"move-stage": stage, **{f"move-{k}": v for k, v in extra.items()}}
    return client.post(f"/employer/applications/{application.id}/stage", data=data)


@pytest.fixture
def hiring(client, make, login):
    """An approved recruiter, a posting of their firm, and one student's application."""
    employer = make.employer()
    posting = make.posting(employer.membership.firm)
    student = make.student(full_name="Lam Wing Sze")
    application = applied(client, login, student, posting)
    return employer, student, posting, application


def test_the_rules_live_in_one_table():
    assert stages.allowed(stages.EMPLOYER, "submitted") == (
        "under_review",
        "shortlisted",
        "interview",
        "offered",
        "rejected",
    )
    assert stages.allowed(stages.EMPLOYER, "offered") == ("rejected",)
    assert stages.allowed(stages.STUDENT, "offered") == ("accepted", "declined", "withdrawn")
    assert stages.allowed(stages.STUDENT, "interview") == ("withdrawn",)
    for closed in ("accepted", "declined", "rejected", "withdrawn"):
        assert stages.allowed(stages.EMPLOYER, closed) == ()
        assert stages.allowed(stages.STUDENT, closed) == ()
    assert set(stages.REJECTION_REASON_LABELS) == set(REJECTION_REASONS)


def test_employer_moves_an_applicant_forward_and_history_keeps_each_step(client, login, hiring):
    employer, student, _posting, application = hiring
    login(employer)
    page = flashed(client, move(client, application, "under_review"))
    assert "Moved to “Under review”." in page
    move(client, application, "shortlisted", note="Strong SQL; ask about the Kaggle project.")
    application = fresh(application)
    assert application.status == "shortlisted"
    steps = [(e.from_status, e.to_status, e.actor_id) for e in application.events]
    assert steps == [
        (None, "submitted", student.id),
        ("submitted", "under_review", employer.id),
        ("under_review", "shortlisted", employer.id),
    ]
    assert application.events[-1].note == "Strong SQL; ask about the Kaggle project."
    page = client.get(f"/employer/applications/{application.id}").get_data(as_text=True)
    assert "Under review → " in page and employer.email in page
    audited = db.session.scalars(
        select(AuditEntry.detail).where(AuditEntry.action == "application.stage_changed")
    ).all()
    assert [d["to_status"] for d in audited] == ["under_review", "shortlisted"]


def test_the_student_is_told_of_each_move_and_sees_translated_labels(client, login, hiring):
    employer, student, _posting, application = hiring
    login(employer)
    move(client, application, "under_review")
    move(client, application, "shortlisted")
    login.logout()
    assert kinds_for(student) == ["stage_changed", "stage_changed"]
    assert kinds_for(employer) == ["new_applicant"]
    login(student)
    page = client.get(f"/student/applications/{application.id}").get_data(as_text=True)
    assert "Under review" in page and "Shortlisted" in page and "under_review" not in page


def test_a_new_applicant_is_told_to_the_firms_approved_staff_only(client, make, login):
    firm = make.firm(name="WeBank")
    recruiter, colleague = make.employer(firm), make.employer(firm)
    waiting = make.employer(firm, status="pending")
    elsewhere = make.employer()
    posting = make.posting(firm)
    applied(client, login, make.student(full_name="Ho Ka Yan"), posting)
    assert kinds_for(recruiter) == kinds_for(colleague) == ["new_applicant"]
    assert kinds_for(waiting) == kinds_for(elsewhere) == []


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("offered", "shortlisted"),  # no going back after an offer
        ("interview", "under_review"),  # nor back down the pipeline
        ("submitted", "accepted"),  # only the student accepts
        ("submitted", "withdrawn"),  # only the student withdraws
        ("rejected", "under_review"),  # closed is closed
    ],
)
def test_disallowed_moves_are_refused_with_a_message(client, login, hiring, start, target):
    employer, _student, _posting, application = hiring
    db.session.execute(
        update(Application).where(Application.id == application.id).values(status=start)
    )
    db.session.commit()
    login(employer)
    page = flashed(client, move(client, application, target))
    assert "cannot be moved" in page
    application = fresh(application)
    assert application.status == start
    assert len(application.events) == 1


def test_rejecting_needs_a_reason_and_the_student_sees_neither_reason_nor_details(
    client, login, hiring
):
    employer, student, _posting, application = hiring
    login(employer)
    url = f"/employer/applications/{application.id}/reject"
    page = flashed(client, client.post(url, data={"reject-reason": ""}))
    assert fresh(application).status == "submitted"
    assert "Reason" in page
    details = "Cantonese only; the team works in Putonghua."
    client.post(url, data={"reject-reason": "language", "reject-note": details})
    application = fresh(application)
    assert (application.status, application.rejection_reason) == ("rejected", "language")
    page = client.get(f"/employer/applications/{application.id}").get_data(as_text=True)
    assert "Rejected: Language requirements not met" in page and details in page
    login.logout()
    assert kinds_for(student) == ["rejected"]
    login(student)
    page = client.get(f"/student/applications/{application.id}").get_data(as_text=True)
    assert "Rejected" in page
    assert details not in page and "Language requirements" not in page


def test_withdrawing_tells_the_firm(client, login, hiring):
    employer, student, _posting, application = hiring
    login(student)
    page = flashed(client, client.post(f"/student/applications/{application.id}/withdraw"))
    assert "Your application is withdrawn." in page
    assert fresh(application).status == "withdrawn"
    assert kinds_for(employer) == ["new_applicant", "application_withdrawn"]
    page = flashed(client, client.post(f"/student/applications/{application.id}/withdraw"))
    assert "already closed" in page


def test_a_change_made_on_a_stale_page_is_refused_not_applied(client, make, login, hiring):
    employer, _student, _posting, application = hiring
    colleague = make.employer(employer.membership.firm)
    seen = fresh(application).version
    login(colleague)
    move(client, application, "under_review")
    login.logout()
    login(employer)
    page = flashed(client, move(client, application, "shortlisted", version=seen))
    assert "Someone else changed this application" in page
    assert fresh(application).status == "under_review"


def test_a_lost_race_at_flush_becomes_a_message(app, client, login, hiring):
    employer, _student, _posting, application = hiring
    application = fresh(application)
    # Another process commits a change behind this session's back.
    db.session.execute(
        update(Application)
        .where(Application.id == application.id)
        .values(version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    with app.test_request_context(), pytest.raises(stages.StaleApplication) as caught:
        stages.transition(application, "under_review", employer, role=stages.EMPLOYER)
    assert "Lam Wing Sze" in str(caught.value)
    db.session.rollback()


def test_only_the_firms_staff_can_move_its_applicants(client, make, login, hiring):
    _employer, student, _posting, application = hiring
    login(make.employer())
    assert move(client, application, "under_review").status_code == 404
    login.logout()
    login(student)
    assert move(client, application, "under_review").status_code == 403
    assert fresh(application).status == "submitted"
