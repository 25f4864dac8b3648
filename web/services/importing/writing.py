"""Comparing records with what is stored, and writing the differences with Core statements.

Why Core and not one ORM object per row: 100,000 students with ten skills each are
1.4 million rows; batched ``executemany`` inserts are an order of magnitude faster and
keep memory flat. Every statement runs on the session's connection, so the whole run is
one transaction that the caller commits (or that is rolled back when any file has an
error). Existing keys are loaded once per kind; stored details only for the keys a chunk
of rows names, so a re-import compares exactly without holding every record in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from web.extensions import db
from web.models import (
    Firm,
    Posting,
    PostingLanguage,
    PostingSkill,
    StudentLanguage,
    StudentProfile,
    StudentSkill,
    User,
)
from web.services.importing.records import FirmRecord, PostingRecord, Problem, StudentRecord

FIRMS: Table = Firm.__table__  # type: ignore[assignment]
POSTINGS: Table = Posting.__table__  # type: ignore[assignment]
POSTING_SKILLS: Table = PostingSkill.__table__  # type: ignore[assignment]
POSTING_LANGUAGES: Table = PostingLanguage.__table__  # type: ignore[assignment]
USERS: Table = User.__table__  # type: ignore[assignment]
PROFILES: Table = StudentProfile.__table__  # type: ignore[assignment]
SKILLS: Table = StudentSkill.__table__  # type: ignore[assignment]
LANGUAGES: Table = StudentLanguage.__table__  # type: ignore[assignment]

R = TypeVar("R", FirmRecord, PostingRecord, StudentRecord)


@dataclass
class Plan(Generic[R]):
    """What a chunk of records would do: create, update (with the stored id), or nothing."""

    created: list[R] = field(default_factory=list)
    updated: list[tuple[int, R]] = field(default_factory=list)
    unchanged: int = 0


def insert_ids(table: Table, rows: list[dict[str, Any]], key: str) -> list[int]:
    """Insert many rows; their new ids in the order given, found by a unique column.

    Plain executemany then one SELECT by the unique key: RETURNING with a guaranteed
    order makes SQLite run one INSERT per row, several times slower.
    """
    if not rows:
        return []
    db.session.execute(insert(table), rows)
    wanted = [row[key] for row in rows]
    found = dict(
        db.session.execute(select(table.c[key], table.c.id).where(table.c[key].in_(wanted)))
        .tuples()
        .all()
    )
    return [found[value] for value in wanted]


def insert_plain(table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows of plain values (ints, strings, numbers) the driver's fastest way.

    Child rows (skills, languages) are the bulk of an import, 1.3 million for 100,000
    students. They hold no dates and no column with a Python-side default, so they skip
    SQLAlchemy's per-row parameter processing: on PostgreSQL they are streamed with COPY
    (about 20 times the rate of executemany, which took two thirds of an import there);
    elsewhere they go through the driver's executemany, the statement still compiled by
    SQLAlchemy for the session's dialect.
    """
    if not rows:
        return
    defaulted = [c.name for c in table.columns if c.default is not None and c.name not in columns]
    if defaulted:  # COPY and the raw executemany would leave them NULL
        raise ValueError(f"insert_plain cannot fill the defaults of {table.name}: {defaulted}")
    connection = db.session.connection()
    if connection.dialect.driver == "psycopg":  # PostgreSQL through psycopg 3
        _copy(connection, table, columns, rows)
        return
    stmt = insert(table).values({c: bindparam(c) for c in columns})
    compiled = stmt.compile(dialect=connection.dialect)
    if compiled.positional:
        order = [columns.index(name) for name in compiled.positiontup or ()]
        params: list[Any] = (
            rows
            if order == list(range(len(columns)))
            else [tuple(r[i] for i in order) for r in rows]
        )
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(compiled.string, params)


