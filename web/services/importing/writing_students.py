"""Writing students: an account without a password and a private profile per row.

Same approach as writing.py (Core batches in the caller's transaction); kept apart
because students are the bulk of every import and have the most tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from web.extensions import db
from web.services.importing.records import Problem, StudentRecord
from web.services.importing.writing import (
    LANGUAGES,
    PROFILES,
    SKILLS,
    USERS,
    Plan,
    delete_children,
    grouped,
    insert_ids,
    insert_plain,
    update_rows,
)


class StudentWriter:
    """Students by e-mail: an account without a password and a private profile."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        # email -> (user id, role, profile id or None), in one query for the whole run.
        self.accounts: dict[str, tuple[int, str, int | None]] = {
            email: (user_id, role, profile_id)
            for email, user_id, role, profile_id in db.session.execute(
                select(USERS.c.email, USERS.c.id, USERS.c.role, PROFILES.c.id).outerjoin(
                    PROFILES, PROFILES.c.user_id == USERS.c.id
                )
            )
        }

    def problem(self, record: StudentRecord) -> Problem | None:
        found = self.accounts.get(record.email)
        if found is not None and found[1] != "student":
            return (
                "email",
                record.email,
                _("belongs to an account that is not a student's (%(role)s)", role=found[1]),
            )
        return None

    def classify(self, records: list[StudentRecord]) -> Plan[StudentRecord]:
        plan: Plan[StudentRecord] = Plan()
        known = [self.accounts.get(r.email) for r in records]
        states = self._states([a[2] for a in known if a is not None and a[2] is not None])
        for record, account in zip(records, known, strict=True):
            if account is None:
                plan.created.append(record)
            elif account[2] is None or states.get(account[2]) != record.state():
                plan.updated.append((account[0], record))  # by user id: may lack a profile
            else:
                plan.unchanged += 1
        return plan

    def _states(self, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        if not ids:
            return {}
        p = PROFILES.c
        skills = grouped(
            db.session.execute(
                select(SKILLS.c.profile_id, SKILLS.c.name, SKILLS.c.key, SKILLS.c.level).where(
                    SKILLS.c.profile_id.in_(ids)
                )
            )
        )
        languages = grouped(
            db.session.execute(
                select(LANGUAGES.c.profile_id, LANGUAGES.c.language, LANGUAGES.c.level).where(
                    LANGUAGES.c.profile_id.in_(ids)
                )
            )
        )
        rows = db.session.execute(
            select(
                p.id,
                p.full_name,
                p.university,
                p.programme,
                p.year_of_study,
                p.graduation_year,
                p.available_from,
                p.available_to,
            ).where(p.id.in_(ids))
        )
        return {
            row[0]: (
                *row[1:],
                tuple(sorted(skills.get(row[0], []))),
                tuple(sorted(languages.get(row[0], []))),
            )
            for row in rows
        }

    def write(self, plan: Plan[StudentRecord]) -> None:
        now = self.now
        user_ids = insert_ids(
            USERS,
            [
                {
                    "email": r.email,
                    "password_hash": None,  # claimed later through an invitation link
                    "role": "student",
                    "is_enabled": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for r in plan.created
            ],
            "email",
        )
        creating = list(zip(user_ids, plan.created, strict=True))
        changing: list[tuple[int, StudentRecord]] = []
        for _user_id, record in plan.updated:
            user_id, _role, profile_id = self.accounts[record.email]
            if profile_id is None:  # a student account that never got a profile
                creating.append((user_id, record))
            else:
                changing.append((profile_id, record))
        profile_ids = insert_ids(
            PROFILES,
            [
                {
                    "user_id": u,
                    **self._values(r),
                    "bio": None,
                    "discoverable": False,  # only the student may opt in, after claiming
                    "created_at": now,
                    "updated_at": now,
                }
                for u, r in creating
            ],
            "user_id",
        )
        for (user_id, record), profile_id in zip(creating, profile_ids, strict=True):
            self.accounts[record.email] = (user_id, "student", profile_id)
        changed_ids = [i for i, _r in changing]
        update_rows(
            PROFILES, [{"b_id": i, **self._values(r), "updated_at": now} for i, r in changing]
        )
        delete_children(SKILLS, "profile_id", changed_ids)
        delete_children(LANGUAGES, "profile_id", changed_ids)
        pairs = list(zip(profile_ids, (r for _u, r in creating), strict=True)) + changing
        insert_plain(
            SKILLS,
            ("profile_id", "name", "key", "level"),
            [(i, s.name, s.key, s.level) for i, r in pairs for s in r.skills],
        )
        insert_plain(
            LANGUAGES,
            ("profile_id", "language", "level"),
            [(i, lang.key, lang.level) for i, r in pairs for lang in r.languages],
        )

    @staticmethod
    def _values(r: StudentRecord) -> dict[str, Any]:
        return {
            "full_name": r.full_name,
            "university": r.university,
            "programme": r.programme,
            "year_of_study": r.year_of_study,
            "graduation_year": r.graduation_year,
            "available_from": r.available_from,
            "available_to": r.available_to,
        }
