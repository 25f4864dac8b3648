"""The posting review queue: what publishing does, and the coordinator's decision.

When the programme requires review (``settings.REVIEW_POSTINGS``), every publication of a
posting, and every later edit of a published one, puts it in ``review_status`` 'pending':
students do not see it until a coordinator approves it. Without review, publishing
approves it at once. Imported postings never pass through here and keep the column's
default, 'approved'.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import Posting, User
from web.services import audit, settings
from web.services.notify import notify
from web.services.staff import firm_staff


class ReviewError(ValueError):
    """A decision that cannot be made, with the reason for the coordinator."""


def required() -> bool:
    """Whether postings must be approved before students see them."""
    return settings.get(settings.REVIEW_POSTINGS)


def publish(posting: Posting, *, open_it: bool = True) -> None:
    """Record that the employer saved a posting; opens a draft when ``open_it``.

    A published posting (open or closed) goes to the queue when review is required, so
    an approved posting that is edited is hidden again until it is re-approved. Drafts
    are nobody's business but the firm's, so saving one changes nothing here.
    """
    if open_it and posting.status == "draft":
        posting.status = "open"
    if posting.status == "draft":
        return
    posting.review_status = "pending" if required() else "approved"
    posting.review_comment = None


def set_status(posting: Posting, status: str) -> None:
    """Open or close a posting; opening a draft is publishing it."""
    if status == "open" and posting.status == "draft":
        publish(posting)
    else:
        posting.status = status


def pending_query() -> Select[tuple[Posting]]:
    """Postings waiting for a decision, the longest-waiting first."""
    return (
        select(Posting)
        .where(Posting.review_status == "pending")
        .options(selectinload(Posting.firm), selectinload(Posting.skills))
        .order_by(Posting.updated_at, Posting.id)
    )


def pending_count() -> int:
    return (
        db.session.scalar(select(func.count(Posting.id)).where(Posting.review_status == "pending"))
        or 0
    )


def approve(posting: Posting, by: User) -> None:
    """Make a pending posting visible to students and tell the firm."""
    _decide(posting, "approved", None)
    audit.record(by, "posting.approved", posting, ref=posting.ref)
    _tell_firm(posting, "posting_approved")


def send_back(posting: Posting, comment: str, by: User) -> None:
    """Return a pending posting to its firm with a comment saying what to change."""
    comment = comment.strip()
    if not comment:
        raise ReviewError(_("Say what the firm should change before returning a posting."))
    _decide(posting, "returned", comment)
    audit.record(by, "posting.returned", posting, ref=posting.ref, comment=comment)
    _tell_firm(posting, "posting_returned", comment=comment)


def _decide(posting: Posting, outcome: str, comment: str | None) -> None:
    """Change the state only if it is still pending, so two coordinators cannot both decide."""
    result = db.session.execute(
        update(Posting)
        .where(Posting.id == posting.id, Posting.review_status == "pending")
        .values(review_status=outcome, review_comment=comment)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        db.session.refresh(posting)
        raise ReviewError(_("Posting %(ref)s is no longer waiting for review.", ref=posting.ref))


def _tell_firm(posting: Posting, kind: str, **params: str) -> None:
    """Notify every approved employer of the posting's firm."""
    link = url_for("employer.applicants", posting_id=posting.id)
    title = f"{posting.title} ({posting.ref})"
    for user in firm_staff(posting.firm_id):
        notify(user, kind, link=link, posting=title, **params)
