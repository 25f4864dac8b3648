"""Saving a student's profile from the form or an import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from web.extensions import db
from web.models import StudentLanguage, StudentProfile, StudentSkill
from web.models.base import utcnow
from web.services.skills import skill_key


@dataclass
class ProfileData:
    full_name: str
    university: str | None = None
    programme: str | None = None
    year_of_study: int | None = None
    graduation_year: int | None = None
    available_from: date | None = None
    available_to: date | None = None
    bio: str | None = None
    skills: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)


def save_profile(profile: StudentProfile, data: ProfileData) -> None:
    """Replace the profile's fields, skills and languages with the given ones.

    Never the discovery setting: that is a consent, given and withdrawn only on the
    student's privacy page (web/services/privacy.py).
    """
    profile.full_name = data.full_name.strip()
    profile.university = data.university or None
    profile.programme = (data.programme or "").strip() or None
    profile.year_of_study = data.year_of_study
    profile.graduation_year = data.graduation_year
    profile.available_from = data.available_from
    profile.available_to = data.available_to
    profile.bio = (data.bio or "").strip() or None
    profile.updated_at = utcnow()  # skills alone do not touch the row; the matcher's pool needs it
    # Clear then flush so that re-adding a skill with the same key does not
    # collide with the row being deleted in the same flush.
    profile.skills.clear()
    profile.languages.clear()
    db.session.flush()
    profile.skills.extend(
        StudentSkill(name=name, key=skill_key(name), level=level) for name, level in data.skills
    )
    profile.languages.extend(
        StudentLanguage(language=code, level=level) for code, level in data.languages
    )
    db.session.flush()
