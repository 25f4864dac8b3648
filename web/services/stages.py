"""The stages of an application: who may move it where, and the one function that does.

Every change of stage goes through :func:`transition`, so each one is checked against
the same rules, kept in the history (who, when, from, to, note), written to the audit
log and told to the other side, all in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from web.extensions import db
from web.formatting import status_label
from web.models import REJECTION_REASONS, Application, ApplicationEvent, User
from web.services import audit
from web.services.applications import ApplicationError
from web.services.notify import notify
from web.services.staff import firm_staff

EMPLOYER = "employer"
STUDENT = "student"

# The open stages, in the order an employer moves an application through them.
PIPELINE = ("submitted", "under_review", "shortlisted", "interview", "offered")

# role -> from stage -> the stages that role may move it to. Employers move forward
# (skipping stages is allowed: an obvious fit may go straight to interview) and may
# reject at any open stage, even after an offer (the offer is then withdrawn by the
# firm); only the student accepts or declines an offer, and only the student withdraws.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    EMPLOYER: {stage: (*PIPELINE[i + 1 :], "rejected") for i, stage in enumerate(PIPELINE)},
    STUDENT: {
        stage: ("accepted", "declined", "withdrawn") if stage == "offered" else ("withdrawn",)
        for stage in PIPELINE
    },
}

REJECTION_REASON_LABELS = {
    "skills": _l("Skills do not match the role"),
    "experience": _l("Not enough relevant experience"),
    "language": _l("Language requirements not met"),
    "availability": _l("Not available for the internship dates"),
    "position_filled": _l("The places are filled"),
    "not_eligible": _l("Not eligible for the programme"),
    "other": _l("Another reason"),
}
assert tuple(REJECTION_REASON_LABELS) == REJECTION_REASONS

# What the other side hears about a change: the kind in web/services/messages.py.
_STUDENT_HEARS = {"offered": "offer_made", "rejected": "rejected"}
_FIRM_HEARS = {
    "accepted": "offer_accepted",
    "declined": "offer_declined",
    "withdrawn": "application_withdrawn",
}


class StageError(ApplicationError):
    """A change the rules do not allow."""


class StaleApplication(ApplicationError):
    """Someone else changed the application since the page was loaded."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Someone else changed this application in the meantime. Nothing was "
                "changed: reload the page and try again."
            )
        )


def allowed(role: str, from_status: str) -> tuple[str, ...]:
    """The stages ``role`` may move an application at ``from_status`` to."""
    return TRANSITIONS[role].get(from_status, ())


def rejection_reason_label(reason: str | None) -> str:
    return str(REJECTION_REASON_LABELS.get(reason, reason or "")) if reason else ""


def check(
    application: Application, to_status: str, *, role: str, expected_version: int | None = None
) -> None:
    """Raise if the move is not allowed or the caller's copy of the application is stale."""
    check_version(application, expected_version)
    if to_status not in allowed(role, application.status):
        raise StageError(
            _(
                "%(name)s’s application is at the stage “%(stage)s” and cannot be moved "
                "to “%(target)s”.",
                name=student_name(application),
                stage=status_label(application.status),
                target=status_label(to_status),
            )
        )


def check_version(application: Application, expected_version: int | None) -> None:
    """Raise ``StaleApplication`` if the application changed since the user saw it."""
    if expected_version is not None and application.version != expected_version:
        raise StaleApplication()


def transition(
    application: Application,
    to_status: str,
    actor: User,
    *,
    role: str,
    note: str = "",
    reason: str | None = None,
    expected_version: int | None = None,
    announce: str | None = "default",
) -> ApplicationEvent:
    """Move an application to ``to_status``, keeping history and audit, telling the other side.

    Parameters
    ----------
    role
        ``"employer"`` or ``"student"``: whose rules apply (see ``TRANSITIONS``).
    reason
        One of ``REJECTION_REASONS``; required when rejecting.
    expected_version
        The version the user saw; a different current version raises ``StaleApplication``.
    announce
        The notification kind to send instead of the usual one, or ``None`` for none
        (the caller tells the other side itself, e.g. with the interview's details).
    """
    with db.session.no_autoflush:  # one flush at the end, where a lost race is caught
        check(application, to_status, role=role, expected_version=expected_version)
        name = student_name(application)  # read now: after a failed flush nothing can be loaded
        if to_status == "rejected":
            if reason not in REJECTION_REASONS:
                raise StageError(_("Choose a reason for the rejection."))
            application.rejection_reason = reason
        event = ApplicationEvent(
            actor_id=actor.id,
            from_status=application.status,
            to_status=to_status,
            note=note.strip() or None,
        )
        application.events.append(event)
        audit.record(
            actor,
            "application.stage_changed",
            application,
            from_status=application.status,
            to_status=to_status,
            reason=reason,
        )
        application.status = to_status
        if announce == "default":
            announce = default_announcement(to_status, role)
        if announce is not None:
            tell_other_side(application, announce, role=role, stage=to_status)
    flush(name)
    return event


def default_announcement(to_status: str, role: str) -> str:
    if role == EMPLOYER:
        return _STUDENT_HEARS.get(to_status, "stage_changed")
    return _FIRM_HEARS[to_status]


def tell_other_side(application: Application, kind: str, *, role: str, **extra: Any) -> None:
    """Notify the student of the firm's moves, or the firm's approved staff of the student's."""
    posting = application.posting
    params = {
        "student": student_name(application),
        "posting": posting.title,
        "firm": posting.firm,  # both names; each reader sees theirs
        **extra,
    }
    if role == EMPLOYER:
        if application.student is None:  # nobody left to tell
            return
        link = url_for("student.application", application_id=application.id)
        notify(application.student.user, kind, link=link, **params)
        return
    link = url_for("employer.application", application_id=application.id)
    for member in firm_staff(posting.firm_id):
        notify(member, kind, link=link, **params)


def withdraw(
    application: Application, student: User, *, expected_version: int | None = None
) -> ApplicationEvent:
    """The student withdraws an open application; the firm is told."""
    if not application.is_open:
        raise StageError(_("This application is already closed."))
    return transition(
        application, "withdrawn", student, role=STUDENT, expected_version=expected_version
    )


def flush(name: str | None = None) -> None:
    """Flush, turning a lost optimistic-locking race into a message for the user."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleApplication(stale_message(name) if name else None) from exc


def stale_message(name: str) -> str:
    return _(
        "Someone else changed %(name)s’s application in the meantime. Nothing was changed: "
        "reload the page and try again.",
        name=name,
    )


def student_name(application: Application) -> str:
    student = application.student
    if student is None:  # the student deleted their account; the record is anonymous
        return _("(deleted account)")
    return student.full_name or student.user.email
