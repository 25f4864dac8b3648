"""A student's own data: a copy of all of it, and deleting the account (anonymised applications).

The programme (tests/round_support.py): WeBank's risk and data internships are in an open
round, Ping An's payments internship is not. Chan, the student who leaves, is at every
stage somewhere: interviewed (with the firm's note and rating), submitted, rejected, and
offered a place; Wong stays.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.hiring_support import NOTE
from tests.round_support import build_programme, coordinator_does, create_round, rank
from web.extensions import db
from web.models import (
    ApplicantNote,
    Application,
    ApplicationEvent,
    AuditEntry,
    Consent,
    Interview,
    Notification,
    OutboxMessage,
    RoundChoice,
    RoundRanking,
    StudentLanguage,
    StudentProfile,
    StudentSkill,
    User,
)
from web.services import applications, dashboard, hiring, interviews, offers, programme, stages
from web.services.postings import applicant_counts

FIRM_NOTE = "Strong SQL; ask about the scorecard."
REJECTION_NOTE = "Another applicant matched better."


@pytest.fixture
def world(client, login, make):
    """The programme, an open round ranked by Chan and WeBank, Chan at every stage."""
    p = build_programme(make)
    round_ = create_round(client, login, p.coordinator, [p.risk, p.data])
    extra = make.posting(p.pingan.membership.firm)
    with current_app.test_request_context():
        chan_risk = p.application(p.chan, p.risk)
        interviews.schedule(
            chan_risk,
            p.webank,
            starts_at=datetime.now(UTC) + timedelta(days=5),
            duration_minutes=45,
            location="WeBank Tower, Nanshan, Shenzhen",
        )
        hiring.add_note(chan_risk, p.webank, FIRM_NOTE)
        hiring.rate(chan_risk, 4)
        stages.transition(
            p.application(p.chan, p.payments),
            "rejected",
            p.pingan,
            role=stages.EMPLOYER,
            reason="skills",
            note=REJECTION_NOTE,
        )
        offered = applications.apply(
            p.chan.profile, extra, NOTE, today=datetime.now(UTC).date(), transfer_consent=True
        )
        offers.make_offer(offered, p.pingan)
    db.session.commit()
    assert rank(client, login, p.chan, round_, [p.risk, p.data]).status_code == 302
    login(p.webank)
    url = f"/employer/rounds/{round_.id}/postings/{p.risk.id}"
    ids = [str(p.application(s, p.risk).student_id) for s in p.students]
    data = {f"rows-{n}-student_id": sid for n, sid in enumerate(ids)}
    data |= {f"rows-{n}-position": str(n + 1) for n in range(len(ids))}
    data |= {f"rows-{n}-acceptable": "y" for n in range(len(ids))}
    assert client.post(url, data=data).status_code == 302
    login.logout()
    p.round, p.extra = round_, extra
    return p


def delete_account(client, login, user, *, password=PASSWORD, confirm=None):
    login(user)
    return client.post(
        "/student/privacy/delete",
        data={"delete-password": password, "delete-confirm": confirm or user.email},
    )


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, as the database has it now."""
    db.session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
        for table in db.metadata.sorted_tables
    }


# -- the copy -------------------------------------------------------------------------------


