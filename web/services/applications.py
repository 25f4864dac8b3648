"""Applying, and the queries that list applications (stage changes: web/services/stages.py)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.formatting import firm_name
from web.models import Application, ApplicationEvent, Posting, StudentProfile
from web.services import consents
from web.services.notify import notify
from web.services.staff import firm_staff

# What the firm receives about an applicant: its shortlist, applicant page and exports
# show exactly these. The consent to the transfer names them, so keep them in step.
TRANSFERRED_DATA = (
    _l("your name"),
    _l("university"),
    _l("programme"),
    _l("year of study"),
    _l("skills"),
    _l("languages"),
    _l("availability"),
    _l("this cover note"),
    _l("your email address"),
)


class ApplicationError(ValueError):
    """An application that cannot be made or changed, with the reason for the user."""


class ConsentMissing(ApplicationError):
    """The student did not agree to send their data to the firm."""


def find(profile: StudentProfile | None, posting: Posting) -> Application | None:
    if profile is None:
        return None
    return db.session.scalar(
        select(Application).where(
            Application.student_id == profile.id, Application.posting_id == posting.id
        )
    )


def lock_student(profile_id: int) -> None:
    """Lock the student's profile row until the transaction ends (no-op on SQLite).

    Applying and accepting an offer both take it first, so that one student's
    applications and acceptances happen one after another, never across each other.
    """
    db.session.execute(
        select(StudentProfile.id).where(StudentProfile.id == profile_id).with_for_update()
    ).one()


def placement(profile: StudentProfile | None) -> Application | None:
    """The offer this student has accepted, if any: the programme places a student once."""
    if profile is None:
        return None
    return db.session.scalar(
        select(Application)
        .where(Application.student_id == profile.id, Application.status == "accepted")
        .options(selectinload(Application.posting).selectinload(Posting.firm))
        .limit(1)
    )


def apply(
    profile: StudentProfile,
    posting: Posting,
    cover_note: str,
    *,
    today: date,
    transfer_consent: bool,
) -> Application:
    """Create the application and record the consent to send the data to the firm.

    Every application is made here, so none reaches a firm in Shenzhen without a
    ``transfer`` consent naming that firm, recorded in the same transaction. The
    student's profile row is locked first, as accepting an offer locks it
    (web/services/offers.py): an application and an acceptance by one student cannot
    cross, so nobody applies on after taking a place. The database's unique constraint
    still settles a race between two identical applications.
    """
    if not transfer_consent:
        raise ConsentMissing(
            _("Agree to send your application to %(firm)s to apply.", firm=firm_name(posting.firm))
        )
    if not posting.accepts_applications(today):
        raise ApplicationError(_("This posting is no longer taking applications."))
    lock_student(profile.id)
    if find(profile, posting) is not None:
        raise ApplicationError(_("You have already applied to this internship."))
    placed = placement(profile)
    if placed is not None:
        raise ApplicationError(
            _(
                "You have accepted a place as %(posting)s at %(firm)s, so you cannot apply for "
                "other internships. If your plans change, contact the programme office.",
                firm=firm_name(placed.posting.firm),
                posting=placed.posting.title,
            )
        )
    application = Application(
        student_id=profile.id, posting_id=posting.id, cover_note=cover_note.strip()
    )
    application.events.append(ApplicationEvent(actor_id=profile.user_id, to_status="submitted"))
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError as exc:
        raise ApplicationError(_("You have already applied to this internship.")) from exc
    consents.give(profile.user, "transfer", firm=posting.firm, posting=posting)
    link = url_for("employer.application", application_id=application.id)
    for member in firm_staff(posting.firm_id):
        notify(
            member,
            "new_applicant",
            link=link,
            student=profile.full_name or profile.user.email,
            posting=posting.title,
        )
    return application


def stages_by_posting(profile: StudentProfile) -> dict[int, str]:
    """posting id -> the stage of this student's application to it, in one query."""
    rows = db.session.execute(
        select(Application.posting_id, Application.status).where(
            Application.student_id == profile.id
        )
    )
    return dict(rows.tuples().all())


def for_student_query(profile: StudentProfile) -> Select[tuple[Application]]:
    return (
        select(Application)
        .where(Application.student_id == profile.id)
        .options(
            selectinload(Application.posting).selectinload(Posting.firm),
            selectinload(Application.interviews),
        )
        .order_by(Application.created_at.desc(), Application.id.desc())
    )


def owned_by_student(application_id: int, profile: StudentProfile) -> Application | None:
    """An application, only if it belongs to this student (else None: a 404, not a leak)."""
    return db.session.scalar(
        select(Application)
        .where(Application.id == application_id, Application.student_id == profile.id)
        .options(
            selectinload(Application.posting).selectinload(Posting.firm),
            selectinload(Application.events),
            selectinload(Application.interviews),
        )
    )
