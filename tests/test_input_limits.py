"""Every form field has a limit: text no longer than the column it fills, numbers in range.

The forms are found by walking the ``web`` package, so a field added anywhere without a
limit fails here by name. Pages render the limit as the inputs' ``maxlength``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from sqlalchemy import String
from wtforms import (
    DecimalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    StringField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange

import web
from tests.hiring_support import applied
from web.extensions import db
from web.forms_common import AppForm
from web.models import (
    AllocationRound,
    ApplicantNote,
    Application,
    ApplicationEvent,
    EmployerMembership,
    Firm,
    Interview,
    Posting,
    PostingSkill,
    StudentProfile,
    StudentSkill,
    User,
)

# The column each field fills, by "module.Form.field" ("[]" for the rows of a list).
COLUMNS: dict[str, Any] = {
    "auth.forms.LoginForm.email": User.email,
    "auth.forms.StudentRegistrationForm.email": User.email,
    "auth.forms.StudentRegistrationForm.full_name": StudentProfile.full_name,
    "auth.forms.EmployerRegistrationForm.email": User.email,
    "auth.forms.EmployerRegistrationForm.job_title": EmployerMembership.job_title,
    "auth.forms.EmployerRegistrationForm.new_firm_name": Firm.name,
    "auth.forms.EmployerRegistrationForm.new_firm_name_zh": Firm.name_zh,
    "student.forms.ProfileForm.full_name": StudentProfile.full_name,
    "student.forms.ProfileForm.programme": StudentProfile.programme,
    "student.forms.ProfileForm.bio": StudentProfile.bio,
    "student.forms.ProfileForm.skills[].name": StudentSkill.name,
    "student.forms.ApplyForm.cover_note": Application.cover_note,
    "employer.forms.PostingForm.title": Posting.title,
    "employer.forms.PostingForm.description": Posting.description,
    "employer.forms.PostingForm.location": Posting.location,
    "employer.forms.PostingForm.required[].name": PostingSkill.name,
    "employer.forms.PostingForm.preferred[].name": PostingSkill.name,
    "employer.hiring_forms.MoveForm.note": ApplicationEvent.note,
    "employer.hiring_forms.RejectForm.note": ApplicationEvent.note,
    "employer.hiring_forms.BulkForm.note": ApplicationEvent.note,
    "employer.hiring_forms.InterviewForm.location": Interview.location,
    "employer.hiring_forms.InterviewForm.details": Interview.details,
    "employer.hiring_forms.NoteForm.body": ApplicantNote.body,
    "coordinator.forms.ReturnPostingForm.comment": Posting.review_comment,
    "round_forms.RoundForm.name": AllocationRound.name,
}
NUMBER_FIELDS = (IntegerField, DecimalField, FloatField)
FILE_FIELDS = (FileField, MultipleFileField)
TEXT_INPUT_TYPES = frozenset({"text", "email", "password", "search", "url", "tel"})


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _app_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(web.__path__, "web."):
        importlib.import_module(module.name)
    forms = {cls for cls in _subclasses(FlaskForm) if cls.__module__.startswith("web.")}
    return sorted(forms, key=lambda cls: (cls.__module__, cls.__name__))


def _validators(unbound: UnboundField) -> list[Any]:
    if "validators" in unbound.kwargs:
        return list(unbound.kwargs["validators"] or [])
    return list(unbound.args[1]) if len(unbound.args) > 1 else []


def _fields(form: type[Form], prefix: str) -> Iterator[tuple[str, UnboundField]]:
    """(path, unbound field) of every field, the rows of lists and subforms included."""
    for name in dir(form):
        unbound = getattr(form, name)
        if not isinstance(unbound, UnboundField):
            continue
        path = f"{prefix}.{name}"
        if issubclass(unbound.field_class, FieldList):
            yield from _inner(unbound.args[0], f"{path}[]")
        elif issubclass(unbound.field_class, FormField):
            yield from _fields(unbound.args[0], path)
        else:
            yield path, unbound


def _inner(unbound: UnboundField, path: str) -> Iterator[tuple[str, UnboundField]]:
    if issubclass(unbound.field_class, FormField):
        yield from _fields(unbound.args[0], path)
    else:
        yield path, unbound


FORMS = _app_forms()
FIELDS = {
    path: unbound
    for form in FORMS
    for path, unbound in _fields(form, f"{form.__module__.removeprefix('web.')}.{form.__name__}")
}
TEXT_FIELDS = sorted(p for p, u in FIELDS.items() if issubclass(u.field_class, StringField))
NUMBER = sorted(p for p, u in FIELDS.items() if issubclass(u.field_class, NUMBER_FIELDS))


def _length(path: str) -> Length | None:
    return next((v for v in _validators(FIELDS[path]) if isinstance(v, Length)), None)


def test_the_walk_finds_the_forms_of_every_portal():
    names = {form.__name__ for form in FORMS}
    assert {"LoginForm", "ProfileForm", "PostingForm", "UploadForm", "RoundForm"} <= names
    assert "student.forms.ProfileForm.skills[].name" in TEXT_FIELDS
    assert "round_forms.RankingForm.rows[].position" in NUMBER


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_form_refuses_control_characters(form):
    """AppForm turns a NUL (which PostgreSQL refuses) into a field error, not a 500."""
    assert issubclass(form, AppForm), f"{form.__module__}.{form.__name__} must extend AppForm"


@pytest.mark.parametrize("path", TEXT_FIELDS)
def test_every_text_field_has_a_maximum_length(path):
    length = _length(path)
    assert length is not None and length.max > 0, f"{path} needs Length(max=...)"


@pytest.mark.parametrize("path", NUMBER)
def test_every_number_field_has_a_range(path):
    ranges = [v for v in _validators(FIELDS[path]) if isinstance(v, NumberRange)]
    assert ranges and ranges[0].max is not None, f"{path} needs NumberRange(max=...)"
    assert ranges[0].min is not None, f"{path} needs NumberRange(min=...)"


@pytest.mark.parametrize("path", sorted(COLUMNS))
def test_no_text_field_is_longer_than_its_column(path):
    assert path in FIELDS, f"{path} is gone: update COLUMNS"
    column_type = COLUMNS[path].property.columns[0].type
    length = _length(path)
    assert length is not None
    if isinstance(column_type, String) and column_type.length:
        assert length.max <= column_type.length, (path, length.max, column_type.length)


def test_file_fields_are_bounded_by_the_request_size(app):
    files = [
        p for p, u in FIELDS.items() if issubclass(u.field_class, FileField | MultipleFileField)
    ]
    assert files  # the seed upload
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 64 * 1024 * 1024


class _Inputs(HTMLParser):
    """The text inputs and textareas of a page with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "textarea" or (
            tag == "input" and (values.get("type") or "text") in TEXT_INPUT_TYPES
        ):
            self.fields.append(values)


