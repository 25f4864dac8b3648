from flask import Blueprint, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import guard_blueprint

bp = Blueprint("employer", __name__)


def _require_approval() -> Response | None:
    """A pending or rejected employer sees only the page that says so."""
    if not current_user.is_approved_employer and request.endpoint != "employer.pending":
        return redirect(url_for("employer.pending"))
    return None


guard_blueprint(bp, "employer", extra_check=_require_approval)

from web.employer import applicant, bulk, export, rounds, routes, shortlist  # noqa: E402,F401
