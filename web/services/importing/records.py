"""Turning one row's cells into a plain record, collecting every problem in the row.

Records are slotted dataclasses (no ORM objects), so validating 100,000 rows stays fast
and small; ``state()`` gives what a re-import compares with the stored record.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from web.reference.institutions import resolve_institution
from web.services.importing import cells
from web.services.importing.cells import Cell, CellError, Item, ListParser

# Defaults for list items written without a level (seeds/README.md).
STUDENT_SKILL_LEVEL = 3
POSTING_SKILL_LEVEL = 1
LANGUAGE_LEVEL = 3
CAPACITY_MAX = 1000
# The longest list cell, and the most items per list column: as many as the forms take
# (web/forms_common.py), so an imported profile or posting can be edited in the portal.
LIST_CELL_MAX = 2000
LIST_ITEMS_MAX = {"skills": 40, "required_skills": 20, "preferred_skills": 20, "languages": 12}
UNIVERSITY_MAX = 200

Problem = tuple[str | None, str | None, str]  # column, value, reason
ListParse = Callable[[str, int], tuple[list[Item], list[CellError]]]


def _items(items: list[Item]) -> tuple[tuple[str, str, int], ...]:
    return tuple(sorted((i.name, i.key, i.level) for i in items))


@dataclass(slots=True)
class FirmRecord:
    row: int
    name: str
    name_zh: str | None
    city: str | None
    website: str | None
    contact_email: str | None
    description: str | None

    @property
    def key(self) -> str:
        return self.name

    def state(self) -> tuple[Any, ...]:
        return (self.name_zh, self.city, self.website, self.contact_email, self.description)


@dataclass(slots=True)
class PostingRecord:
    row: int
    ref: str
    firm: str
    title: str
    description: str
    location: str | None
    start_date: date
    end_date: date
    capacity: int
    deadline: date | None
    required: list[Item]
    preferred: list[Item]
    languages: list[Item]

    @property
    def key(self) -> str:
        return self.ref

    def state(self) -> tuple[Any, ...]:
        skills = tuple(
            sorted(
                [("required", i.name, i.key, i.level) for i in self.required]
                + [("preferred", i.name, i.key, i.level) for i in self.preferred]
            )
        )
        return (
            self.firm,
            self.title,
            self.description,
            self.location,
            self.start_date,
            self.end_date,
            self.capacity,
            self.deadline,
            skills,
            tuple(sorted((i.key, i.level) for i in self.languages)),
        )


@dataclass(slots=True)
class StudentRecord:
    row: int
    email: str
    full_name: str
    university: str | None
    programme: str | None
    year_of_study: int | None
    graduation_year: int | None
    skills: list[Item]
    languages: list[Item]
    available_from: date | None
    available_to: date | None

    @property
    def key(self) -> str:
        return self.email

    def state(self) -> tuple[Any, ...]:
        return (
            self.full_name,
            self.university,
            self.programme,
            self.year_of_study,
            self.graduation_year,
            self.available_from,
            self.available_to,
            _items(self.skills),
            tuple(sorted((i.key, i.level) for i in self.languages)),
        )


Record = FirmRecord | PostingRecord | StudentRecord


class Row:
    """The cells of one row by column name, and the problems found in it so far."""

    __slots__ = ("cells", "problems")

    def __init__(self, values: dict[str, Cell]) -> None:
        self.cells = values
        self.problems: list[Problem] = []

    def raw(self, column: str) -> str:
        value = self.cells[column]
        return value if isinstance(value, str) else value.isoformat()

    def get(
        self, column: str, parse: Callable[..., Any], *args: Any, required: bool = False
    ) -> Any:
        """Parse one cell; on failure note the problem and return None."""
        value = self.cells[column]
        if required and not (value.strip() if isinstance(value, str) else value):
            self.problems.append((column, None, _("A value is required here.")))
            return None
        try:
            return parse(value if parse is cells.iso_date else self.raw(column), *args)
        except CellError as exc:
            self.problems.append((column, exc.value or self.raw(column).strip(), str(exc)))
            return None

    def items(self, column: str, parse: ListParse, level: int) -> list[Item]:
        """Parse a list cell; one problem for a cell too long or with too many items."""
        value = self.raw(column)
        try:
            cells.check_length(value.strip(), LIST_CELL_MAX)
        except CellError as exc:
            self.problems.append((column, value.strip(), str(exc)))
            return []
        items, errors = parse(value, level)
        for exc in errors:
            self.problems.append((column, exc.value, str(exc)))
        limit = LIST_ITEMS_MAX[column]
        if len(items) > limit:
            reason = _("lists %(n)d items; the limit is %(limit)d", n=len(items), limit=limit)
            self.problems.append((column, value.strip(), reason))
        return items

    def order(
        self, first: str, a: date | None, second: str, b: date | None, *, strict: bool
    ) -> None:
        """Note a problem on `second` unless it comes after `first` (or on/after if not strict)."""
        if a is None or b is None:
            return
        if b > a or (not strict and b == a):
            return
        self.problems.append(
            (
                second,
                b.isoformat(),
                _("must be after %(column)s (%(value)s)", column=first, value=a.isoformat()),
            )
        )


@functools.lru_cache(maxsize=4096)
def _institution(value: str) -> str | None:
    return resolve_institution(value)


def university(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    cells.check_length(value, UNIVERSITY_MAX)
    code = _institution(value)
    if code is None:
        raise CellError(
            _(
                "is not an institution we know "
                "(write its English name, abbreviation or Chinese name)"
            )
        )
    return code


def firm_record(row_number: int, row: Row, lists: ListParser) -> FirmRecord | None:
    name = row.get("name", cells.text, 200, required=True)
    record = FirmRecord(
        row_number,
        name,
        row.get("name_zh", cells.text, 200),
        row.get("city", cells.text, 100),
        row.get("website", cells.website),
        row.get("contact_email", _optional_email),
        row.get("description", _long_text),
    )
    return None if row.problems else record


def posting_record(row_number: int, row: Row, lists: ListParser) -> PostingRecord | None:
    ref = row.get("ref", cells.text, 40, required=True)
    if ref is not None and any(ch.isspace() for ch in ref):
        row.problems.append(("ref", ref, _("must not contain spaces")))
    start = row.get("start_date", cells.iso_date, required=True)
    end = row.get("end_date", cells.iso_date, required=True)
    deadline = row.get("deadline", cells.iso_date)
    row.order("start_date", start, "end_date", end, strict=True)
    if deadline is not None and start is not None and deadline >= start:
        row.problems.append(
            (
                "deadline",
                deadline.isoformat(),
                _("must be before start_date (%(value)s)", value=start.isoformat()),
            )
        )
    required = row.items("required_skills", lists.skills, POSTING_SKILL_LEVEL)
    preferred = row.items("preferred_skills", lists.skills, POSTING_SKILL_LEVEL)
    wanted = {item.key: item for item in required}
    for item in preferred:
        if item.key in wanted:
            row.problems.append(
                (
                    "preferred_skills",
                    item.written,
                    _(
                        "names the same skill as “%(other)s” in required_skills",
                        other=wanted[item.key].written,
                    ),
                )
            )
    record = PostingRecord(
        row_number,
        ref,
        row.get("firm", cells.text, 200, required=True),
        row.get("title", cells.text, 200, required=True),
        row.get("description", _long_text) or "",
        row.get("location", cells.text, 200),
        start,
        end,
        row.get("capacity", cells.whole_number, 1, CAPACITY_MAX, required=True),
        deadline,
        required,
        preferred,
        row.items("languages", lists.languages, LANGUAGE_LEVEL),
    )
    return None if row.problems else record


def student_record(row_number: int, row: Row, lists: ListParser) -> StudentRecord | None:
    available_from = row.get("available_from", cells.iso_date)
    available_to = row.get("available_to", cells.iso_date)
    row.order("available_from", available_from, "available_to", available_to, strict=True)
    record = StudentRecord(
        row_number,
        row.get("email", _student_email, required=True),
        row.get("full_name", cells.text, 200, required=True),
        row.get("university", university),
        row.get("programme", cells.text, 200),
        row.get("year_of_study", cells.whole_number, 1, 7),
        row.get("graduation_year", cells.whole_number, 2000, 2100),
        row.items("skills", lists.skills, STUDENT_SKILL_LEVEL),
        row.items("languages", lists.languages, LANGUAGE_LEVEL),
        available_from,
        available_to,
    )
    return None if row.problems else record


def _student_email(value: str) -> str:
    # Stored folded, as accounts store them, so the key matches in any case.
    return cells.email(value).lower()


def _optional_email(value: str) -> str | None:
    return cells.email(value) if value.strip() else None


def _long_text(value: str) -> str | None:
    return cells.text(value, 5000, multiline=True)


VALIDATORS: dict[str, Callable[[int, Row, ListParser], Record | None]] = {
    "firms": firm_record,
    "postings": posting_record,
    "students": student_record,
}