def _text_inputs(html: str) -> list[dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(html)
    return parser.fields


def _pages(make, client, login) -> Iterator[tuple[str, str]]:
    """(url, html) of the pages holding the text fields, as their users see them."""
    for url in ("/auth/login", "/auth/register", "/auth/register/employer", "/postings"):
        yield url, client.get(url).get_data(as_text=True)
    firm = make.firm()
    employer, posting, student = make.employer(firm), make.posting(firm), make.student()
    application = applied(client, login, student, posting)
    waiting = make.posting(firm)
    waiting.review_status = "pending"
    db.session.commit()
    login(student)
    for url in ("/student/profile/edit", f"/postings/{posting.ref}"):
        yield url, client.get(url).get_data(as_text=True)
    login.logout()
    login(employer)
    for url in (
        "/employer/postings/new",
        f"/employer/postings/{posting.id}/edit",
        f"/employer/postings/{posting.id}",
        f"/employer/applications/{application.id}",
    ):
        yield url, client.get(url).get_data(as_text=True)
    login.logout()
    login(make.coordinator())
    for url in ("/coordinator/reviews", "/coordinator/rounds/new"):
        yield url, client.get(url).get_data(as_text=True)


def test_pages_show_each_limit_as_maxlength(make, client, login):
    seen = 0
    for url, html in _pages(make, client, login):
        for attrs in _text_inputs(html):
            if attrs.get("name") in (None, "csrf_token"):
                continue
            seen += 1
            assert (attrs.get("maxlength") or "").isdigit(), (url, attrs.get("name"))
    assert seen >= 20


def test_a_control_character_is_a_field_error_not_a_server_error(client, login, make):
    """PostgreSQL refuses NUL in text: the form says so beside the field instead."""
    login(make.student())
    data = {
        "full_name": "Chan\x00Tai Man",
        "university": "HKU",
        "programme": "BEng\x07",
        "skills-0-name": "Py\x00thon",
        "skills-0-level": "3",
        "bio": "Two lines\r\nand a tab\tare fine.",
    }
    response = client.post("/student/profile/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("Remove the control character U+0000: it cannot be saved.") == 2
    assert "Remove the control character U+0007: it cannot be saved." in html
    assert "A row contains a character that cannot be saved." in html
    data.update({"full_name": "Chan Tai Man", "programme": "BEng", "skills-0-name": "Python"})
    assert client.post("/student/profile/edit", data=data).status_code == 302


def test_a_nul_in_an_address_is_a_bad_request(client):
    assert client.get("/postings", query_string={"q": "a\x00b"}).status_code == 400
    assert client.get("/postings/QLL%00").status_code == 400
    assert client.get("/postings", query_string={"q": "a\x01b"}).status_code == 200


def test_a_form_larger_than_the_request_limit_is_a_413_page(app, client, login, make):
    login(make.student())
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = client.post("/student/profile/edit", data={"bio": "x" * 100_000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_a_number_too_large_to_compare_is_out_of_range(client, login, make):
    """WTForms' range check cannot take an int beyond a float's range; the form can."""
    login(make.employer())
    response = client.post("/employer/postings/new", data={"capacity": "9" * 400})
    assert response.status_code == 200
    assert "Number must be between 1 and 500." in response.get_data(as_text=True)