def test_the_export_holds_the_students_data_and_nobody_elses(client, login, world):
    p = world
    login(p.chan)
    response = client.get("/student/privacy/my-data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "my-data" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    data = json.loads(body)

    assert data["account"]["email"] == p.chan.email
    assert data["profile"]["full_name"] == "Chan Siu Ming"
    assert {s["name"] for s in data["skills"]} == {"Python", "SQL"}
    assert {lang["language"] for lang in data["languages"]} == {"english", "cantonese"}
    by_ref = {a["posting"]["ref"]: a for a in data["applications"]}
    assert set(by_ref) == {p.risk.ref, p.data.ref, p.payments.ref, p.extra.ref}
    risk = by_ref[p.risk.ref]
    assert risk["firm"] == {"name": "WeBank", "name_zh": "微众银行"}
    assert risk["cover_note"] == NOTE
    assert [h["to"] for h in risk["history"]] == ["submitted", "interview"]
    assert risk["interviews"][0]["location"] == "WeBank Tower, Nanshan, Shenzhen"
    assert by_ref[p.payments.ref]["status"] == "rejected"
    assert by_ref[p.extra.ref]["status"] == "offered"
    transfers = [c for c in data["consents"] if c["kind"] == "transfer"]
    assert {c["posting"] for c in transfers} == set(by_ref)
    assert {c["firm"] for c in transfers} == {"WeBank", "Ping An Technology"}
    assert {n["kind"] for n in data["notifications"]} >= {"interview_scheduled", "offer_made"}
    assert [(c["posting"]["ref"], c["position"]) for c in data["round_choices"]] == [
        (p.risk.ref, 1),
        (p.data.ref, 2),
    ]
    # The firm's private assessment stays with the firm.
    assert FIRM_NOTE not in body and REJECTION_NOTE not in body
    assert "rating" not in json.dumps(data["applications"])
    # Nothing of another student.
    for other in (p.wong, p.lee, p.ho):
        assert other.email not in body and other.profile.full_name not in body


def test_reading_the_export_changes_nothing(client, login, world):
    login(world.chan)
    before = snapshot()
    client.get("/student/privacy/my-data.json")
    assert snapshot() == before


# -- deletion -------------------------------------------------------------------------------


def test_deleting_the_account_removes_the_person_and_anonymises_applications(client, login, world):
    p = world
    user_id, profile_id, email = p.chan.id, p.chan.profile.id, p.chan.email
    application_ids = list(
        db.session.scalars(select(Application.id).where(Application.student_id == profile_id))
    )
    stages_before = dict(
        db.session.execute(
            select(Application.id, Application.status).where(Application.id.in_(application_ids))
        ).all()
    )
    assert len(application_ids) == 4
    assert db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.to_email == email)
    )

    def naming_notices() -> int:
        notices = db.session.scalars(select(Notification)).all()
        return sum("Chan Siu Ming" in json.dumps(n.params, ensure_ascii=False) for n in notices)

    assert naming_notices()  # the firms heard of the new applicant by name
    response = delete_account(client, login, p.chan)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "Your account and your personal data are deleted" in client.get("/").get_data(
        as_text=True
    )
    assert "/auth/login" in client.get("/student/").headers["Location"]  # logged out
    assert login(email).status_code == 200  # the login form again: no such account

    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert db.session.get(StudentProfile, profile_id) is None
    for column, value in (
        (StudentSkill.profile_id, profile_id),
        (StudentLanguage.profile_id, profile_id),
        (RoundChoice.student_id, profile_id),
        (RoundRanking.student_id, profile_id),
        (Consent.user_id, user_id),
        (Notification.user_id, user_id),
    ):
        assert db.session.scalar(select(func.count()).where(column == value)) == 0, column
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.to_email == email)
        )
        == 0
    )

    kept = db.session.scalars(select(Application).where(Application.id.in_(application_ids))).all()
    assert len(kept) == 4
    assert {a.id: a.status for a in kept} == stages_before  # statistics stay right
    assert all(a.student_id is None and a.cover_note == "" and a.rating is None for a in kept)
    for model in (ApplicantNote, Interview):
        assert (
            db.session.scalar(
                select(func.count(model.id)).where(model.application_id.in_(application_ids))
            )
            == 0
        )
    events = db.session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id.in_(application_ids))
    ).all()
    assert events and all(e.note is None and e.actor_id != user_id for e in events)
    assert (
        db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.actor_id == user_id))
        == 0
    )
    assert naming_notices() == 0  # the firms' notices no longer name the student

    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "account.deleted")
    ).all()
    assert (entry.target_type, entry.target_id, entry.actor_id) == ("User", user_id, None)
    assert entry.detail["applications"] == 4 and entry.detail["consents"] >= 4
    detail = json.dumps(entry.detail, ensure_ascii=False)
    assert email not in detail and "Chan" not in detail
    assert all(isinstance(v, int) or k == "role" for k, v in entry.detail.items())


