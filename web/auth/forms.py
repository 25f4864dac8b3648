"""Sign-up and log-in forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from web.forms_common import AppForm
from web.passwords import MAX_LENGTH, password_problems, personal_words

# WTForms' default adds the validator library's English detail; this reads the same in all.
INVALID_EMAIL = _l("Enter a valid email address, such as name@example.edu.hk.")


class LoginForm(AppForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class _PasswordMixin:
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 10 characters; a phrase of unrelated words works well."),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[
            DataRequired(),
            Length(max=MAX_LENGTH),
            EqualTo("password", message=_l("The passwords differ.")),
        ],
    )

    def validate_password(self, field: PasswordField) -> None:
        email = getattr(self, "email", None)
        problems = password_problems(field.data or "", personal_words(email.data if email else ""))
        if problems:
            raise ValidationError(problems[0])


class _StatementMixin:
    agree = BooleanField(
        _l("I have read the personal information collection statement"),
        validators=[
            DataRequired(message=_l("Please read the statement and tick the box to go on."))
        ],
    )


class StudentRegistrationForm(_PasswordMixin, _StatementMixin, AppForm):
    email = EmailField(
        _l("University email"),
        validators=[DataRequired(), Email(message=INVALID_EMAIL), Length(max=254)],
    )
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Create student account"))


class EmployerRegistrationForm(_PasswordMixin, _StatementMixin, AppForm):
    email = EmailField(
        _l("Work email"), validators=[DataRequired(), Email(message=INVALID_EMAIL), Length(max=254)]
    )
    job_title = StringField(_l("Your job title"), validators=[Optional(), Length(max=120)])
    firm_id = SelectField(
        _l("Your firm"),
        coerce=int,
        description=_l("Choose your firm, or “My firm is not listed” to add it."),
    )
    new_firm_name = StringField(_l("Firm name (English)"), validators=[Optional(), Length(max=200)])
    new_firm_name_zh = StringField(
        _l("Firm name (Chinese)"), validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField(_l("Register for my firm"))

    def validate(self, extra_validators: object = None) -> bool:
        ok = super().validate(extra_validators)
        # Checked here because Optional() stops the field's own validators on an empty value.
        if self.firm_id.data == 0 and not (self.new_firm_name.data or "").strip():
            self.new_firm_name.errors = [
                *self.new_firm_name.errors,
                str(_l("Give your firm's English name, or choose it from the list.")),
            ]
            return False
        return ok


class ResendConfirmationForm(AppForm):
    email = HiddenField(validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a new link"))


class ConfirmForm(AppForm):
    """Whoever opens the link proves they chose the account's password too."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    submit = SubmitField(_l("Confirm my address and log in"))


class LogoutForm(AppForm):
    submit = SubmitField(_l("Log out"))


class ClaimForm(_PasswordMixin, AppForm):
    """An imported student's first password, judged by the same policy as sign-up."""

    submit = SubmitField(_l("Set my password and log in"))

    def __init__(self, *args: object, account_email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email

    def validate_password(self, field: PasswordField) -> None:
        problems = password_problems(field.data or "", personal_words(self.account_email))
        if problems:
            raise ValidationError(problems[0])
