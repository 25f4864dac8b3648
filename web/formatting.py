"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from web.i18n import LANGUAGE_NAMES
from web.reference.institutions import institution_name
from web.reference.languages import LEVEL_LABELS, language_name

STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "shortlisted": _l("Shortlisted"),
    "interview": _l("Interview"),
    "offered": _l("Offered"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "pending": _l("Pending"),
    "approved": _l("Approved"),
}
STATUS_COLOURS = {
    "submitted": "secondary",
    "under_review": "info",
    "shortlisted": "primary",
    "interview": "primary",
    "offered": "warning",
    "accepted": "success",
    "declined": "dark",
    "rejected": "danger",
    "withdrawn": "light",
    "draft": "secondary",
    "open": "success",
    "closed": "dark",
    "pending": "warning",
    "approved": "success",
}
SKILL_LEVEL_LABELS = {
    1: _l("Basic"),
    2: _l("Elementary"),
    3: _l("Intermediate"),
    4: _l("Advanced"),
    5: _l("Expert"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def fmt_date(value: date | None) -> str:
    return format_date(value, "medium") if value else "—"


def fmt_datetime(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value else "—"


# Interviews are set and shown in Hong Kong time, whatever the server's zone.
HONG_KONG = ZoneInfo("Asia/Hong_Kong")


def hk_datetime(value: datetime | None) -> str:
    """A moment as Hong Kong wall-clock time, e.g. "Tue, Jun 1, 2027 10:00" (naive = UTC)."""
    if value is None:
        return "—"
    if value.tzinfo is None:  # SQLite hands back naive UTC values
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(HONG_KONG)
    locale = get_locale() or "en"
    day = format_skeleton("yMMMEd", local, tzinfo=HONG_KONG, locale=locale, fuzzy=True)
    return f"{day} {format_time(local, 'HH:mm', tzinfo=HONG_KONG, locale=locale)}"


FILE_KINDS = {"firms": _l("Firms"), "postings": _l("Postings"), "students": _l("Students")}


def file_kind(kind: str | None) -> str:
    """The kind of a seed file as the reader calls it (the code stays in the data)."""
    return str(FILE_KINDS.get(kind or "", kind or "—"))


def html_lang(locale: str) -> str:
    """The BCP 47 tag for <html lang>: zh_Hant_HK -> zh-Hant-HK."""
    return locale.replace("_", "-")


def prefers_chinese() -> bool:
    """True on pages (or in emails, under force_locale) in either Chinese."""
    return str(get_locale() or "en").startswith("zh")


def localised_name(name: str, name_zh: str | None) -> str:
    """The Chinese name in Chinese when there is one, else the English name."""
    return name_zh if name_zh and prefers_chinese() else name


def firm_name(firm: object) -> str:
    """A firm's Chinese name on Chinese pages when it has one, else its English name."""
    name_zh = getattr(firm, "name_zh", None)
    return localised_name(str(getattr(firm, "name", "")), str(name_zh) if name_zh else None)


def number(value: int | float | None) -> str:
    """A count with the locale's grouping, e.g. 12,345."""
    return "—" if value is None else format_decimal(value)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        date=fmt_date,
        datetime=fmt_datetime,
        hk_datetime=hk_datetime,
        firm_name=firm_name,
        file_kind=file_kind,
        number=number,
        status_label=status_label,
        institution=lambda code: institution_name(code, str(get_locale() or "en")),
        language=language_name,
        language_level=lambda level: str(LEVEL_LABELS.get(level, level)),
        skill_level=lambda level: str(SKILL_LEVEL_LABELS.get(level, level)),
    )
    app.jinja_env.globals.update(
        status_colour=lambda s: STATUS_COLOURS.get(s, "secondary"),
        current_locale=lambda: html_lang(str(get_locale() or "en")),
        locale_code=lambda: str(get_locale() or "en"),
        language_names=lambda: {
            code: LANGUAGE_NAMES[code] for code in app.config["LANGUAGES"] if code in LANGUAGE_NAMES
        },
    )
