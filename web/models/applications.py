"""Applications, one per student and posting, with the history of their stages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import TimestampMixin, utcnow

if TYPE_CHECKING:
    from web.models.hiring import ApplicantNote, Interview
    from web.models.postings import Posting
    from web.models.students import StudentProfile
    from web.models.users import User

APPLICATION_STATUSES = (
    "submitted",
    "under_review",
    "shortlisted",
    "interview",
    "offered",
    "accepted",
    "declined",
    "rejected",
    "withdrawn",
)
# Stages after which nothing more happens to an application.
CLOSED_STATUSES = ("accepted", "declined", "rejected", "withdrawn")
_STATUS_SQL = ", ".join(f"'{s}'" for s in APPLICATION_STATUSES)
REJECTION_REASONS = (
    "skills",
    "experience",
    "language",
    "availability",
    "position_filled",
    "not_eligible",
    "other",
)


class Application(TimestampMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("student_id", "posting_id"),
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status"),
        Index("ix_applications_posting_status", "posting_id", "status"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 4", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once the student deleted their account: the anonymised record keeps firms'
    # statistics right while nothing in it points to a person.
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="SET NULL"), index=True
    )
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    cover_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    # The firm's private assessment, never shown to the student.
    rating: Mapped[int | None]
    rejection_reason: Mapped[str | None] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(default=1)
    # Optimistic locking: a change made on a stale copy fails instead of silently
    # overwriting another employer's change.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    student: Mapped[StudentProfile | None] = relationship()
    posting: Mapped[Posting] = relationship(back_populates="applications")
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationEvent.at",
    )
    notes: Mapped[list[ApplicantNote]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicantNote.created_at.desc()"
    )
    interviews: Mapped[list[Interview]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="Interview.starts_at",
    )

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class ApplicationEvent(db.Model):
    """One change of stage: who, when, from, to."""

    __tablename__ = "application_events"
    __table_args__ = (
        # An application's history in order (its page, the dashboard's time in each stage).
        Index("ix_application_events_application_at", "application_id", "at", "id"),
        # Deleting an account sets actor_id to NULL: without it, a scan of every event.
        Index("ix_application_events_actor_id", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
