"""The text of every notification, by kind, marked for translation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from web.formatting import status_label

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
}


def render(kind: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """Title and body in the current locale; stage codes become their labels."""
    title, body = MESSAGES[kind]
    values = dict(params)
    if "stage" in values:
        values["stage"] = status_label(values["stage"])
    return str(title) % values, str(body) % values