def _copy(
    connection: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """COPY the rows in, on the session's own connection and so in its transaction."""
    from psycopg import sql  # PostgreSQL's driver; not needed on SQLite

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(row)


def update_rows(table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(update(table).where(table.c.id == bindparam("b_id")), rows)


def delete_children(table: Table, parent: str, ids: Sequence[int]) -> None:
    if ids:
        db.session.execute(delete(table).where(table.c[parent].in_(ids)))


def grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        groups[row[0]].append(tuple(row[1:]))
    return groups


class FirmWriter:
    """Firms by exact name; the firm ids are shared with the postings writer."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.ids: dict[str, int] = {}
        self.states: dict[str, tuple[Any, ...]] = {}
        cols = FIRMS.c
        for row in db.session.execute(
            select(
                cols.id,
                cols.name,
                cols.name_zh,
                cols.city,
                cols.website,
                cols.contact_email,
                cols.description,
            )
        ):
            self.ids[row.name] = row.id
            self.states[row.name] = tuple(row[2:])

    def problem(self, record: FirmRecord) -> Problem | None:
        return None

    def classify(self, records: list[FirmRecord]) -> Plan[FirmRecord]:
        plan: Plan[FirmRecord] = Plan()
        for record in records:
            if record.name not in self.ids:
                plan.created.append(record)
            elif self.states[record.name] != record.state():
                plan.updated.append((self.ids[record.name], record))
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: Plan[FirmRecord]) -> None:
        new_ids = insert_ids(
            FIRMS,
            [
                {"name": r.name, **self._values(r), "created_at": self.now, "updated_at": self.now}
                for r in plan.created
            ],
            "name",
        )
        for record, new_id in zip(plan.created, new_ids, strict=True):
            self.ids[record.name] = new_id
            self.states[record.name] = record.state()
        update_rows(
            FIRMS,
            [{"b_id": i, **self._values(r), "updated_at": self.now} for i, r in plan.updated],
        )
        for _id, record in plan.updated:
            self.states[record.name] = record.state()

    @staticmethod
    def _values(r: FirmRecord) -> dict[str, Any]:
        return {
            "name_zh": r.name_zh,
            "city": r.city,
            "website": r.website,
            "contact_email": r.contact_email,
            "description": r.description,
        }


class PostingWriter:
    """Postings by ref; their skill and language lists are replaced on update."""

    def __init__(self, now: datetime, firms: FirmWriter) -> None:
        self.now = now
        self.firms = firms
        self.ids: dict[str, int] = {
            ref: posting_id
            for ref, posting_id in db.session.execute(select(POSTINGS.c.ref, POSTINGS.c.id))
        }

    def problem(self, record: PostingRecord) -> Problem | None:
        return None

    def classify(self, records: list[PostingRecord]) -> Plan[PostingRecord]:
        plan: Plan[PostingRecord] = Plan()
        states = self._states([self.ids[r.ref] for r in records if r.ref in self.ids])
        for record in records:
            posting_id = self.ids.get(record.ref)
            if posting_id is None:
                plan.created.append(record)
            elif states.get(posting_id) != record.state():
                plan.updated.append((posting_id, record))
            else:
                plan.unchanged += 1
        return plan

    def _states(self, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        if not ids:
            return {}
        p = POSTINGS.c
        skills = grouped(
            db.session.execute(
                select(
                    POSTING_SKILLS.c.posting_id,
                    POSTING_SKILLS.c.kind,
                    POSTING_SKILLS.c.name,
                    POSTING_SKILLS.c.key,
                    POSTING_SKILLS.c.min_level,
                ).where(POSTING_SKILLS.c.posting_id.in_(ids))
            )
        )
        languages = grouped(
            db.session.execute(
                select(
                    POSTING_LANGUAGES.c.posting_id,
                    POSTING_LANGUAGES.c.language,
                    POSTING_LANGUAGES.c.min_level,
                ).where(POSTING_LANGUAGES.c.posting_id.in_(ids))
            )
        )
        rows = db.session.execute(
            select(
                p.id,
                FIRMS.c.name,
                p.title,
                p.description,
                p.location,
                p.start_date,
                p.end_date,
                p.capacity,
                p.deadline,
            )
            .join(FIRMS, FIRMS.c.id == p.firm_id)
            .where(p.id.in_(ids))
        )
        return {
            row[0]: (
                *row[1:],
                tuple(sorted(skills.get(row[0], []))),
                tuple(sorted(languages.get(row[0], []))),
            )
            for row in rows
        }

    def write(self, plan: Plan[PostingRecord]) -> None:
        new_ids = insert_ids(
            POSTINGS,
            [
                {
                    "ref": r.ref,
                    **self._values(r),
                    "status": "open",
                    "created_at": self.now,
                    "updated_at": self.now,
                }
                for r in plan.created
            ],
            "ref",
        )
        for record, new_id in zip(plan.created, new_ids, strict=True):
            self.ids[record.ref] = new_id
        changed = [i for i, _r in plan.updated]
        update_rows(
            POSTINGS,
            [{"b_id": i, **self._values(r), "updated_at": self.now} for i, r in plan.updated],
        )
        delete_children(POSTING_SKILLS, "posting_id", changed)
        delete_children(POSTING_LANGUAGES, "posting_id", changed)
        pairs = list(zip(new_ids, plan.created, strict=True)) + plan.updated
        insert_plain(
            POSTING_SKILLS,
            ("posting_id", "name", "key", "kind", "min_level", "weight"),
            [
                (i, s.name, s.key, kind, s.level, 1.0)
                for i, r in pairs
                for kind, items in (("required", r.required), ("preferred", r.preferred))
                for s in items
            ],
        )
        insert_plain(
            POSTING_LANGUAGES,
            ("posting_id", "language", "min_level"),
            [(i, lang.key, lang.level) for i, r in pairs for lang in r.languages],
        )

    def _values(self, r: PostingRecord) -> dict[str, Any]:
        return {
            "firm_id": self.firms.ids[r.firm],
            "title": r.title,
            "description": r.description,
            "location": r.location,
            "start_date": r.start_date,
            "end_date": r.end_date,
            "capacity": r.capacity,
            "deadline": r.deadline,
        }


Writer = FirmWriter | PostingWriter
