"""CSV exports for coordinators, safe to open in a spreadsheet program.

Firms, postings and students are written in the seed format (the same columns as
seeds/README.md), so an edited export can be imported again.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from web.extensions import db
from web.models import (
    Application,
    Firm,
    Posting,
    PostingLanguage,
    PostingSkill,
    StudentLanguage,
    StudentProfile,
    StudentSkill,
    User,
)
from web.services.importing.kinds import FIRMS, POSTINGS, STUDENTS

# A cell starting with one of these is run as a formula by Excel, LibreOffice and
# Google Sheets ("CSV injection"); tab and carriage return can smuggle one in too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000


def neutralise(value: object) -> str:
    """The cell as text, prefixed with ' if a spreadsheet would take it for a formula."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The header, then one CSV line per row, every cell neutralised (streams)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for cells in itertools.chain([header], rows):
        writer.writerow([neutralise(cell) for cell in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _joined(items: Iterable[tuple[str, int]]) -> str:
    return ";".join(f"{name}:{level}" for name, level in items)


def firm_rows() -> Iterator[tuple[Any, ...]]:
    f = Firm.__table__.c
    stmt = select(f.name, f.name_zh, f.city, f.website, f.contact_email, f.description)
    yield from db.session.execute(stmt.order_by(f.name)).tuples()


def posting_rows() -> Iterator[tuple[Any, ...]]:
    p = Posting.__table__.c
    stmt = (
        select(
            p.id,
            p.ref,
            Firm.__table__.c.name,
            p.title,
            p.description,
            p.location,
            p.start_date,
            p.end_date,
            p.capacity,
            p.deadline,
        )
        .join(Firm.__table__, Firm.__table__.c.id == p.firm_id)
        .order_by(p.ref)
        .execution_options(yield_per=BATCH)
    )
    for part in db.session.execute(stmt).partitions():
        ids = [row[0] for row in part]
        skills = _children(PostingSkill, "posting_id", ids, "kind", "name", "min_level")
        languages = _children(PostingLanguage, "posting_id", ids, "language", "min_level")
        for row in part:
            mine = skills.get(row[0], [])
            yield (
                *row[1:],
                _joined((n, lvl) for k, n, lvl in mine if k == "required"),
                _joined((n, lvl) for k, n, lvl in mine if k == "preferred"),
                _joined(languages.get(row[0], [])),
            )


def student_rows() -> Iterator[tuple[Any, ...]]:
    s = StudentProfile.__table__.c
    stmt = (
        select(
            s.id,
            User.__table__.c.email,
            s.full_name,
            s.university,
            s.programme,
            s.year_of_study,
            s.graduation_year,
            s.available_from,
            s.available_to,
        )
        .join(User.__table__, User.__table__.c.id == s.user_id)
        .order_by(User.__table__.c.email)
        .execution_options(yield_per=BATCH)
    )
    for part in db.session.execute(stmt).partitions():
        ids = [row[0] for row in part]
        skills = _children(StudentSkill, "profile_id", ids, "name", "level")
        languages = _children(StudentLanguage, "profile_id", ids, "language", "level")
        for row in part:
            yield (
                *row[1:7],
                _joined(skills.get(row[0], [])),
                _joined(languages.get(row[0], [])),
                *row[7:],
            )


# Not the seed format (nothing imports applications): headers for people, translated.
APPLICATION_COLUMNS = (
    _l("Posting ref"),
    _l("Firm"),
    _l("Student email"),
    _l("Student name"),
    _l("University"),
    _l("Stage"),
    _l("Applied at"),
    _l("Last changed at"),
)


def application_rows() -> Iterator[tuple[Any, ...]]:
    stmt = (
        select(
            Posting.ref,
            Firm.name,
            User.email,
            StudentProfile.full_name,
            StudentProfile.university,
            Application.status,
            Application.created_at,
            Application.updated_at,
        )
        .join(Application.posting)
        .join(Posting.firm)
        # Outer joins: an anonymised application (account deleted) is a row without a person.
        .outerjoin(Application.student)
        .outerjoin(StudentProfile.user)
        .order_by(Posting.ref, Application.created_at, Application.id)
        .execution_options(yield_per=BATCH)
    )
    yield from db.session.execute(stmt).tuples()


def _children(
    model: type, parent: str, ids: list[int], *columns: str
) -> dict[int, list[tuple[Any, ...]]]:
    table = model.__table__  # type: ignore[attr-defined]
    found: dict[int, list[tuple[Any, ...]]] = {}
    stmt = (
        select(table.c[parent], *(table.c[c] for c in columns))
        .where(table.c[parent].in_(ids))
        .order_by(table.c[parent], table.c.id)
    )
    for row in db.session.execute(stmt):
        found.setdefault(row[0], []).append(tuple(row[1:]))
    return found


EXPORTS = {
    "firms": (FIRMS.columns, firm_rows),
    "postings": (POSTINGS.columns, posting_rows),
    "students": (STUDENTS.columns, student_rows),
    "applications": (APPLICATION_COLUMNS, application_rows),
}
