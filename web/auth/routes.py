"""Register, log in, log out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.forms import EmployerRegistrationForm, LoginForm, StudentRegistrationForm
from web.extensions import db, limiter
from web.models import Firm, User
from web.security import auth_limit, login_email_key, login_email_limit
from web.services import accounts


def home_for(user: User) -> str:
    return {
        "student": url_for("student.dashboard"),
        "employer": url_for("employer.dashboard"),
        "coordinator": url_for("coordinator.dashboard"),
    }[user.role]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@limiter.limit(login_email_limit, methods=["POST"], key_func=login_email_key)
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Wrong email or password."), "danger")
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            target = request.args.get("next")
            return redirect(target if accounts.is_safe_next(target) else home_for(user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def register_student() -> Response | str:
    form = StudentRegistrationForm()
    if form.validate_on_submit():
        if accounts.email_taken(form.email.data):
            form.email.errors.append(
                _("An account with this email already exists. Log in instead.")
            )
        else:
            user = accounts.register_student(
                form.email.data, form.password.data, form.full_name.data
            )
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Complete your profile so firms can see your skills."), "success")
            return redirect(url_for("student.edit_profile"))
    return render_template("auth/register_student.html", form=form)


@bp.route("/register/employer", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def register_employer() -> Response | str:
    form = EmployerRegistrationForm()
    firms = db.session.scalars(select(Firm).order_by(Firm.name)).all()
    form.firm_id.choices = [(0, _("My firm is not listed"))] + [
        (f.id, f"{f.name} {f.name_zh or ''}".strip()) for f in firms
    ]
    if form.validate_on_submit():
        if accounts.email_taken(form.email.data):
            form.email.errors.append(
                _("An account with this email already exists. Log in instead.")
            )
        else:
            try:
                user = accounts.register_employer(
                    form.email.data,
                    form.password.data,
                    firm_id=form.firm_id.data or None,
                    new_firm_name=form.new_firm_name.data or "",
                    new_firm_name_zh=form.new_firm_name_zh.data or "",
                    job_title=form.job_title.data or "",
                )
            except accounts.AccountError as exc:
                getattr(form, exc.field or "firm_id").errors.append(str(exc))
            else:
                db.session.commit()
                login_user(user)
                return redirect(url_for("employer.pending"))
    return render_template("auth/register_employer.html", form=form)
