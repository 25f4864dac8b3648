"""Forms of allocation rounds, for the three portals (one module: they share the limits)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from web.formatting import HONG_KONG
from web.forms_common import MAX_ID, AppForm
from web.models.rounds import MAX_CHOICES_LIMIT
from web.services.rounds import DEFAULT_MAX_CHOICES, RoundData

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def hong_kong(value: datetime) -> datetime:
    """A naive Hong Kong wall-clock time for a datetime-local input (naive = UTC)."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(HONG_KONG).replace(tzinfo=None)


def from_hong_kong(value: datetime) -> datetime:
    return value.replace(tzinfo=HONG_KONG).astimezone(UTC)


class RoundForm(AppForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Summer 2027 internships, main round"),
    )
    postings = SelectMultipleField(
        _l("Postings taking part"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one posting."))],
        description=_l(
            "Open postings in no other round. Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )
    opens_at = DateTimeLocalField(
        _l("Rank lists open (Hong Kong time)"), format=LOCAL_FORMAT, validators=[DataRequired()]
    )
    closes_at = DateTimeLocalField(
        _l("Rank lists close (Hong Kong time)"), format=LOCAL_FORMAT, validators=[DataRequired()]
    )
    results_on = DateField(
        _l("Result date"),
        validators=[DataRequired()],
        description=_l("The date students and firms are told they can expect the results."),
    )
    max_choices = IntegerField(
        _l("Most postings a student may rank"),
        default=DEFAULT_MAX_CHOICES,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_CHOICES_LIMIT)],
    )
    phase = SelectField(
        _l("Phase"),
        coerce=int,
        choices=[
            (1, _l("Phase 1: the main round")),
            (2, _l("Phase 2: unplaced students and places left after an earlier round")),
        ],
        default=1,
    )
    parent_id = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    submit = SubmitField(_l("Save round"))

    def data_for_service(self) -> RoundData:
        return RoundData(
            name=self.name.data or "",
            opens_at=from_hong_kong(self.opens_at.data),
            closes_at=from_hong_kong(self.closes_at.data),
            results_on=self.results_on.data,
            max_choices=self.max_choices.data,
            phase=self.phase.data,
            posting_ids=list(self.postings.data or []),
            parent_id=self.parent_id.data,
        )


def _optional_id(value: object) -> int:
    """A select's value: a posting id, or 0 for the blank "—" option."""
    if value in (None, ""):
        return 0
    return int(value)  # anything else that is not a number is a form error


class ChoicesForm(AppForm):
    """A student's rank list: one select per position, no script needed."""

    choices = FieldList(
        SelectField(_l("Choice"), coerce=_optional_id, validate_choice=False),
        min_entries=1,
        max_entries=MAX_CHOICES_LIMIT,
    )
    submit = SubmitField(_l("Save my ranking"))


class RankRowForm(Form):
    student_id = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)]
    )
    position = IntegerField(
        _l("Position"), validators=[InputRequired(), NumberRange(min=1, max=1_000_000)]
    )
    acceptable = BooleanField(_l("Acceptable"))


class RankingForm(AppForm):
    """One page of an employer's order of applicants."""

    rows = FieldList(FormField(RankRowForm), min_entries=0, max_entries=500)
    submit = SubmitField(_l("Save this order"))
