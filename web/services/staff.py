"""Who acts for a firm: the approved employer accounts that hear about its applicants."""

from __future__ import annotations

from sqlalchemy import select

from web.extensions import db
from web.models import EmployerMembership, User


def firm_staff(firm_id: int) -> list[User]:
    """Approved, enabled employer accounts of a firm (pending ones are not told anything)."""
    return list(
        db.session.scalars(
            select(User)
            .join(EmployerMembership, EmployerMembership.user_id == User.id)
            .where(
                EmployerMembership.firm_id == firm_id,
                EmployerMembership.status == "approved",
                User.is_enabled.is_(True),
            )
            .order_by(User.id)
        )
    )
