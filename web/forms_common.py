"""Form pieces shared by the student and employer portals: skill and language rows."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from web.formatting import SKILL_LEVEL_LABELS
from web.reference.languages import LEVEL_LABELS, language_choices
from web.services.skills import skill_key

LEVEL_CHOICES = [(n, f"{n} · {label}") for n, label in SKILL_LEVEL_LABELS.items()]
LANGUAGE_LEVEL_CHOICES = [(n, f"{n} · {label}") for n, label in LEVEL_LABELS.items()]
EXTRA_ROWS = 3  # blank rows offered under the filled ones; "add rows" offers more


class SkillRow(Form):
    name = StringField(_l("Skill"), validators=[Optional(), Length(max=100)])
    level = SelectField(_l("Level"), coerce=int, choices=LEVEL_CHOICES, default=3)


class LanguageRow(Form):
    language = SelectField(_l("Language"), validators=[Optional()])
    level = SelectField(_l("Level"), coerce=int, choices=LANGUAGE_LEVEL_CHOICES, default=3)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [("", "—"), *language_choices()]


def skill_list(label: object, max_entries: int = 40) -> FieldList:
    return FieldList(FormField(SkillRow), label=label, min_entries=1, max_entries=max_entries)


def language_list(label: object) -> FieldList:
    return FieldList(FormField(LanguageRow), label=label, min_entries=1, max_entries=12)


def filled_skills(rows: FieldList) -> list[tuple[str, int]]:
    return [
        (row.form.name.data.strip(), row.form.level.data)
        for row in rows
        if row.form.name.data and row.form.name.data.strip()
    ]


def filled_languages(rows: FieldList) -> list[tuple[str, int]]:
    return [(row.form.language.data, row.form.level.data) for row in rows if row.form.language.data]


def check_no_duplicate_skills(rows: FieldList) -> None:
    """Two rows naming one skill (e.g. "ML" and "machine learning") are refused."""
    seen: dict[str, str] = {}
    for row in rows:
        name = (row.form.name.data or "").strip()
        if not name:
            continue
        key = skill_key(name)
        if key in seen:
            row.form.name.errors = [
                *row.form.name.errors,
                _("“%(a)s” is the same skill as “%(b)s”.", a=name, b=seen[key]),
            ]
            raise ValidationError(_("Each skill may be listed once."))
        seen[key] = name


def check_no_duplicate_languages(rows: FieldList) -> None:
    seen: set[str] = set()
    for row in rows:
        code = row.form.language.data
        if code and code in seen:
            row.form.language.errors = [*row.form.language.errors, _("Listed twice.")]
            raise ValidationError(_("Each language may be listed once."))
        if code:
            seen.add(code)


def pad_rows(rows: FieldList, extra: int = EXTRA_ROWS) -> None:
    """Offer blank rows after the filled ones, up to the list's maximum."""
    blanks = sum(1 for r in rows if not _row_filled(r))
    for _blank in range(max(0, extra - blanks)):
        if rows.max_entries and len(rows) >= rows.max_entries:
            break
        rows.append_entry()


def _row_filled(row: FormField) -> bool:
    form = row.form
    value = getattr(form, "name", None) or getattr(form, "language", None)
    return bool(value is not None and value.data)
