from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from web.forms_common import AppForm
from web.i18n import LANGUAGE_NAMES, offered


class PostingSearchForm(AppForm):
    """A GET form: no CSRF token needed since it changes nothing."""

    class Meta:
        csrf = False

    q = SearchField(_l("Keywords"), validators=[Optional(), Length(max=100)])
    firm = SelectField(_l("Firm"), coerce=int, validators=[Optional()])


class LanguageForm(AppForm):
    """The switcher in every page's menu bar; the choice is one of the offered languages."""

    locale = SelectField(_l("Language"), validators=[Length(max=20)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = [
            (code, name) for code, name in LANGUAGE_NAMES.items() if code in offered()
        ]
