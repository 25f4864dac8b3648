from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from web.forms_common import AppForm


class PostingSearchForm(AppForm):
    """A GET form: no CSRF token needed since it changes nothing."""

    class Meta:
        csrf = False

    q = SearchField(_l("Keywords"), validators=[Optional(), Length(max=100)])
    firm = SelectField(_l("Firm"), coerce=int, validators=[Optional()])
