"""Applying, and the queries that list applications (stage changes: web/services/stages.py)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import Application, ApplicationEvent, Posting, StudentProfile
from web.services.notify import notify
from web.services.staff import firm_staff


class ApplicationError(ValueError):
    """An application that cannot be made or changed, with the reason for the user."""


def find(profile: StudentProfile | None, posting: Posting) -> Application | None:
    if profile is None:
        return None
    return db.session.scalar(
        select(Application).where(
            Application.student_id == profile.id, Application.posting_id == posting.id
        )
    )


def apply(
    profile: StudentProfile, posting: Posting, cover_note: str, *, today: date
) -> Application:
    """Create the application; the database's unique constraint settles any race."""
    if not posting.accepts_applications(today):
        raise ApplicationError(_("This posting is no longer taking applications."))
    if find(profile, posting) is not None:
        raise ApplicationError(_("You have already applied to this internship."))
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
