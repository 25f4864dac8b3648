"""Forms for uploading seed files and downloading exports (CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileRequired, MultipleFileField
from wtforms import SelectField, SubmitField
from wtforms.validators import ValidationError

from web.forms_common import AppForm

MAX_FILES = 10


class UploadForm(AppForm):
    files = MultipleFileField(
        _l("Seed files"),
        validators=[
            FileRequired(_l("Choose at least one file.")),
            FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files can be imported.")),
        ],
        description=_l(
            "Firms, postings or students files, one or several; their kind is read from "
            "the header row."
        ),
    )
    encoding = SelectField(
        _l("Text encoding of CSV files"),
        choices=[
            ("", _l("Detect it")),
            ("utf-8", "UTF-8"),
            ("gb18030", "GB18030 / GBK"),
            ("big5hkscs", "Big5-HKSCS"),
        ],
        default="",
    )
    submit = SubmitField(_l("Check the files"))

    def validate_files(self, field: MultipleFileField) -> None:
        if len(field.data or []) > MAX_FILES:
            raise ValidationError(_l("Upload at most %(n)d files at a time.", n=MAX_FILES))


class ConfirmImportForm(AppForm):
    submit = SubmitField(_l("Import these files"))


class CancelImportForm(AppForm):
    submit = SubmitField(_l("Cancel"))


class DownloadForm(AppForm):
    submit = SubmitField(_l("Download CSV"))
