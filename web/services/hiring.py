"""What a firm does with its applicants: look one up, private notes, rating, bulk moves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import (
    ApplicantNote,
    Application,
    ApplicationEvent,
    Posting,
    StudentProfile,
    User,
)
from web.services.applications import ApplicationError
from web.services.rounds import check_offers_allowed
from web.services.stages import (
    EMPLOYER,
    StageError,
    StaleApplication,
    flush,
    stale_message,
    student_name,
    transition,
)

RATING_RANGE = range(1, 5)


def for_firm(application_id: int, firm_id: int) -> Application | None:
    """An application to one of the firm's postings, with all the page shows (else None).

    An anonymised application (its student deleted their account) is None too: it only
    counts in the firm's figures, there is nobody left to review.
    """
    return db.session.scalar(
        select(Application)
        .join(Posting, Posting.id == Application.posting_id)
        .where(
            Application.id == application_id,
            Posting.firm_id == firm_id,
            Application.student_id.is_not(None),
        )
        .options(
            selectinload(Application.posting).selectinload(Posting.skills),
            selectinload(Application.posting).selectinload(Posting.languages),
            selectinload(Application.posting).selectinload(Posting.firm),
            selectinload(Application.student).selectinload(StudentProfile.skills),
            selectinload(Application.student).selectinload(StudentProfile.languages),
            selectinload(Application.student).selectinload(StudentProfile.user),
            selectinload(Application.events).selectinload(ApplicationEvent.actor),
            selectinload(Application.notes).selectinload(ApplicantNote.author),
            selectinload(Application.interviews),
        )
    )


def add_note(application: Application, author: User, body: str) -> ApplicantNote:
    """A private note by the firm's staff; it never reaches the student."""
    body = body.strip()
    if not body:
        raise ApplicationError(_("Write something in the note first."))
    note = ApplicantNote(application_id=application.id, author_id=author.id, body=body)
    db.session.add(note)
    db.session.flush()
    return note


def rate(application: Application, rating: int | None) -> None:
    """The firm's private 1–4 rating (None clears it)."""
    if rating is not None and rating not in RATING_RANGE:
        raise ApplicationError(_("A rating is from 1 to 4."))
    application.rating = rating
    flush(student_name(application))


@dataclass(frozen=True)
class Selected:
    """A row ticked on the shortlist, with the version the employer saw."""

    application_id: int
    version: int | None = None

    @classmethod
    def parse(cls, value: str) -> Selected | None:
        """``"12:3"`` (id and version) or ``"12"``; None for anything else."""
        head, _sep, tail = value.partition(":")
        if not _small_number(head) or (tail and not _small_number(tail)):
            return None
        return cls(int(head), int(tail) if tail else None)


def _small_number(text: str) -> bool:
    """ASCII digits only ("²" is a digit to str.isdigit), and small enough for SQL."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def bulk_transition(
    posting: Posting,
    selected: Sequence[Selected],
    to_status: str,
    actor: User,
    *,
    reason: str | None = None,
    note: str = "",
) -> list[Application]:
    """Move (or reject) several applicants at once: all of them, or none (the caller rolls back).

    Raises ``ApplicationError`` naming the first applicant whose move is not allowed or
    whose application changed since the employer loaded the shortlist.
    """
    if not selected:
        raise ApplicationError(_("Select at least one applicant."))
    if to_status == "offered":
        check_offers_allowed(posting)  # an allocation round gives this posting's places
    found = {
        a.id: a
        for a in db.session.scalars(
            select(Application)
            .where(
                Application.id.in_([s.application_id for s in selected]),
                Application.posting_id == posting.id,
                Application.student_id.is_not(None),  # anonymised: not on the shortlist
            )
            .options(
                selectinload(Application.student).selectinload(StudentProfile.user),
                selectinload(Application.posting).selectinload(Posting.firm),
            )
        )
    }
    moved = []
    for choice in selected:
        application = found.get(choice.application_id)
        if application is None:
            raise ApplicationError(
                _("One of the selected applications is not on this shortlist. Nothing was changed.")
            )
        name = student_name(application)
        try:
            transition(
                application,
                to_status,
                actor,
                role=EMPLOYER,
                reason=reason,
                note=note,
                expected_version=choice.version,
            )
        except StaleApplication as exc:
            raise StaleApplication(stale_message(name)) from exc
        except StageError as exc:
            raise StageError(f"{exc} {_('Nothing was changed.')}") from exc
        moved.append(application)
    return moved
