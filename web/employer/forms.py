"""The posting form."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from web.forms_common import (
    AppForm,
    check_no_duplicate_languages,
    check_no_duplicate_skills,
    filled_skills,
    language_list,
    skill_list,
)
from web.reference.institutions import institution_choices
from web.reference.languages import language_choices
from web.services.shortlist import Filters
from web.services.skills import skill_key


class PostingForm(AppForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=5000)])
    location = StringField(
        _l("Location"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: Shenzhen, Nanshan District"),
    )
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()])
    capacity = IntegerField(
        _l("Places"), validators=[InputRequired(), NumberRange(min=1, max=500)], default=1
    )
    deadline = DateField(
        _l("Application deadline"),
        validators=[Optional()],
        description=_l("Applications are taken up to and including this day."),
    )
    required = skill_list(_l("Required skills (minimum level)"), max_entries=20)
    preferred = skill_list(_l("Preferred skills"), max_entries=20)
    languages = language_list(_l("Languages (minimum level)"))
    add_rows = SubmitField(_l("Add more rows"))
    save_draft = SubmitField(_l("Save as draft"))
    publish = SubmitField(_l("Save and open for applications"))

    def validate_end_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data <= self.start_date.data:
            raise ValidationError(_l("The end date must come after the start date."))

    def validate_deadline(self, field: DateField) -> None:
        if field.data and self.end_date.data and field.data > self.end_date.data:
            raise ValidationError(_l("The deadline must not be after the internship ends."))

    def validate_required(self, field: object) -> None:
        if not any((row.form.name.data or "").strip() for row in self.required):
            raise ValidationError(_("List at least one required skill."))
        check_no_duplicate_skills(self.required)

    def validate_preferred(self, field: object) -> None:
        check_no_duplicate_skills(self.preferred)
        required = {skill_key(name) for name, _level in filled_skills(self.required)}
        for row in self.preferred:
            name = (row.form.name.data or "").strip()
            if name and skill_key(name) in required:
                row.form.name.errors = [_("Already a required skill.")]
                raise ValidationError(_("A skill is either required or preferred, not both."))

    def validate_languages(self, field: object) -> None:
        check_no_duplicate_languages(self.languages)


class CandidateFilterForm(AppForm):
    """Filters of the shortlist and talent search: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    university = SelectField(_l("University"), validators=[Optional()])
    year = SelectField(_l("Year of study"), validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()])
    min_score = IntegerField(
        _l("Minimum score"), validators=[Optional(), NumberRange(min=0, max=100)]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "en")
        self.university.choices = [("", _("Any university")), *institution_choices(locale)]
        self.year.choices = [("", _("Any year"))] + [(str(n), str(n)) for n in range(1, 8)]
        self.language.choices = [("", _("Any language")), *language_choices()]

    def filters(self) -> Filters:
        valid = self.validate()
        year = self.year.data if valid and (self.year.data or "").isdigit() else None
        return Filters(
            university=(self.university.data or None) if valid else None,
            year=int(year) if year else None,
            language=(self.language.data or None) if valid else None,
            min_score=float(self.min_score.data or 0) if valid else 0.0,
        )
