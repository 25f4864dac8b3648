"""Every route of the app, walked as every kind of visitor, answers as the table says.

The table is checked against ``app.url_map``: a route added without a row here fails
the test by name, so no page can be published without deciding who may see it. The
URLs point at objects of firm A and of student A (the "owners"); everybody else must
get a 403 or 404 for them, and their empty-form POSTs must change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.hiring_support import NOTE
from web.extensions import db
from web.models import (
    AllocationRound,
    ApplicantNote,
    Application,
    ImportBatch,
    Interview,
    Notification,
    Posting,
    RoundPosting,
    User,
)
from web.services import confirmation, hiring, interviews, invitations
from web.services.applications import apply

# Column order of the expectations; "student" applied to firm A's posting and owns the
# application, interview and notification in the URLs; "other" applied to firm B's;
# "pending" is a recruiter of firm A not yet approved.
PERSONAS = ("anonymous", "student", "other", "pending", "firm_a", "firm_b", "coordinator")
# Tokens: a status code, "login" (302 to the login page), "pending" (302 to the
# employer's waiting page) or "302" (a redirect anywhere else).
PUBLIC = "200 200 200 200 200 200 200"
STUDENT_OWN = "login 200 404 403 403 403 403"
STUDENT_ANY = "login 200 200 403 403 403 403"
STUDENT_POST = "login 302 404 403 403 403 403"  # an empty form sends the owner back
EMPLOYER_OWN = "login 403 403 pending 200 404 403"
EMPLOYER_ANY = "login 403 403 pending 200 200 403"
EMPLOYER_POST = "login 403 403 pending 302 404 403"
COORDINATOR = "login 403 403 403 403 403 200"
COORDINATOR_REDIRECT = "login 403 403 403 403 403 302"
COORDINATOR_POST = COORDINATOR_REDIRECT  # an empty form sends the coordinator back
NO_GET = "405 405 405 405 405 405 405"  # a POST-only route answers a GET
LOGGED_IN_GO_HOME = "200 302 302 302 302 302 302"


@dataclass
class World:
    """The objects the URLs address, and who is logged in as each persona."""

    users: dict[str, User | None]
    posting_a: Posting
    application: Application
    interview: Interview
    notification: Notification
    batch: ImportBatch
    round: AllocationRound
    membership_id: int
    claim_token: str
    confirm_token: str


Url = Callable[[World], str]


@dataclass(frozen=True)
class Row:
    url: Url
    get: str | None  # None: the route takes no GET (it must answer 405)
    post: str | None = None  # None: the route takes no POST


def _own_app(w: World) -> int:
    return w.application.id


# One row per endpoint: how to build its URL, then what a GET and an empty POST answer.
TABLE: dict[str, Row] = {
    # Public pages and assets.
    "static": Row(lambda w: "/static/css/app.css", PUBLIC),
    "bootstrap.static": Row(lambda w: "/bootstrap/static/css/bootstrap.min.css", PUBLIC),
    "public.favicon": Row(lambda w: "/favicon.ico", "301 301 301 301 301 301 301"),
    "public.index": Row(lambda w: "/", LOGGED_IN_GO_HOME),
    "public.postings": Row(lambda w: "/postings", PUBLIC),
    "public.posting": Row(lambda w: f"/postings/{w.posting_a.ref}", PUBLIC),
    "public.privacy": Row(lambda w: "/privacy", PUBLIC),
    "public.choose_language": Row(lambda w: "/language", None, "302 302 302 302 302 302 302"),
    # Accounts.
    "auth.login": Row(lambda w: "/auth/login", LOGGED_IN_GO_HOME, LOGGED_IN_GO_HOME),
    "auth.logout": Row(lambda w: "/auth/logout", None, "login 302 302 302 302 302 302"),
    "auth.register_student": Row(lambda w: "/auth/register", PUBLIC, PUBLIC),
    "auth.register_employer": Row(lambda w: "/auth/register/employer", PUBLIC, PUBLIC),
    "auth.claim": Row(lambda w: f"/auth/claim/{w.claim_token}", PUBLIC, PUBLIC),
    # A sign-up waiting for confirmation: the link asks for its password (an empty form
    # is shown again); an empty request for a new link goes back to the login page.
    "auth.confirm": Row(lambda w: f"/auth/confirm/{w.confirm_token}", PUBLIC, PUBLIC),
    "auth.resend_confirmation": Row(
        lambda w: "/auth/confirmation/resend", None, "login login login login login login login"
    ),
    # Every role's notifications; one of them belongs to the student.
    "notifications.index": Row(lambda w: "/notifications/", "login 200 200 200 200 200 200"),
    "notifications.read_all": Row(
        lambda w: "/notifications/read", None, "login 302 302 302 302 302 302"
    ),
    "notifications.open_notification": Row(
        lambda w: f"/notifications/{w.notification.id}/open",
        None,
        "login 302 404 404 404 404 404",
    ),
    # Student portal.
    "student.dashboard": Row(lambda w: "/student/", STUDENT_ANY),
    "student.profile": Row(lambda w: "/student/profile", STUDENT_ANY),
    "student.edit_profile": Row(
        lambda w: "/student/profile/edit", STUDENT_ANY, "login 200 200 403 403 403 403"
    ),
    "student.recommendations": Row(lambda w: "/student/recommendations", STUDENT_ANY),
    "student.applications": Row(lambda w: "/student/applications", STUDENT_ANY),
    # An empty form (no cover note, no consent) shows the posting again with the errors.
    "student.apply": Row(
        lambda w: f"/student/postings/{w.posting_a.ref}/apply",
        None,
        "login 400 400 403 403 403 403",
    ),
    "student.application": Row(lambda w: f"/student/applications/{_own_app(w)}", STUDENT_OWN),
    "student.withdraw": Row(
        lambda w: f"/student/applications/{_own_app(w)}/withdraw", None, STUDENT_POST
    ),
    "student.accept_offer": Row(
        lambda w: f"/student/applications/{_own_app(w)}/accept", None, STUDENT_POST
    ),
    "student.decline_offer": Row(
        lambda w: f"/student/applications/{_own_app(w)}/decline", None, STUDENT_POST
    ),
    "student.interview_calendar": Row(
        lambda w: f"/student/applications/{_own_app(w)}/interviews/{w.interview.id}.ics",
        STUDENT_OWN,
    ),
    "student.rounds_list": Row(lambda w: "/student/rounds", STUDENT_ANY),
    # Privacy and data: each student's own consents, copy and deletion (an empty deletion
    # form, without the password, is refused and deletes nothing).
    "student.privacy_page": Row(lambda w: "/student/privacy", STUDENT_ANY),
    "student.set_discovery": Row(
        lambda w: "/student/privacy/discovery", None, "login 302 302 403 403 403 403"
    ),
    "student.export_data": Row(lambda w: "/student/privacy/my-data.json", STUDENT_ANY),
    "student.delete_account": Row(
        lambda w: "/student/privacy/delete", None, "login 400 400 403 403 403 403"
    ),
    # The round holds both firms' postings: each student sees it, with their own list.
    "student.round_page": Row(
        lambda w: f"/student/rounds/{w.round.id}", STUDENT_ANY, "login 302 302 403 403 403 403"
    ),
    # Employer portal: firm A's posting, applicant and application.
    "employer.pending": Row(lambda w: "/employer/pending", "login 403 403 200 302 302 403"),
    "employer.dashboard": Row(lambda w: "/employer/", EMPLOYER_ANY),
    "employer.talent": Row(lambda w: "/employer/talent", EMPLOYER_ANY),
    "employer.new_posting": Row(
        lambda w: "/employer/postings/new", EMPLOYER_ANY, "login 403 403 pending 200 200 403"
    ),
    "employer.applicants": Row(lambda w: f"/employer/postings/{w.posting_a.id}", EMPLOYER_OWN),
    "employer.edit_posting": Row(
        lambda w: f"/employer/postings/{w.posting_a.id}/edit",
        EMPLOYER_OWN,
        "login 403 403 pending 200 404 403",
    ),
    "employer.set_status": Row(
        lambda w: f"/employer/postings/{w.posting_a.id}/status/closed", None, EMPLOYER_POST
    ),
    "employer.bulk": Row(
        lambda w: f"/employer/postings/{w.posting_a.id}/bulk", None, EMPLOYER_POST
    ),
    "employer.export_csv": Row(
        lambda w: f"/employer/postings/{w.posting_a.id}/shortlist.csv", EMPLOYER_OWN
    ),
    "employer.export_xlsx": Row(
        lambda w: f"/employer/postings/{w.posting_a.id}/shortlist.xlsx", EMPLOYER_OWN
    ),
    "employer.student": Row(
        lambda w: f"/employer/students/{w.application.student_id}", EMPLOYER_OWN
    ),
    "employer.application": Row(lambda w: f"/employer/applications/{_own_app(w)}", EMPLOYER_OWN),
    "employer.move": Row(
        lambda w: f"/employer/applications/{_own_app(w)}/stage", None, EMPLOYER_POST
    ),
    "employer.reject": Row(
        lambda w: f"/employer/applications/{_own_app(w)}/reject", None, EMPLOYER_POST
    ),
    "employer.offer": Row(
        lambda w: f"/employer/applications/{_own_app(w)}/offer", None, EMPLOYER_POST
    ),
    "employer.rate": Row(
        lambda w: f"/employer/applications/{_own_app(w)}/rating", None, EMPLOYER_POST
    ),
    "employer.schedule_interview": Row(
        lambda w: f"/employer/applications/{_own_app(w)}/interviews",
        None,
        "login 403 403 pending 400 404 403",
    ),
    "employer.add_note": Row(
        lambda w: f"/employer/applications/{_own_app(w)}/notes",
        None,
        "login 403 403 pending 400 404 403",
    ),
    "employer.rounds_list": Row(lambda w: "/employer/rounds", EMPLOYER_ANY),
    # Firm B has a posting in the round too: it sees the round, not firm A's ranking.
    "employer.round_page": Row(lambda w: f"/employer/rounds/{w.round.id}", EMPLOYER_ANY),
    "employer.round_ranking": Row(
        lambda w: f"/employer/rounds/{w.round.id}/postings/{w.posting_a.id}",
        EMPLOYER_OWN,
        EMPLOYER_POST,
    ),
    # Coordinator portal.
    "coordinator.dashboard": Row(lambda w: "/coordinator/", COORDINATOR),
    "coordinator.programme_settings": Row(
        lambda w: "/coordinator/settings", COORDINATOR, COORDINATOR_POST
    ),
    "coordinator.employers": Row(lambda w: "/coordinator/employers", COORDINATOR),
    "coordinator.decide_employer": Row(
        lambda w: f"/coordinator/employers/{w.membership_id}/reject", None, COORDINATOR_POST
    ),
    "coordinator.firms": Row(lambda w: "/coordinator/firms", COORDINATOR),
    "coordinator.postings": Row(lambda w: "/coordinator/postings", COORDINATOR),
    "coordinator.reviews": Row(lambda w: "/coordinator/reviews", COORDINATOR),
    "coordinator.approve_posting": Row(
        lambda w: f"/coordinator/reviews/{w.posting_a.id}/approve", None, COORDINATOR_POST
    ),
    "coordinator.return_posting": Row(
        lambda w: f"/coordinator/reviews/{w.posting_a.id}/return", None, COORDINATOR_POST
    ),
    "coordinator.imports": Row(lambda w: "/coordinator/imports", COORDINATOR),
    "coordinator.import_batch": Row(lambda w: f"/coordinator/imports/{w.batch.id}", COORDINATOR),
    "coordinator.import_upload": Row(
        lambda w: "/coordinator/imports/upload", COORDINATOR, COORDINATOR
    ),
    # Without an upload in the session, the preview sends the coordinator to upload.
    "coordinator.import_preview": Row(
        lambda w: "/coordinator/imports/preview", COORDINATOR_REDIRECT
    ),
    "coordinator.import_confirm": Row(
        lambda w: "/coordinator/imports/confirm", None, COORDINATOR_POST
    ),
    "coordinator.import_cancel": Row(
        lambda w: "/coordinator/imports/cancel", None, COORDINATOR_POST
    ),
    "coordinator.exports_page": Row(lambda w: "/coordinator/exports", COORDINATOR),
    "coordinator.export_csv": Row(lambda w: "/coordinator/exports/students.csv", None, COORDINATOR),
    "coordinator.export_invitations": Row(
        lambda w: "/coordinator/exports/invitations.csv", None, COORDINATOR
    ),
    "coordinator.audit_log": Row(lambda w: "/coordinator/audit", COORDINATOR),
    # Operations: the probes answer anyone (JSON, no cookie); the counts are the office's.
    "probes.healthz": Row(lambda w: "/healthz", PUBLIC),
    "probes.readyz": Row(lambda w: "/readyz", PUBLIC),
    "operations.index": Row(lambda w: "/coordinator/operations", COORDINATOR),
    "coordinator.audit_csv": Row(lambda w: "/coordinator/audit.csv", None, COORDINATOR),
    "coordinator.rounds_list": Row(lambda w: "/coordinator/rounds", COORDINATOR),
    "coordinator.new_round": Row(lambda w: "/coordinator/rounds/new", COORDINATOR, COORDINATOR),
    "coordinator.round_page": Row(lambda w: f"/coordinator/rounds/{w.round.id}", COORDINATOR),
    "coordinator.round_results": Row(
        lambda w: f"/coordinator/rounds/{w.round.id}/results", COORDINATOR
    ),
    # Only a draft can be edited: the open round sends the coordinator to its page.
    "coordinator.edit_round": Row(
        lambda w: f"/coordinator/rounds/{w.round.id}/edit", COORDINATOR_REDIRECT, COORDINATOR_POST
    ),
    "coordinator.open_round": Row(
        lambda w: f"/coordinator/rounds/{w.round.id}/open", None, COORDINATOR_POST
    ),
    "coordinator.close_round": Row(
        lambda w: f"/coordinator/rounds/{w.round.id}/close", None, COORDINATOR_POST
    ),
    "coordinator.preview_round": Row(
        lambda w: f"/coordinator/rounds/{w.round.id}/preview", None, COORDINATOR_POST
    ),
    "coordinator.publish_round": Row(
        lambda w: f"/coordinator/rounds/{w.round.id}/publish", None, COORDINATOR_POST
    ),
}


def test_every_route_has_a_row(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - TABLE.keys())
    assert not missing, f"routes without an access row in {__name__}: {', '.join(missing)}"
    gone = sorted(TABLE.keys() - endpoints)
    assert not gone, f"rows for routes that no longer exist: {', '.join(gone)}"
    for rule in app.url_map.iter_rules():
        row = TABLE[rule.endpoint]
        assert (row.get is not None) == ("GET" in rule.methods), rule.endpoint
        assert (row.post is not None) == ("POST" in rule.methods), rule.endpoint


def _build(app: Flask, make) -> World:
    """Two firms, a pending recruiter at firm A, two students who applied, and the rest."""
    firm_a = make.firm(name="WeBank", name_zh="微众银行")
    firm_b = make.firm(name="Ping An Technology", name_zh="平安科技")
    firm_a_recruiter, firm_b_recruiter = make.employer(firm_a), make.employer(firm_b)
    pending = make.employer(firm_a, status="pending")
    posting_a, posting_b = make.posting(firm_a), make.posting(firm_b)
    student = make.student(full_name="Chan Siu Ming")
    other = make.student(full_name="Wong Ka Yan")
    coordinator = make.coordinator()
    with app.test_request_context():  # the services link the notices they write
        application = apply(
            student.profile, posting_a, NOTE, today=date.today(), transfer_consent=True
        )
        apply(other.profile, posting_b, NOTE, today=date.today(), transfer_consent=True)
        interview = interviews.schedule(
            application,
            firm_a_recruiter,
            starts_at=datetime.now(UTC) + timedelta(days=5),
            duration_minutes=45,
            location="WeBank Tower, Nanshan, Shenzhen",
        )
        hiring.add_note(application, firm_a_recruiter, "Strong SQL; ask about the scorecard.")
    notification = db.session.scalars(
        select(Notification).where(Notification.user_id == student.id)
    ).first()
    assert notification is not None
    batch = ImportBatch(actor=coordinator, source="web", status="succeeded", rows_read=3)
    now = datetime.now(UTC)
    round_ = AllocationRound(
        name="Summer 2027 main round",
        status="open",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=2),
        results_on=date.today() + timedelta(days=5),
        max_choices=3,
        postings=[RoundPosting(posting=posting_a), RoundPosting(posting=posting_b)],
    )
    unclaimed = User(email="imported@cuhk.example.edu.hk", role="student")
    unconfirmed = make.student("signed.up@cuhk.example.edu.hk", verified=False)
    db.session.add_all([batch, round_, unclaimed])
    db.session.commit()
    return World(
        users={
            "anonymous": None,
            "student": student,
            "other": other,
            "pending": pending,
            "firm_a": firm_a_recruiter,
            "firm_b": firm_b_recruiter,
            "coordinator": coordinator,
        },
        posting_a=posting_a,
        application=application,
        interview=interview,
        notification=notification,
        batch=batch,
        round=round_,
        membership_id=pending.membership.id,
        claim_token=invitations.make_token(unclaimed),
        confirm_token=confirmation.make_token(unconfirmed),
    )


def _snapshot(visitor: User | None) -> list[tuple]:
    """What others hold (the visitor may read their own notifications): any change shows."""
    db.session.expire_all()
    rows: list[tuple] = []
    for model in (
        Application,
        Posting,
        Interview,
        ApplicantNote,
        Notification,
        AllocationRound,
        RoundPosting,
        ImportBatch,
    ):
        columns = model.__table__.columns
        for obj in db.session.scalars(select(model).order_by(model.id)):
            if isinstance(obj, Notification) and visitor and obj.user_id == visitor.id:
                continue
            rows.append((model.__name__, *(getattr(obj, c.key) for c in columns)))
    for user in db.session.scalars(select(User).order_by(User.id)):
        membership = user.membership
        rows.append(("User", user.id, user.password_hash, membership and membership.status))
    return rows


def _matches(response, token: str) -> bool:
    location = response.headers.get("Location", "")
    if token == "login":
        return response.status_code == 302 and "/auth/login" in location
    if token == "pending":
        return response.status_code == 302 and location.endswith("/employer/pending")
    if token == "302":
        return response.status_code == 302 and "/auth/login" not in location
    return response.status_code == int(token)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_table_says(app, client, make, login, persona):
    world = _build(app, make)
    column = PERSONAS.index(persona)
    user = world.users[persona]
    if user is not None:
        login(user)
    before = _snapshot(user)
    wrong: list[str] = []
    for endpoint, row in TABLE.items():
        url = row.url(world)
        for method, spec in (("GET", row.get or NO_GET), ("POST", row.post)):
            if spec is None:
                continue
            expected = spec.split()[column]
            response = client.open(url, method=method, data={})
            if not _matches(response, expected):
                got = f"{response.status_code} {response.headers.get('Location', '')}".strip()
                wrong.append(f"{method} {url} ({endpoint}): expected {expected}, got {got}")
            if endpoint == "auth.logout" and user is not None:
                login(user)
    assert not wrong, f"as {persona}:\n" + "\n".join(wrong)
    if persona in ("anonymous", "other", "pending", "firm_b"):
        assert _snapshot(user) == before, f"{persona}'s requests changed another user's data"
