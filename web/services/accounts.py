"""Creating accounts, logging in, and deciding on employers."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import has_request_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import generate_password_hash

from web.extensions import db
from web.models import Consent, EmployerMembership, Firm, Notification, StudentProfile, User
from web.models.base import utcnow
from web.models.users import normalise_email
from web.services import audit, confirmation, consents
from web.services.notify import notify


class AccountError(ValueError):
    """A request that cannot be carried out, with a message for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(email: str) -> bool:
    return find_user(email) is not None


def page_locale() -> str | None:
    """The language of the page being served, or None outside a request (command line)."""
    return str(get_locale()) if has_request_context() else None


def create_user(email: str, password: str | None, role: str, *, confirmed: bool = False) -> User:
    """A new account; ``confirmed`` when whoever creates it vouches for the address
    (the command line, the demo), otherwise the owner confirms it from an email link."""
    user = User(email=email, role=role, email_verified_at=utcnow() if confirmed else None)
    user.locale = page_locale()  # emails to them use the language they signed up in
    if password is not None:
        user.set_password(password)
    db.session.add(user)
    return user


def new_profile(full_name: str) -> StudentProfile:
    return StudentProfile(full_name=full_name.strip())


def register_student(email: str, password: str, full_name: str) -> User:
    user = create_user(email, password, "student")
    user.profile = new_profile(full_name)
    db.session.flush()
    return user


def find_firm_by_name(name: str) -> Firm | None:
    return db.session.scalar(select(Firm).where(func.lower(Firm.name) == name.strip().lower()))


def register_employer(
    email: str,
    password: str,
    *,
    firm_id: int | None,
    new_firm_name: str = "",
    new_firm_name_zh: str = "",
    job_title: str = "",
) -> User:
    """An employer joins an existing firm or proposes a new one; both wait for approval."""
    if firm_id:
        firm = check_firm_choice(firm_id)
    else:
        existing = find_firm_by_name(new_firm_name)
        if existing is not None:
            firm = existing
        else:
            firm = Firm(
                name=new_firm_name.strip(),
                name_zh=new_firm_name_zh.strip() or None,
                city="Shenzhen",
            )
            db.session.add(firm)
    user = create_user(email, password, "employer")
    user.membership = EmployerMembership(firm=firm, job_title=job_title.strip() or None)
    db.session.flush()
    return user


def check_firm_choice(firm_id: int) -> Firm:
    firm = db.session.get(Firm, firm_id)
    if firm is None:
        raise AccountError(_("Choose a firm from the list."), field="firm_id")
    return firm


def sign_up(email: str, password: str, create: Callable[[], User]) -> None:
    """Create the account with ``create`` and email a confirmation link, or, for a known
    address, email its owner instead: the visitor is answered alike, so sign-up never
    tells anyone whether an address has an account."""
    existing = find_user(email)
    if existing is not None and existing.email_verified_at is None and existing.password_hash:
        # Never confirmed: maybe someone else's attempt with this address. The newest
        # sign-up replaces it, so an owner is never locked out by a stranger's password.
        discard_unconfirmed(existing)
        existing = None
    if existing is None:
        user = create()
        consents.give(user, "collection")
        confirmation.send_link(user)
    else:
        generate_password_hash(password, method="scrypt")  # the same work as a new account
        confirmation.tell_existing(existing)
    db.session.flush()


def discard_unconfirmed(user: User) -> None:
    """Delete a sign-up whose address was never confirmed (so it never logged in)."""
    db.session.execute(delete(Consent).where(Consent.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.delete(user)
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None, without saying which part was wrong.

    The caller refuses an account whose address is not confirmed yet (only once the
    password is right, so that says nothing to someone guessing).
    """
    user = find_user(email)
    if user is None or not user.check_password(password) or not user.is_enabled:
        return None
    if user.email_verified_at is not None:
        user.last_login_at = utcnow()
        user.locale = user.locale or page_locale()
    return user


def decide_membership(membership: EmployerMembership, approve: bool, by: User) -> None:
    """Approve or reject an employer and tell them (in the app and by email)."""
    membership.status = "approved" if approve else "rejected"
    membership.decided_by_id = by.id
    membership.decided_at = utcnow()
    audit.record(
        by,
        "employer.approved" if approve else "employer.rejected",
        membership.user,
        firm=membership.firm.name,
        email=membership.user.email,
    )
    notify(
        membership.user,
        "employer_approved" if approve else "employer_rejected",
        link=url_for("employer.dashboard" if approve else "employer.pending"),
        firm=membership.firm,
    )


def is_safe_next(target: str | None) -> bool:
    """Only local paths are followed after login: no open redirect."""
    if not target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )
