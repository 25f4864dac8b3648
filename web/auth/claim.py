"""Claiming an imported student account with a one-time invitation link."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.forms import ClaimForm
from web.extensions import db, limiter
from web.security import auth_limit
from web.services import invitations


@bp.route("/claim/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def claim(token: str) -> Response | str | tuple[str, int]:
    try:
        user = invitations.check_token(token)
    except invitations.InvitationError as exc:
        return render_template("auth/claim_invalid.html", reason=exc.reason), 400
    form = ClaimForm(account_email=user.email)
    if form.validate_on_submit():
        invitations.claim(user, form.password.data)
        db.session.commit()
        login_user(user)
        flash(
            _("Your account is ready. Your profile stays private until you choose otherwise."),
            "success",
        )
        return redirect(url_for("student.dashboard"))
    return render_template("auth/claim.html", form=form, user=user)
