"""Some life in the demo: applications at every stage, so each portal has something to show."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from web.extensions import db
from web.models import Application, Consent, Posting, StudentProfile, User
from web.services import applications, interviews, offers, stages
from web.services.interviews import hong_kong_to_utc

NOTE = (
    "I am keen to spend the summer in Shenzhen and would bring the skills in my profile; "
    "I have used them in course projects and a hackathon."
)
# (stage to reach, how) for the demo employer's first posting's applicants, best first.
WEBANK_STAGES = ("offered", "interview", "shortlisted", "under_review", "rejected")


def simulate(employer: User, *, today: date) -> int:
    """Apply every demo student to two postings and move WeBank's applicants along.

    Runs once: a database that already has applications is left as it is.
    """
    if db.session.scalar(select(func.count(Application.id))):
        return 0
    postings = [
        p
        for p in db.session.scalars(select(Posting).order_by(Posting.ref))
        if p.accepts_applications(today)
    ]
    profiles = db.session.scalars(select(StudentProfile).order_by(StudentProfile.id)).all()
    if not postings:
        return 0
    made = 0
    for i, profile in enumerate(profiles):
        for posting in {postings[i % len(postings)], postings[(i + 2) % len(postings)]}:
            # The demo's invented students agree as a real one does on the apply form,
            # so each demo application has its transfer consent like any other.
            applications.apply(profile, posting, NOTE, today=today, transfer_consent=True)
            made += 1
    own = [p for p in postings if p.firm_id == employer.membership.firm_id]
    if own:
        _move_along(own[0], employer)
    _spread_over_past_weeks(datetime.now(UTC))
    return made


def _spread_over_past_weeks(now: datetime) -> None:
    """Date each application's history back over the last four weeks, a few days a stage.

    Everything above happens in the same second, which would give the dashboard a median
    of "0 minutes" in every stage; a programme a coordinator opens has weeks of history.
    The order of each application's events (their ids) is kept; the consent to the
    transfer goes back with the application, and an interview that led to an offer took
    place between the two.
    """
    db.session.flush()
    consents = {
        (c.user_id, c.posting_id): c
        for c in db.session.scalars(select(Consent).where(Consent.kind == "transfer"))
    }
    applications_made = db.session.scalars(select(Application).order_by(Application.id)).all()
    for i, application in enumerate(applications_made):
        at = now - timedelta(days=28 - i % 9, hours=(i * 7) % 24)
        application.created_at = at
        consent = consents.get((application.student.user_id, application.posting_id))
        if consent is not None:
            consent.given_at = at
        events = sorted(application.events, key=lambda e: e.id)
        for j, event in enumerate(events):
            if j:
                at += timedelta(days=1 + (i + j) % 4, hours=(i * 5 + j * 3) % 12)
            event.at = min(at, now)
        held = [e.at for e in events if e.to_status == "interview"]
        after = [e.at for e in events if e.to_status == "offered"]
        for interview in application.interviews if held and after else ():
            interview.starts_at = held[0] + (after[0] - held[0]) / 2


def _move_along(posting: Posting, employer: User) -> None:
    from web.services import ranking

    db.session.flush()
    ids = [a.student_id for a in posting.applications]
    order = [int(i) for i in ranking.score_students(posting, ids).ids]
    by_student = {a.student_id: a for a in posting.applications}
    for target, student_id in zip(WEBANK_STAGES, order, strict=False):
        application = by_student[student_id]
        if target == "rejected":
            stages.transition(
                application,
                "rejected",
                employer,
                role="employer",
                reason="skills",
                note="Another applicant matched better.",
            )
            continue
        stages.transition(application, "under_review", employer, role="employer")
        if target in ("shortlisted", "interview", "offered"):
            stages.transition(application, "shortlisted", employer, role="employer")
        if target in ("interview", "offered"):
            day = datetime.now(UTC).date() + timedelta(days=10)
            interviews.schedule(
                application,
                employer,
                starts_at=hong_kong_to_utc(day, time(10, 30)),
                duration_minutes=45,
                location="WeBank Building, 1 Xinghai Avenue, Qianhai, Shenzhen",
                details="Bring a short example of your Python work.",
            )
        if target == "offered":
            offers.make_offer(application, employer)
