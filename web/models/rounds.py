"""Programme allocation rounds: the postings in a round, both sides' rank lists, the result.

A round is a clearinghouse match: students rank the round's postings they applied to,
employers rank their applicants, and deferred acceptance (matching/allocation.py)
allocates the places. The result rows are written by a preview (seen by coordinators
only) and replaced by the published result.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import TimestampMixin

if TYPE_CHECKING:
    from web.models.postings import Posting
    from web.models.students import StudentProfile
    from web.models.users import User

ROUND_STATUSES = ("draft", "open", "closed", "published")
# Rounds whose postings make offers only through the round.
ACTIVE_ROUND_STATUSES = ("open", "closed")
MAX_CHOICES_LIMIT = 20


class AllocationRound(TimestampMixin, db.Model):
    __tablename__ = "allocation_rounds"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed', 'published')", name="status"),
        CheckConstraint("phase IN (1, 2)", name="phase"),
        CheckConstraint(f"max_choices BETWEEN 1 AND {MAX_CHOICES_LIMIT}", name="max_choices"),
        CheckConstraint("closes_at > opens_at", name="window_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    phase: Mapped[int] = mapped_column(default=1)
    # The phase-1 round a phase-2 round continues.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("allocation_rounds.id", ondelete="SET NULL")
    )
    max_choices: Mapped[int] = mapped_column(default=5)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    results_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    previewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    postings: Mapped[list[RoundPosting]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundPosting.id"
    )
    parent: Mapped[AllocationRound | None] = relationship(remote_side=[id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    def __repr__(self) -> str:
        return f"<AllocationRound {self.id} {self.status}>"


class RoundPosting(db.Model):
    """A posting taking part in a round; ``places`` as of the latest preview or publish."""

    __tablename__ = "round_postings"
    __table_args__ = (UniqueConstraint("round_id", "posting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True
    )
    places: Mapped[int | None]
    # When an employer last saved the ranking of the posting's applicants (None: the
    # matcher's order is used as it is).
    ranked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ranked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[AllocationRound] = relationship(back_populates="postings")
    posting: Mapped[Posting] = relationship()


class RoundChoice(db.Model):
    """One line of a student's rank list: the posting at ``position`` (1 = most wanted)."""

    __tablename__ = "round_choices"
    __table_args__ = (
        UniqueConstraint("round_id", "student_id", "position"),
        UniqueConstraint("round_id", "student_id", "posting_id"),
        CheckConstraint("position >= 1", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    position: Mapped[int]

    posting: Mapped[Posting] = relationship()


class RoundRanking(db.Model):
    """An employer's position for one applicant of one posting, or "not acceptable"."""

    __tablename__ = "round_rankings"
    __table_args__ = (
        UniqueConstraint("round_id", "posting_id", "student_id"),
        CheckConstraint("position >= 1", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"))
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    acceptable: Mapped[bool] = mapped_column(default=True)


class RoundResult(db.Model):
    """Where a student of the round ends up (``posting_id`` None: not placed)."""

    __tablename__ = "round_results"
    __table_args__ = (
        UniqueConstraint("round_id", "student_id"),
        Index("ix_round_results_round_posting", "round_id", "posting_id"),
        CheckConstraint("choice IS NULL OR choice >= 1", name="choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    # The position of the posting in the student's rank list (1: first choice).
    choice: Mapped[int | None]

    student: Mapped[StudentProfile] = relationship()
    posting: Mapped[Posting | None] = relationship()
