"""Internship postings with their skill and language requirements."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import TimestampMixin

if TYPE_CHECKING:
    from web.models.applications import Application
    from web.models.firms import Firm

POSTING_STATUSES = ("draft", "open", "closed")
SKILL_KINDS = ("required", "preferred")


class Posting(TimestampMixin, db.Model):
    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="date_order"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint(
            "review_status IN ('pending', 'approved', 'returned')", name="review_status"
        ),
        Index("ix_postings_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int]
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the programme requires it, students see a posting only once it is approved.
    review_status: Mapped[str] = mapped_column(String(10), default="approved", index=True)
    review_comment: Mapped[str | None] = mapped_column(Text)

    firm: Mapped[Firm] = relationship(back_populates="postings")
    skills: Mapped[list[PostingSkill]] = relationship(
        back_populates="posting",
        cascade="all, delete-orphan",
        order_by="(PostingSkill.kind.desc(), PostingSkill.id)",
    )
    languages: Mapped[list[PostingLanguage]] = relationship(
        back_populates="posting", cascade="all, delete-orphan", order_by="PostingLanguage.id"
    )
    applications: Mapped[list[Application]] = relationship(back_populates="posting")

    @property
    def required_skills(self) -> list[PostingSkill]:
        return [s for s in self.skills if s.kind == "required"]

    @property
    def preferred_skills(self) -> list[PostingSkill]:
        return [s for s in self.skills if s.kind == "preferred"]

    @property
    def is_visible(self) -> bool:
        """Whether students can see it: open or closed (not draft), and approved."""
        return self.status != "draft" and self.review_status == "approved"

    def accepts_applications(self, today: date) -> bool:
        """Open postings take applications up to and including the deadline day."""
        return (
            self.status == "open"
            and self.review_status == "approved"
            and (self.deadline is None or today <= self.deadline)
        )

    def __repr__(self) -> str:
        return f"<Posting {self.ref}>"


class PostingSkill(db.Model):
    __tablename__ = "posting_skills"
    __table_args__ = (
        UniqueConstraint("posting_id", "key"),
        CheckConstraint("min_level BETWEEN 1 AND 5", name="min_level"),
        CheckConstraint("kind IN ('required', 'preferred')", name="kind"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    min_level: Mapped[int] = mapped_column(default=1)
    weight: Mapped[float] = mapped_column(default=1.0)

    posting: Mapped[Posting] = relationship(back_populates="skills")


class PostingLanguage(db.Model):
    __tablename__ = "posting_languages"
    __table_args__ = (
        UniqueConstraint("posting_id", "language"),
        CheckConstraint("min_level BETWEEN 1 AND 5", name="min_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(
        ForeignKey("postings.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(40))
    min_level: Mapped[int] = mapped_column(default=1)

    posting: Mapped[Posting] = relationship(back_populates="languages")
