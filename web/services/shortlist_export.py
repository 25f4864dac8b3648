"""A posting's ranked shortlist as CSV or XLSX, safe to open in a spreadsheet program."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from matching import Match
from web.formatting import HONG_KONG, status_label
from web.models import Posting, User
from web.reference.institutions import institution_name
from web.services import audit, shortlist
from web.services.exports import csv_lines, neutralise
from web.services.interviews import as_utc
from web.services.shortlist import Filters

HEADER = (
    _l("Rank"),
    _l("Score"),
    _l("Full name"),
    _l("Email"),
    _l("University"),
    _l("Programme of study"),
    _l("Year of study"),
    _l("Stage"),
    _l("Required skills met"),
    _l("Why this rank"),
    _l("Applied on"),
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    return [str(title) for title in HEADER]


def reasons_summary(match: Match) -> str:
    """The reasons in one translated line: requirements met, below level, missing."""
    r = match.reasons
    parts = [_("%(met)d of %(total)d requirements met", met=r.required_met, total=len(r.required))]
    below = [x.requirement for x in r.required if x.status == "partial"]
    missing = [x.requirement for x in r.required if x.status == "missing"]
    if below:
        parts.append(_("below the level asked: %(skills)s", skills=", ".join(below)))
    if missing:
        parts.append(_("missing: %(skills)s", skills=", ".join(missing)))
    if r.preferred:
        got = sum(x.status != "missing" for x in r.preferred)
        parts.append(_("%(got)d of %(total)d preferred", got=got, total=len(r.preferred)))
    return "; ".join(parts)


def rows(posting: Posting, filters: Filters) -> list[tuple[Any, ...]]:
    """Every live applicant, best match first, as on the shortlist page (same filters)."""
    page = shortlist.applicants(posting, filters, 1, sys.maxsize)
    out = []
    for row in page.items:
        profile, application = row.profile, row.application
        assert application is not None
        out.append(
            (
                row.rank,
                round(row.match.score, 1),
                profile.full_name,
                profile.user.email,
                institution_name(profile.university, str(get_locale() or "en"))
                if profile.university
                else "",
                profile.programme or "",
                profile.year_of_study,
                status_label(application.status),
                f"{row.match.reasons.required_met}/{len(row.match.reasons.required)}",
                reasons_summary(row.match),
                as_utc(application.created_at).astimezone(HONG_KONG).date(),
            )
        )
    return out


def csv_body(data: Sequence[Sequence[Any]]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark, so Excel shows Chinese names correctly."""
    yield "\ufeff"
    yield from csv_lines(header(), data)


def xlsx_body(posting: Posting, data: Sequence[Sequence[Any]]) -> bytes:
    """A workbook with one sheet; text neutralised, numbers and dates kept as such."""
    book = Workbook()
    sheet = book.active
    sheet.title = posting.ref[:31]
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in data:
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in values])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJK", (6, 7, 24, 30, 28, 24, 8, 14, 10, 60, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def record_export(actor: User, posting: Posting, fmt: str, count: int) -> None:
    audit.record(actor, "export.shortlist", posting, format=fmt, rows=count)
