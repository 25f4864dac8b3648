"""Accounts: one table for every role, with the role checked by the database."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from web.extensions import db
from web.models.base import TimestampMixin

if TYPE_CHECKING:
    from web.models.firms import EmployerMembership
    from web.models.students import StudentProfile

ROLES = ("student", "employer", "coordinator")


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('student', 'employer', 'coordinator')", name="role"),
        # Emails are stored folded so the unique constraint is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language pages and emails use for this person (en, zh_Hant_HK, zh_Hans_CN).
    locale: Mapped[str | None] = mapped_column(String(20))
    # None until the owner of the address follows the confirmation link we sent to it.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the session's user id: changing it (logout, password change) ends every
    # session that carries the old one, on every device.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: new_session_token())

    profile: Mapped[StudentProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    membership: Mapped[EmployerMembership | None] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="EmployerMembership.user_id",
    )

    @validates("email")
    def _fold_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login keeps this in the session cookie
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot log in
        return self.is_enabled

    @property
    def is_student(self) -> bool:
        return self.role == "student"

    @property
    def is_employer(self) -> bool:
        return self.role == "employer"

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"

    @property
    def is_approved_employer(self) -> bool:
        return (
            self.is_employer
            and self.membership is not None
            and self.membership.status == "approved"
        )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def normalise_email(value: str) -> str:
    return value.strip().lower()
