"""The data model: one module per aggregate, all imported here for Alembic."""

from web.models.applications import (
    APPLICATION_STATUSES,
    CLOSED_STATUSES,
    REJECTION_REASONS,
    Application,
    ApplicationEvent,
)
from web.models.audit import AuditEntry
from web.models.consents import CONSENT_KINDS, Consent
from web.models.firms import EmployerMembership, Firm
from web.models.hiring import ApplicantNote, Interview
from web.models.imports import ImportBatch
from web.models.notifications import Notification, OutboxMessage
from web.models.postings import Posting, PostingLanguage, PostingSkill
from web.models.rounds import (
    AllocationRound,
    RoundChoice,
    RoundPosting,
    RoundRanking,
    RoundResult,
)
from web.models.settings import ProgrammeSetting
from web.models.students import StudentLanguage, StudentProfile, StudentSkill
from web.models.users import ROLES, User

__all__ = [
    "APPLICATION_STATUSES",
    "CLOSED_STATUSES",
    "CONSENT_KINDS",
    "REJECTION_REASONS",
    "ROLES",
    "AllocationRound",
    "ApplicantNote",
    "Application",
    "ApplicationEvent",
    "AuditEntry",
    "Consent",
    "EmployerMembership",
    "Firm",
    "ImportBatch",
    "Interview",
    "Notification",
    "OutboxMessage",
    "Posting",
    "PostingLanguage",
    "PostingSkill",
    "ProgrammeSetting",
    "RoundChoice",
    "RoundPosting",
    "RoundRanking",
    "RoundResult",
    "StudentLanguage",
    "StudentProfile",
    "StudentSkill",
    "User",
]
