"""The personal information collection statement (PDPO), public and shown at sign-up."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for

from web.public import bp
from web.services.consents import TEXT_VERSIONS


def statement_context() -> dict[str, Any]:
    """What templates/privacy/_collection.html needs, for every page that includes it."""
    return {
        "statement_version": TEXT_VERSIONS["collection"],
        "privacy_contact": current_app.config["PRIVACY_CONTACT_EMAIL"],
        "own_data_url": url_for("student.privacy_page"),
    }


@bp.route("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html", **statement_context())
