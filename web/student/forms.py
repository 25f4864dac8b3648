"""The student's profile and application forms."""

from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from web.forms_common import (
    MAX_ID,
    AppForm,
    check_no_duplicate_languages,
    check_no_duplicate_skills,
    language_list,
    skill_list,
)
from web.models import Firm
from web.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from web.reference.institutions import institution_choices
from web.services.applications import TRANSFERRED_DATA

YEAR_CHOICES = [(n, str(n)) for n in range(1, 8)]


class ProfileForm(AppForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    university = SelectField(_l("University"), validators=[DataRequired()])
    programme = StringField(
        _l("Programme of study"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: BEng Computer Science"),
    )
    year_of_study = SelectField(
        _l("Year of study"), coerce=int, choices=YEAR_CHOICES, validators=[Optional()]
    )
    graduation_year = IntegerField(
        _l("Graduation year"),
        validators=[Optional(), NumberRange(min=2000, max=2100)],
    )
    skills = skill_list(_l("Skills"))
    languages = language_list(_l("Languages"))
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_to = DateField(_l("Available until"), validators=[Optional()])
    bio = TextAreaField(
        _l("About you"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "A few sentences for employers: interests, projects, what you hope to learn."
        ),
    )
    add_rows = SubmitField(_l("Add more rows"))
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.university.choices = [("", "—"), *institution_choices(str(get_locale() or "en"))]

    def validate_available_to(self, field: DateField) -> None:
        start: date | None = self.available_from.data
        if field.data and start and field.data <= start:
            raise ValidationError(_l("The end of your availability must come after its start."))

    def validate_skills(self, field: object) -> None:
        check_no_duplicate_skills(self.skills)

    def validate_languages(self, field: object) -> None:
        check_no_duplicate_languages(self.languages)


class ApplyForm(AppForm):
    cover_note = TextAreaField(
        _l("Cover note"),
        validators=[DataRequired(), Length(min=20, max=3000)],
        description=_l("Why this internship, and what you would bring (20 to 3,000 characters)."),
    )
    transfer_consent = BooleanField(
        _l("I agree that my data is sent to the firm in Shenzhen"),
        validators=[
            DataRequired(message=_l("Tick this box to agree, or your application cannot be sent."))
        ],
    )
    submit = SubmitField(_l("Send application"))

    def __init__(self, *args: object, firm: Firm | None = None, **kwargs: object) -> None:
        """The consent names the firm (both its names) and lists what it receives."""
        super().__init__(*args, **kwargs)
        if firm is not None:
            name = f"{firm.name} ({firm.name_zh})" if firm.name_zh else firm.name
            self.transfer_consent.label.text = _l(
                "I agree that Talent Bridge sends the data listed above to %(firm)s in "
                "Shenzhen, mainland China, so that the firm can consider my application.",
                firm=name,
            )
        # Shown above the box by the template, errors or not (a field description is not).
        self.transferred_data = _l(
            "Sent to the firm if you apply: %(data)s.",
            data=", ".join(str(d) for d in TRANSFERRED_DATA),
        )


class ConfirmForm(AppForm):
    """A bare form for buttons that change state, so that they carry a CSRF token."""

    submit = SubmitField(_l("Confirm"))


class VersionedForm(AppForm):
    """A form acting on an application, carrying the version the user saw.

    A different current version means someone else changed the application since the
    page was loaded; the change is then refused rather than applied to a stale picture.
    """

    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=MAX_ID)]
    )


class StageForm(VersionedForm):
    """The student's buttons on an application: accept, decline, withdraw."""

    submit = SubmitField(_l("Confirm"))


class DiscoveryForm(AppForm):
    """Opting in to talent search: a consent of its own, off until the student ticks it."""

    discoverable = BooleanField(
        _l("Let approved employers find my profile in talent search"),
        description=_l(
            "Off by default; you can turn it off again at any time. Employers always see the "
            "profile of a student who applies to them."
        ),
    )
    submit = SubmitField(_l("Save my choice"))


class DeleteAccountForm(AppForm):
    """Deleting the account: the password and the email address typed again, so no slip does it."""

    password = PasswordField(
        _l("Your password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )
    confirm = StringField(
        _l("Type your email address to confirm"),
        validators=[DataRequired(), Length(max=254)],
    )
    submit = SubmitField(_l("Delete my account"))