def test_employer_and_coordinator_pages_cope_with_the_anonymised_applications(client, login, world):
    p = world
    risk_application = p.application(p.chan, p.risk).id
    postings = [p.risk, p.data, p.payments, p.extra]
    before = programme.overview()
    counts_before = applicant_counts([x.id for x in postings])
    delete_account(client, login, p.chan)
    login.logout()

    # Counts and statistics still include the anonymised applications.
    after = programme.overview()
    assert (after.applications, after.by_status) == (before.applications, before.by_status)
    assert after.students == before.students - 1
    assert applicant_counts([x.id for x in postings]) == counts_before
    gone = [u for u in dashboard.university_figures() if u.name == "Deleted accounts"]
    assert [(u.applications, u.students) for u in gone] == [(4, 0)]

    login(p.webank)
    for url in (
        "/employer/",
        f"/employer/postings/{p.risk.id}",
        f"/employer/postings/{p.data.id}",
        f"/employer/postings/{p.risk.id}/shortlist.csv",
        f"/employer/postings/{p.risk.id}/shortlist.xlsx",
        "/employer/talent",
        "/employer/rounds",
        f"/employer/rounds/{p.round.id}",
        f"/employer/rounds/{p.round.id}/postings/{p.risk.id}",
        "/notifications/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".xlsx"):
            continue
        text = response.get_data(as_text=True)
        assert "Chan Siu Ming" not in text and p.chan.email not in text, url
    shortlist = client.get(f"/employer/postings/{p.risk.id}").get_data(as_text=True)
    assert "Wong Ka Yan" in shortlist  # applicants with a student are still listed
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/employer/postings/{p.risk.id}/shortlist.csv").get_data(as_text=True)
            )
        )
    )
    assert len(csv_rows) == 1 + 3  # header, Wong, Lee, Ho
    assert client.get(f"/employer/applications/{risk_application}").status_code == 404
    login.logout()

    login(p.pingan)
    for url in (
        "/employer/",
        f"/employer/postings/{p.payments.id}",
        f"/employer/postings/{p.extra.id}",
    ):
        assert client.get(url).status_code == 200, url
    login.logout()

    login(p.coordinator)
    for url in (
        "/coordinator/",
        "/coordinator/postings",
        "/coordinator/firms",
        "/coordinator/rounds",
        f"/coordinator/rounds/{p.round.id}",
    ):
        assert client.get(url).status_code == 200, url
    assert "Deleted accounts" in client.get("/coordinator/").get_data(as_text=True)
    exported = client.post("/coordinator/exports/applications.csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) - 1 == after.applications  # anonymised rows too, without a person
    assert p.chan.email not in exported.get_data(as_text=True)
    login.logout()

    # The round still previews and publishes without the student who left.
    for action in ("preview", "close", "publish"):
        page = coordinator_does(client, login, p.coordinator, p.round, action)
        assert "Chan Siu Ming" not in page
    login(p.coordinator)
    assert client.get(f"/coordinator/rounds/{p.round.id}/results").status_code == 200
    login.logout()
    login(p.webank)
    assert client.get(f"/employer/rounds/{p.round.id}").status_code == 200


@pytest.mark.parametrize("step", ["_delete_round_rows", "_delete_user"])
def test_a_failure_halfway_leaves_the_database_as_it_was(client, login, world, monkeypatch, step):
    from web.services import privacy

    called = []

    def broken(*_args, **_kwargs):
        called.append(step)
        raise RuntimeError("the disk is full")

    login(world.chan)
    before = snapshot()
    monkeypatch.setattr(privacy, step, broken)
    current_app.config["PROPAGATE_EXCEPTIONS"] = False  # the app's own 500 page
    response = client.post(
        "/student/privacy/delete",
        data={"delete-password": PASSWORD, "delete-confirm": world.chan.email},
    )
    assert response.status_code == 500 and called == [step]
    assert snapshot() == before
    assert client.get("/student/privacy").status_code == 200  # still logged in


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("not-my-password-at-all", None, "That is not your password. Nothing was deleted."),
        (PASSWORD, "someone.else@hku.example.edu.hk", "Type your email address exactly"),
        (PASSWORD, "", "This field is required."),
    ],
)
def test_deletion_needs_the_password_and_the_confirmation(
    client, login, make, password, confirm, message
):
    student = make.student()
    user_id = student.id
    login(student)
    before = snapshot()
    response = client.post(
        "/student/privacy/delete",
        data={
            "delete-password": password,
            "delete-confirm": student.email if confirm is None else confirm,
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot() == before
    assert db.session.get(User, user_id) is not None
    assert client.get("/student/privacy").status_code == 200


def test_the_page_offers_export_correction_and_deletion(client, login, make):
    login(make.student())
    page = client.get("/student/privacy").get_data(as_text=True)
    assert 'href="/student/privacy/my-data.json"' in page
    assert 'href="/student/profile/edit"' in page
    assert 'action="/student/privacy/delete"' in page
    assert 'href="/student/privacy"' in client.get("/student/").get_data(as_text=True)  # nav
