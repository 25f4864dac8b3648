"""Firms and the employer accounts that act for them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import TimestampMixin

if TYPE_CHECKING:
    from web.models.postings import Posting
    from web.models.users import User

MEMBERSHIP_STATUSES = ("pending", "approved", "rejected")


class Firm(TimestampMixin, db.Model):
    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_zh: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(300))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    description: Mapped[str | None] = mapped_column(Text)

    postings: Mapped[list[Posting]] = relationship(back_populates="firm")
    members: Mapped[list[EmployerMembership]] = relationship(back_populates="firm")

    def __repr__(self) -> str:
        return f"<Firm {self.name}>"


class EmployerMembership(TimestampMixin, db.Model):
    """An employer account's link to its firm; approval by a coordinator unlocks the portal."""

    __tablename__ = "employer_memberships"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    job_title: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="membership", foreign_keys=[user_id])
    firm: Mapped[Firm] = relationship(back_populates="members")
