"""The data model: one module per aggregate, all imported here for Alembic."""

from web.models.applications import (
    APPLICATION_STATUSES,
    CLOSED_STATUSES,
    Application,
    ApplicationEvent,
)
from web.models.audit import AuditEntry
from web.models.firms import EmployerMembership, Firm
from web.models.imports import ImportBatch
from web.models.postings import Posting, PostingLanguage, PostingSkill
from web.models.students import StudentLanguage, StudentProfile, StudentSkill
from web.models.users import ROLES, User

__all__ = [
    "APPLICATION_STATUSES",
    "CLOSED_STATUSES",
    "ROLES",
    "Application",
    "ApplicationEvent",
    "AuditEntry",
    "EmployerMembership",
    "Firm",
    "ImportBatch",
    "Posting",
    "PostingLanguage",
    "PostingSkill",
    "StudentLanguage",
    "StudentProfile",
    "StudentSkill",
    "User",
]
