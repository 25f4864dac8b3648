"""Confirming the email address from the link sent at sign-up, and sending a new link."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.forms import ConfirmForm, ResendConfirmationForm
from web.auth.routes import check_email_page, home_for
from web.extensions import db, limiter
from web.security import auth_limit, login_email_key, login_email_limit
from web.services import accounts, confirmation


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def confirm(token: str) -> Response | str | tuple[str, int]:
    try:
        user = confirmation.check_token(token)
    except confirmation.ConfirmationError as exc:
        return render_template("auth/confirm_invalid.html", reason=exc.reason), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        if user.check_password(form.password.data):
            confirmation.confirm(user)
            db.session.commit()
            login_user(user)
            flash(_("Thank you: your email address is confirmed."), "success")
            if user.is_student:
                return redirect(url_for("student.edit_profile"))
            if user.is_employer:
                return redirect(url_for("employer.pending"))
            return redirect(home_for(user))
        form.password.errors.append(_("That is not the password chosen for this account."))
    return render_template("auth/confirm.html", form=form, user=user)


@bp.post("/confirmation/resend")
@limiter.limit(auth_limit)
@limiter.limit(login_email_limit, key_func=login_email_key)
def resend_confirmation() -> Response | str:
    """A new link, answered alike whether or not the address waits for confirmation."""
    form = ResendConfirmationForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.login"))
    confirmation.resend(accounts.find_user(form.email.data))
    db.session.commit()
    return check_email_page(form.email.data, resent=True)
