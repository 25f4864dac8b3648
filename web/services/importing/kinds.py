"""The three kinds of seed file and how a header row tells them apart.

The column lists are a promise to coordinators (see seeds/README.md): a header must
hold exactly one kind's columns, in any order, so that nothing is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    key: str


FIRMS = Kind(
    "firms",
    ("name", "name_zh", "city", "website", "contact_email", "description"),
    ("name",),
    "name",
)
POSTINGS = Kind(
    "postings",
    (
        "ref",
        "firm",
        "title",
        "description",
        "location",
        "start_date",
        "end_date",
        "capacity",
        "deadline",
        "required_skills",
        "preferred_skills",
        "languages",
    ),
    ("ref", "firm", "title", "start_date", "end_date", "capacity"),
    "ref",
)
STUDENTS = Kind(
    "students",
    (
        "email",
        "full_name",
        "university",
        "programme",
        "year_of_study",
        "graduation_year",
        "skills",
        "languages",
        "available_from",
        "available_to",
    ),
    ("email", "full_name"),
    "email",
)
# Dependency order: postings name firms, and everything else comes after.
KINDS: tuple[Kind, ...] = (FIRMS, POSTINGS, STUDENTS)
BY_NAME = {kind.name: kind for kind in KINDS}
ORDER = {kind.name: i for i, kind in enumerate(KINDS)}


class HeaderProblem(ValueError):
    """The header row cannot be used; the message names the columns at fault."""

    def __init__(self, message: str, value: str | None = None) -> None:
        super().__init__(message)
        self.value = value


def clean_header(cells: list[str]) -> list[str]:
    """Column names as compared: trimmed and lower-cased; trailing blank cells dropped."""
    names = [cell.strip().lower() for cell in cells]
    while names and not names[-1]:
        names.pop()
    return names


def detect(header: list[str]) -> Kind:
    """The kind whose columns this header holds exactly; HeaderProblem otherwise."""
    if not header:
        raise HeaderProblem(_("The header row is empty: the first row must name the columns."))
    if "" in header:
        position = header.index("") + 1
        raise HeaderProblem(_("Column %(n)d has no name.", n=position))
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise HeaderProblem(
            _("Columns named more than once: %(names)s.", names=", ".join(repeated)),
            value=", ".join(repeated),
        )
    given = set(header)
    kind = max(KINDS, key=lambda k: (len(given & set(k.columns)), -len(k.columns)))
    if not given & set(kind.columns):
        raise HeaderProblem(
            _(
                "These columns match no kind of seed file (firms, postings or students); "
                "see seeds/README.md for the headers."
            ),
            value=", ".join(header),
        )
    missing = [c for c in kind.columns if c not in given]
    unknown = [c for c in header if c not in kind.columns]
    problems = []
    if missing:
        problems.append(
            _(
                "Missing columns for a %(kind)s file: %(names)s.",
                kind=kind.name,
                names=", ".join(missing),
            )
        )
    if unknown:
        problems.append(
            _(
                "Unknown columns (not part of a %(kind)s file): %(names)s.",
                kind=kind.name,
                names=", ".join(unknown),
            )
        )
    if problems:
        raise HeaderProblem(" ".join(problems), value=", ".join(header))
    return kind
