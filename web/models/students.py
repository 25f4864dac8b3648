"""Student profiles, their skills and their languages."""

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import TimestampMixin

if TYPE_CHECKING:
    from web.models.users import User


class StudentProfile(TimestampMixin, db.Model):
    __tablename__ = "student_profiles"
    __table_args__ = (
        CheckConstraint("year_of_study BETWEEN 1 AND 7", name="year_of_study"),
        CheckConstraint("graduation_year BETWEEN 2000 AND 2100", name="graduation_year"),
        CheckConstraint(
            "available_to IS NULL OR available_from IS NULL OR available_to > available_from",
            name="availability_order",
        ),
        # The matcher's index re-reads the profiles changed since it last looked.
        Index("ix_student_profiles_updated_at", "updated_at"),
        # Talent search reads the ids of the students who opted in: a fifth of the table.
        Index(
            "ix_student_profiles_discoverable",
            "id",
            postgresql_where=text("discoverable IS true"),
            sqlite_where=text("discoverable IS 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    university: Mapped[str | None] = mapped_column(String(20), index=True)
    programme: Mapped[str | None] = mapped_column(String(200))
    year_of_study: Mapped[int | None]
    graduation_year: Mapped[int | None]
    available_from: Mapped[date | None] = mapped_column(Date)
    available_to: Mapped[date | None] = mapped_column(Date)
    bio: Mapped[str | None] = mapped_column(Text)
    # Off by default: only the student can make a profile discoverable by employers.
    discoverable: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="profile")
    skills: Mapped[list[StudentSkill]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        order_by="(StudentSkill.level.desc(), StudentSkill.name)",
    )
    languages: Mapped[list[StudentLanguage]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        order_by="StudentLanguage.language",
    )

    @property
    def is_complete(self) -> bool:
        return bool(self.full_name and self.university and self.skills)


class StudentSkill(db.Model):
    """A skill as the student wrote it, with the matcher's key for it."""

    __tablename__ = "student_skills"
    __table_args__ = (
        UniqueConstraint("profile_id", "key"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100), index=True)
    level: Mapped[int]

    profile: Mapped[StudentProfile] = relationship(back_populates="skills")


class StudentLanguage(db.Model):
    __tablename__ = "student_languages"
    __table_args__ = (
        UniqueConstraint("profile_id", "language"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("student_profiles.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(40))
    level: Mapped[int]

    profile: Mapped[StudentProfile] = relationship(back_populates="languages")
