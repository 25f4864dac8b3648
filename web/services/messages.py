"""The text of every notification, by kind, marked for translation.

A notification is stored as its kind and params and put into words when it is read (or
emailed, under the recipient's locale), so params hold what every language needs: a
firm as both its names (``firm`` and ``firm_zh``), a moment as Hong Kong wall-clock time
("2027-06-01 10:30"), numbers as numbers; ``render`` picks and formats for the locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from web.formatting import HONG_KONG, hk_datetime, localised_name, status_label
from web.models import Firm

# Params holding a moment, stored as Hong Kong wall-clock time and shown per locale.
MOMENTS = ("when", "closes")

# kind -> (title, body); both are formatted with the notification's params.
MESSAGES: dict[str, tuple[Any, Any]] = {
    "new_applicant": (
        _l("New applicant for %(posting)s"),
        _l("%(student)s applied to %(posting)s."),
    ),
    "stage_changed": (
        _l("Your application to %(firm)s: %(stage)s"),
        _l("Your application for %(posting)s at %(firm)s moved to the stage “%(stage)s”."),
    ),
    "rejected": (
        _l("Your application to %(firm)s"),
        _l(
            "Thank you for applying for %(posting)s at %(firm)s. The firm has decided not "
            "to go further with your application."
        ),
    ),
    "interview_scheduled": (
        _l("Interview invitation from %(firm)s"),
        _l(
            "%(firm)s invites you to an interview for %(posting)s on %(when)s "
            "(Hong Kong time) at %(where)s."
        ),
    ),
    "offer_made": (
        _l("Offer from %(firm)s"),
        _l("%(firm)s offers you a place as %(posting)s. Accept or decline it in Talent Bridge."),
    ),
    "offer_accepted": (
        _l("%(student)s accepted your offer"),
        _l("%(student)s accepted your offer for %(posting)s."),
    ),
    "offer_declined": (
        _l("%(student)s declined your offer"),
        _l("%(student)s declined your offer for %(posting)s."),
    ),
    "application_withdrawn": (
        _l("%(student)s withdrew an application"),
        _l("%(student)s withdrew their application for %(posting)s."),
    ),
    "withdrawn_after_placement": (
        _l("%(student)s accepted another internship"),
        _l(
            "%(student)s accepted an internship elsewhere, so their application for "
            "%(posting)s was withdrawn."
        ),
    ),
    "employer_approved": (
        _l("Your employer account is approved"),
        _l("You can now post internships and review applicants for %(firm)s."),
    ),
    "employer_rejected": (
        _l("Your employer account was not approved"),
        _l("The programme office did not approve your account for %(firm)s."),
    ),
    "posting_approved": (
        _l("Posting approved: %(posting)s"),
        _l("The programme office approved %(posting)s; students can now see it."),
    ),
    "posting_returned": (
        _l("Posting returned: %(posting)s"),
        _l("The programme office returned %(posting)s with this comment: %(comment)s"),
    ),
    "round_opened": (
        _l("Rank your internships: %(round)s"),
        _l(
            "The programme round “%(round)s” is open. Rank the internships you applied to, "
            "most wanted first, before %(closes)s (Hong Kong time). Ranking in your true "
            "order of preference is your best strategy."
        ),
    ),
    "round_opened_firm": (
        _l("Rank your applicants: %(round)s"),
        _l(
            "The programme round “%(round)s” is open. Check the order of your applicants "
            "for each of your postings in it before %(closes)s (Hong Kong time)."
        ),
    ),
    "round_placed": (
        _l("You have a place: %(posting)s at %(firm)s"),
        _l(
            "In the programme round “%(round)s” you were placed as %(posting)s at "
            "%(firm)s. Your other open applications were withdrawn."
        ),
    ),
    "round_unplaced": (
        _l("Results of %(round)s"),
        _l(
            "The programme round “%(round)s” could not place you this time. Your "
            "applications stay open, and the programme office may run a second phase."
        ),
    ),
    # Account emails (web/services/confirmation.py): sent by address, with no in-app notice.
    "confirm_email": (
        _l("Confirm your email address for Talent Bridge"),
        _l(
            "Someone, we hope you, signed up to Talent Bridge with this address. To finish, "
            "open the link below and enter the password you chose. The link works once, for "
            "%(hours)s hours. If you did not sign up, ignore this email: the account is not "
            "used until the address is confirmed."
        ),
    ),
    "already_registered": (
        _l("Someone tried to sign up with your address"),
        _l(
            "Someone, perhaps you, tried to create a Talent Bridge account with this address, "
            "which already has one. Nothing was changed. You can log in with your password "
            "at the link below. If it was not you, you can ignore this email."
        ),
    ),
    "imported_account": (
        _l("Your programme office has created your Talent Bridge account"),
        _l(
            "Someone, perhaps you, tried to sign up to Talent Bridge with this address. Your "
            "programme office has already created an account for it: choose your password "
            "with the link below (it works once). If it was not you, ignore this email."
        ),
    ),
    "round_results": (
        _l("Round results for %(posting)s"),
        _l(
            "The programme round “%(round)s” is published. Places of %(posting)s filled "
            "by the round: %(count)s of %(places)s. See who on the round page."
        ),
    ),
}


def storable(params: Mapping[str, Any]) -> dict[str, Any]:
    """Params as JSON can keep them: a Firm becomes both names, a datetime HK time."""
    values: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Firm):
            values[key] = value.name
            if value.name_zh:
                values[f"{key}_zh"] = value.name_zh
        elif isinstance(value, datetime):
            values[key] = hong_kong_wall_clock(value)
        else:
            values[key] = value
    return values


def hong_kong_wall_clock(value: datetime) -> str:
    """'2027-06-01 10:30' in Hong Kong (a naive value is UTC, as SQLite returns it)."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(HONG_KONG).strftime("%Y-%m-%d %H:%M")


def _moment(value: Any) -> Any:
    """A stored Hong Kong time in the locale's words; any other text as it was stored."""
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return hk_datetime(moment if moment.tzinfo else moment.replace(tzinfo=HONG_KONG))


def localise(params: Mapping[str, Any]) -> dict[str, Any]:
    """Params in the current locale: Chinese names, dates and numbers as it writes them."""
    values = dict(params)
    for key, value in params.items():
        if key.endswith("_zh"):
            continue
        if isinstance(value, str) and isinstance(params.get(f"{key}_zh"), str):
            values[key] = localised_name(value, params[f"{key}_zh"])
        elif key in MOMENTS:
            values[key] = _moment(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values[key] = format_decimal(value)
    if "stage" in values:
        values["stage"] = status_label(values["stage"])
    return values


def render(kind: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """Title and body in the current locale; stage codes become their labels."""
    title, body = MESSAGES[kind]
    values = localise(params)
    return str(title) % values, str(body) % values
