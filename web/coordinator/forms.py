"""Coordinator forms: the posting review decision and the programme settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from web.forms_common import AppForm


class ReturnPostingForm(AppForm):
    comment = TextAreaField(
        _l("Comment for the firm"),
        validators=[DataRequired(_l("Say what the firm should change.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Return with comment"))


class SettingsForm(AppForm):
    review_postings = BooleanField(
        _l("Postings must be approved before students see them"),
        description=_l(
            "When on, a posting an employer publishes, or edits after publishing, waits in "
            "the review queue until a coordinator approves it. Imported postings are "
            "approved as they are imported."
        ),
    )
    submit = SubmitField(_l("Save settings"))
