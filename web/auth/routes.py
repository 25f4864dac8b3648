"""Register, log in, log out."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.forms import (
    EmployerRegistrationForm,
    LoginForm,
    ResendConfirmationForm,
    StudentRegistrationForm,
)
from web.extensions import db, limiter
from web.models import Firm, User
from web.models.users import normalise_email
from web.public.privacy import statement_context
from web.security import auth_limit, login_email_key, login_email_limit
from web.services import accounts, confirmation


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
        elif user.email_verified_at is None:
            resend_form = ResendConfirmationForm(email=user.email)
            return render_template("auth/login.html", form=form, resend_form=resend_form)
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            target = request.args.get("next")
            return redirect(target if accounts.is_safe_next(target) else home_for(user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    # A new session token makes every copy of this session's cookie (and the
    # "keep me logged in" cookie) worthless, here and on other devices.
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.index"))


def _signed_up(email: str, password: str, create: Callable[[], User]) -> str:
    """The same answer whether or not the address already had an account."""
    try:
        accounts.sign_up(email, password, create)
        db.session.commit()
    except IntegrityError:  # the same address signed up at the same moment; that one won
        db.session.rollback()
    return check_email_page(email)


def check_email_page(email: str, *, resent: bool = False) -> str:
    return render_template(
        "auth/check_email.html",
        email=normalise_email(email),
        resent=resent,
        hours=confirmation.max_age() // 3600,
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def register_student() -> Response | str:
    form = StudentRegistrationForm()
    if form.validate_on_submit():
        email, password = form.email.data, form.password.data
        return _signed_up(
            email,
            password,
            lambda: accounts.register_student(email, password, form.full_name.data),
        )
    return render_template("auth/register_student.html", form=form, **statement_context())


@bp.route("/register/employer", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def register_employer() -> Response | str:
    form = EmployerRegistrationForm()
    firms = db.session.scalars(select(Firm).order_by(Firm.name)).all()
    form.firm_id.choices = [(0, _("My firm is not listed"))] + [
        (f.id, f"{f.name} {f.name_zh or ''}".strip()) for f in firms
    ]
    if form.validate_on_submit():
        email, password = form.email.data, form.password.data
        try:
            if form.firm_id.data:  # checked before the address is looked at
                accounts.check_firm_choice(form.firm_id.data)
        except accounts.AccountError as exc:
            getattr(form, exc.field or "firm_id").errors.append(str(exc))
        else:
            return _signed_up(
                email,
                password,
                lambda: accounts.register_employer(
                    email,
                    password,
                    firm_id=form.firm_id.data or None,
                    new_firm_name=form.new_firm_name.data or "",
                    new_firm_name_zh=form.new_firm_name_zh.data or "",
                    job_title=form.job_title.data or "",
                ),
            )
    return render_template("auth/register_employer.html", form=form, **statement_context())
