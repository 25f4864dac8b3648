"""Form pieces shared by the portals: the base form, skill and language rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from typing import Any, TypeVar

from babel import support
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, Form, FormField, IntegerField, SelectField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import Length, Optional, ValidationError

from web.formatting import SKILL_LEVEL_LABELS
from web.reference.languages import LEVEL_LABELS, language_choices
from web.services.skills import skill_key


# Callables, so that WTForms builds the labels per form, in the request's language.
def level_choices() -> list[tuple[int, str]]:
    return [(n, f"{n} · {label}") for n, label in SKILL_LEVEL_LABELS.items()]


def language_level_choices() -> list[tuple[int, str]]:
    return [(n, f"{n} · {label}") for n, label in LEVEL_LABELS.items()]


EXTRA_ROWS = 3  # blank rows offered under the filled ones; "add rows" offers more
MAX_ID = 2**31 - 1  # the largest id or version a hidden field may carry (SQL integer)
# Control characters nobody types (tab and line breaks excepted). PostgreSQL refuses
# NUL in text, so without this check a pasted or forged one would be a server error.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Validator = Callable[[Any, Field], None]
F = TypeVar("F", bound=Field)


# WTForms' NumberRange calls math.isnan(), which cannot take an int beyond a float's
# range (about 309 digits): such a number is dropped first, so the range refuses it.
HUGE_NUMBER = 10**18


def wtforms_locale(locale: str) -> str:
    """WTForms ships zh (Simplified) and zh_TW (Traditional): pick by script, not region."""
    if locale.startswith("zh_Hant"):
        return "zh_TW"
    if locale.startswith("zh"):
        return "zh"
    return locale


class _WTFormsTranslations:
    """WTForms' own messages ("This field is required.") in the page's script."""

    def _catalogue(self) -> support.Translations | None:
        if not has_request_context():
            return None
        return _load_wtforms_catalogue(wtforms_locale(str(get_locale() or "en")))

    def gettext(self, string: str) -> str:
        catalogue = self._catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalogue = self._catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


@cache
def _load_wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


WTFORMS_TRANSLATIONS = _WTFormsTranslations()


class AppForm(FlaskForm):
    """The base of every form: input no one types is a field error, never a server error.

    A control character in any text field is refused on the field, and a number too
    large to compare fails the field's range check.
    """

    class Meta:
        def get_translations(self, form: object) -> _WTFormsTranslations:
            return WTFORMS_TRANSLATIONS

    def validate(self, extra_validators: Mapping[str, Sequence[Validator]] | None = None) -> bool:
        for field in self:
            for number in _leaves(field, IntegerField):
                if isinstance(number.data, int) and abs(number.data) > HUGE_NUMBER:
                    number.data = None
        extra = {name: [no_control_characters] for name in self._fields}
        for name, validators in (extra_validators or {}).items():
            extra[name] = [*extra.get(name, []), *validators]
        return super().validate(extra)


def no_control_characters(form: Any, field: Field) -> None:
    """Refuse control characters in a text field, or in the text fields of a list's rows."""
    if isinstance(field, StringField):
        _check_text(field.data)
        return
    bad = False
    for inner in _leaves(field, StringField):
        try:
            _check_text(inner.data)
        except ValidationError as exc:
            inner.errors = [*inner.errors, str(exc)]
            bad = True
    if bad:
        raise ValidationError(_("A row contains a character that cannot be saved."))


def _check_text(value: object) -> None:
    found = CONTROL_CHARACTERS.search(value) if isinstance(value, str) else None
    if found is not None:
        raise ValidationError(
            _(
                "Remove the control character U+%(code)04X: it cannot be saved.",
                code=ord(found.group(0)),
            )
        )


def _leaves(field: Field, kind: type[F]) -> Iterator[F]:
    """The fields of a kind in a field: itself, or those of a list's rows, however nested."""
    if isinstance(field, kind):
        yield field
    elif isinstance(field, FieldList):
        for entry in field.entries:
            yield from _leaves(entry, kind)
    elif isinstance(field, FormField):
        for inner in field.form:
            yield from _leaves(inner, kind)


class SkillRow(Form):
    name = StringField(_l("Skill"), validators=[Optional(), Length(max=100)])
    level = SelectField(_l("Level"), coerce=int, choices=level_choices, default=3)


class LanguageRow(Form):
    language = SelectField(_l("Language"), validators=[Optional()])
    level = SelectField(_l("Level"), coerce=int, choices=language_level_choices, default=3)

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
