"""A student's rights over their data: discovery on or off, a copy of it all, erasure.

Discovery is a consent of its own (web/services/consents.py): turning it on records one,
turning it off withdraws it; the profile's ``discoverable`` flag follows. The export is
what Talent Bridge holds about the student, as JSON. Deleting an account removes the
person and keeps their applications as anonymised records, so that firms' and the
programme's figures stay right while nothing left points to anyone. Services flush;
the view commits, so a failure anywhere leaves everything as it was.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import (
    AllocationRound,
    Application,
    AuditEntry,
    Consent,
    Notification,
    OutboxMessage,
    Posting,
    RoundChoice,
    RoundRanking,
    RoundResult,
    StudentProfile,
    User,
)
from web.services import audit, consents
from web.services.interviews import as_utc

CONSENT_LABELS = {
    "collection": _l("Collection of my personal information"),
    "transfer": _l("Sending my application to a firm in Shenzhen"),
    "discovery": _l("Being found by employers in talent search"),
}


class PrivacyError(ValueError):
    """A request the student must correct, with the form field it concerns."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


# -- discovery -----------------------------------------------------------------------------


def set_discovery(user: User, profile: StudentProfile, on: bool) -> bool:
    """Opt in to talent search (a new consent) or out (withdrawn); True if anything changed."""
    active = consents.active(user, "discovery")
    if on:
        if profile.discoverable and active:
            return False
        if not active:
            consents.give(user, "discovery")
        profile.discoverable = True
    else:
        if not profile.discoverable and not active:
            return False
        consents.withdraw(user, "discovery")
        profile.discoverable = False
    db.session.flush()
    return True


def consent_label(kind: str) -> str:
    return str(CONSENT_LABELS.get(kind, kind))


# -- export --------------------------------------------------------------------------------


def _moment(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_data(user: User, *, now: datetime) -> dict[str, Any]:
    """Everything held about the student, as JSON-ready data (times in UTC, ISO 8601).

    Left out on purpose: the firms' private rating and notes on an applicant, the
    reason a firm gave for a rejection and the notes firms wrote on stage changes. They
    are the firm's own working assessment, kept with the firm and the programme and
    never shown to the student (see the README's hiring rules); the export holds what
    the student gave, what they were shown and what was recorded about their choices.
    """
    profile = user.profile
    return {
        "exported_at": _moment(now),
        "account": {
            "id": user.id,
            "email": user.email,
            "role": user.role,
            "created_at": _moment(user.created_at),
            "email_verified_at": _moment(user.email_verified_at),
            "last_login_at": _moment(user.last_login_at),
        },
        "profile": _profile_data(profile) if profile else None,
        "skills": [{"name": s.name, "level": s.level} for s in profile.skills] if profile else [],
        "languages": (
            [{"language": lang.language, "level": lang.level} for lang in profile.languages]
            if profile
            else []
        ),
        "applications": _applications_data(user, profile) if profile else [],
        "consents": [_consent_data(c) for c in consents.history(user)],
        "notifications": _notifications_data(user),
        "round_choices": _round_choices_data(profile) if profile else [],
    }


def _profile_data(profile: StudentProfile) -> dict[str, Any]:
    return {
        "full_name": profile.full_name,
        "university": profile.university,
        "programme": profile.programme,
        "year_of_study": profile.year_of_study,
        "graduation_year": profile.graduation_year,
        "available_from": _day(profile.available_from),
        "available_to": _day(profile.available_to),
        "bio": profile.bio,
        "discoverable": profile.discoverable,
        "created_at": _moment(profile.created_at),
        "updated_at": _moment(profile.updated_at),
    }


def _applications_data(user: User, profile: StudentProfile) -> list[dict[str, Any]]:
    applications = db.session.scalars(
        select(Application)
        .where(Application.student_id == profile.id)
        .options(
            selectinload(Application.posting).selectinload(Posting.firm),
            selectinload(Application.events),
            selectinload(Application.interviews),
        )
        .order_by(Application.created_at, Application.id)
    )
    return [
        {
            "id": a.id,
            "posting": {"ref": a.posting.ref, "title": a.posting.title},
            "firm": {"name": a.posting.firm.name, "name_zh": a.posting.firm.name_zh},
            "status": a.status,
            "cover_note": a.cover_note,
            "applied_at": _moment(a.created_at),
            "updated_at": _moment(a.updated_at),
            "history": [
                {
                    "at": _moment(e.at),
                    "from": e.from_status,
                    "to": e.to_status,
                    # Only the student's own notes (as on their application page).
                    "note": e.note if e.actor_id == user.id else None,
                }
                for e in a.events
            ],
            "interviews": [
                {
                    "starts_at": _moment(i.starts_at),
                    "duration_minutes": i.duration_minutes,
                    "location": i.location,
                    "details": i.details,
                }
                for i in a.interviews
            ],
        }
        for a in applications
    ]


def _consent_data(consent: Consent) -> dict[str, Any]:
    return {
        "kind": consent.kind,
        "text_version": consent.text_version,
        "firm": consent.firm.name if consent.firm else None,
        "posting": consent.posting.ref if consent.posting else None,
        "given_at": _moment(consent.given_at),
        "withdrawn_at": _moment(consent.withdrawn_at),
    }


def _notifications_data(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    )
    return [
        {
            "kind": n.kind,
            "params": n.params,
            "link": n.link,
            "created_at": _moment(n.created_at),
            "read_at": _moment(n.read_at),
        }
        for n in rows
    ]


def _round_choices_data(profile: StudentProfile) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(AllocationRound.name, Posting.ref, Posting.title, RoundChoice.position)
        .join(AllocationRound, AllocationRound.id == RoundChoice.round_id)
        .join(Posting, Posting.id == RoundChoice.posting_id)
        .where(RoundChoice.student_id == profile.id)
        .order_by(AllocationRound.id, RoundChoice.position)
    )
    return [
        {"round": name, "posting": {"ref": ref, "title": title}, "position": position}
        for name, ref, title, position in rows
    ]


