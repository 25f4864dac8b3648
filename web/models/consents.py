"""Consents a user gave, kept as evidence: who, to what text version, for which firm, when.

A consent is never edited in place: withdrawing one stamps ``withdrawn_at`` so the record
of what was agreed, and until when, survives.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import utcnow

if TYPE_CHECKING:
    from web.models.firms import Firm
    from web.models.postings import Posting
    from web.models.users import User

# collection: the personal information collection statement, read at registration.
# transfer: sending the listed data to one named firm in Shenzhen, given on applying.
# discovery: letting participating employers find the profile; off until given.
CONSENT_KINDS = ("collection", "transfer", "discovery")


class Consent(db.Model):
    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint("kind IN ('collection', 'transfer', 'discovery')", name="kind"),
        CheckConstraint("kind != 'transfer' OR firm_id IS NOT NULL", name="transfer_names_firm"),
        Index("ix_consents_user_kind", "user_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # The version of the statement the user saw (see web/services/consents.py).
    text_version: Mapped[str] = mapped_column(String(20))
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id", ondelete="SET NULL"))
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="SET NULL"))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
    firm: Mapped[Firm | None] = relationship()
    posting: Mapped[Posting | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
