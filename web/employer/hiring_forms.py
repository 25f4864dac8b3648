"""Forms of the applicant page and of the shortlist's bulk actions."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from web.formatting import status_label
from web.forms_common import AppForm
from web.services.interviews import hong_kong_to_utc
from web.services.stages import PIPELINE, REJECTION_REASON_LABELS
from web.student.forms import VersionedForm

RATING_LABELS = {
    1: _l("1 – not a fit"),
    2: _l("2 – possible"),
    3: _l("3 – good"),
    4: _l("4 – excellent"),
}


def reason_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in REJECTION_REASON_LABELS.items()]


class MoveForm(VersionedForm):
    stage = SelectField(_l("Move to"), validators=[DataRequired()])
    note = TextAreaField(
        _l("Note for the history (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Only your firm sees it."),
    )
    submit = SubmitField(_l("Move"))


class RejectForm(VersionedForm):
    reason = SelectField(_l("Reason"), choices=reason_choices, validators=[DataRequired()])
    note = TextAreaField(
        _l("Details (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Only your firm sees the reason and the details."),
    )
    submit = SubmitField(_l("Reject"))


class OfferForm(VersionedForm):
    submit = SubmitField(_l("Make an offer"))


class InterviewForm(VersionedForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    at = TimeField(_l("Time (Hong Kong)"), validators=[InputRequired()])
    duration = IntegerField(
        _l("Length in minutes"), validators=[InputRequired(), NumberRange(5, 480)], default=45
    )
    location = StringField(
        _l("Place or video link"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("An address in Shenzhen or Hong Kong, or a video call link."),
    )
    details = TextAreaField(
        _l("Details for the student (optional)"), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Invite to interview"))

    def starts_at(self) -> datetime:
        """The interview's start in UTC, from the Hong Kong date and time entered."""
        return hong_kong_to_utc(self.day.data, self.at.data)

    def validate_at(self, field: TimeField) -> None:
        if self.day.data and field.data and self.starts_at() <= datetime.now(UTC):
            raise ValidationError(_l("Choose a time in the future."))


class NoteForm(AppForm):
    body = TextAreaField(
        _l("Private note"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Only your firm's staff see notes; the student never does."),
    )
    submit = SubmitField(_l("Add note"))


class RatingForm(AppForm):
    rating = RadioField(
        _l("Rating"),
        coerce=int,
        choices=[(n, label) for n, label in RATING_LABELS.items()],
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Save rating"))


class BulkForm(AppForm):
    """Around the shortlist: ticked applicants ("id:version") and what to do with them."""

    selected = SelectMultipleField(validate_choice=False)
    stage = SelectField(
        _l("Move to"),
        choices=lambda: [("", "—"), *((s, status_label(s)) for s in PIPELINE[1:])],
        validators=[Optional()],
    )
    reason = SelectField(
        _l("Reason"), choices=lambda: [("", "—"), *reason_choices()], validators=[Optional()]
    )
    note = StringField(_l("Details (optional)"), validators=[Optional(), Length(max=2000)])
    move = SubmitField(_l("Move selected"))
    reject = SubmitField(_l("Reject selected"))