# -- deletion ------------------------------------------------------------------------------


def check_deletion(user: User, *, password: str, confirmation: str) -> None:
    """Raise ``PrivacyError`` unless the password is right and the email typed again."""
    if not user.check_password(password):
        raise PrivacyError(_("That is not your password. Nothing was deleted."), "password")
    if confirmation.strip().lower() != user.email:
        raise PrivacyError(
            _("Type your email address exactly to confirm. Nothing was deleted."), "confirm"
        )


def delete_account(user: User, *, password: str, confirmation: str) -> dict[str, int]:
    """Erase a student account in the caller's transaction; returns what was removed, counted.

    The applications stay, anonymised: no student, no cover note, no rating, the firm's
    notes, interviews and history notes removed; stage and dates kept, so firms' and the
    programme's figures stay right. Every row is removed by name rather than left to the
    foreign keys' cascades, which SQLite applies only when told to. Mail to the address
    goes too, sent or not: a log of messages to a deleted person serves nobody.
    """
    check_deletion(user, password=password, confirmation=confirmation)
    profile = user.profile
    counts = {"applications": 0, "round_rows": 0}
    if profile is not None:
        counts["applications"] = _anonymise_applications(user, profile)
        counts["round_rows"] = _delete_round_rows(profile)
    counts["consents"] = _delete_where(Consent, Consent.user_id == user.id)
    counts["notifications"] = _delete_where(Notification, Notification.user_id == user.id)
    counts["emails"] = _delete_where(OutboxMessage, OutboxMessage.to_email == user.email)
    db.session.execute(
        update(AuditEntry).where(AuditEntry.actor_id == user.id).values(actor_id=None)
    )
    # Ids and counts only: the log outlives the person it must not identify.
    audit.record(None, "account.deleted", user, role=user.role, **counts)
    _delete_user(user)
    db.session.flush()
    return counts


def _anonymise_applications(user: User, profile: StudentProfile) -> int:
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.student_id == profile.id)
            .options(
                selectinload(Application.events),
                selectinload(Application.notes),
                selectinload(Application.interviews),
            )
        )
    )
    for application in applications:
        application.student_id = None
        application.cover_note = ""
        application.rating = None
        application.notes.clear()
        application.interviews.clear()
        for event in application.events:
            event.note = None
            if event.actor_id == user.id:
                event.actor_id = None
    _forget_name_in_firm_notices([a.id for a in applications])
    db.session.flush()
    return len(applications)


def _forget_name_in_firm_notices(application_ids: list[int]) -> None:
    """The firm's notifications about these applications no longer name the student."""
    if not application_ids:
        return
    links = [url_for("employer.application", application_id=i) for i in application_ids]
    for notification in db.session.scalars(
        select(Notification).where(Notification.link.in_(links))
    ):
        if "student" in notification.params:
            notification.params = {**notification.params, "student": _("(deleted account)")}


def _delete_round_rows(profile: StudentProfile) -> int:
    """The student's rank lists, the employers' positions for them and their results."""
    return sum(
        _delete_where(model, model.student_id == profile.id)
        for model in (RoundChoice, RoundRanking, RoundResult)
    )


def _delete_where(model: type, *where: Any) -> int:
    result = db.session.execute(
        delete(model).where(*where).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _delete_user(user: User) -> None:
    """The user, and with them (ORM cascades) the profile, its skills and its languages."""
    db.session.delete(user)
