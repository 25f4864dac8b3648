"""Random input into the forms people fill in: never a server error, always a message.

Hypothesis posts text of every kind (unicode, NUL and other control characters, very
long strings, markup) through the test client. A form either does its work (a
redirect) or comes back with each error beside a named field on the page; an upload
either previews or names, for each problem, the file, and for a cell its row and column.
Examples are few and unhurried (``max_examples``, no deadline), so the file runs in
about a minute.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tests.hiring_support import applied
from tests.seedfiles import HEADERS, student

FUZZ = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONTROL = st.characters(max_codepoint=0x1F) | st.sampled_from("\x7f\x85\u2028\u202e\ufeff\ufffe")
short_text = st.text(max_size=40)  # any code point but lone surrogates, which HTTP cannot carry
control_text = st.text(CONTROL | st.characters(exclude_categories=["Cs"]), max_size=30)
long_text = st.builds(
    lambda unit, times: (unit * times)[:20_000],
    st.text(min_size=1, max_size=8),
    st.integers(min_value=30, max_value=5000),
)
tricky = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "<script>alert(1)</script>", "9" * 40, "-1", "2027-02-30", "０"]
)
anything = st.one_of(short_text, control_text, long_text, tricky)
maybe_date = st.one_of(st.dates().map(date.isoformat), anything)
maybe_number = st.one_of(st.integers().map(str), anything)


class _Page(HTMLParser):
    """The error messages of a page and what each is attached to."""

    def __init__(self) -> None:
        super().__init__()
        self.last_control: tuple[str | None, bool] | None = None  # (name, marked invalid)
        self.fieldsets = 0
        self.feedback: list[tuple[str | None, bool] | None] = []  # the control before each
        self.list_errors: list[bool] = []  # inside a fieldset of rows?
        self.unnamed_invalid = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        if tag in ("input", "select", "textarea"):
            self.last_control = (values.get("name"), "is-invalid" in classes)
            if "is-invalid" in classes and not values.get("name"):
                self.unnamed_invalid += 1
        elif tag == "fieldset":
            self.fieldsets += 1
        elif tag == "div" and "invalid-feedback" in classes:
            self.feedback.append(self.last_control)
        elif tag == "div" and "text-danger" in classes:
            self.list_errors.append(self.fieldsets > 0)

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset":
            self.fieldsets -= 1


def assert_answered(response, *, form_marker: str, flash_only: bool = False) -> None:
    """Done (a redirect), or the form again with every error beside a named field."""
    assert response.status_code < 500
    if response.status_code in (301, 302, 303):
        return
    assert response.status_code in (200, 400, 413), response.status_code
    if response.status_code == 413:  # more than the request size limit: the 413 page
        return
    html = response.get_data(as_text=True)
    if form_marker not in html:  # the form's work is done and a page says so
        return
    page = _Page()
    page.feed(html)
    for control in page.feedback:
        assert control is not None and control[0] and control[1], control
    assert all(page.list_errors), "a list error outside its fieldset"
    assert page.unnamed_invalid == 0
    shown = len(page.feedback) + len(page.list_errors)
    if flash_only:
        assert shown or "alert-danger" in html
    else:
        assert shown, "the form came back without saying what is wrong"


@pytest.fixture
def as_student(client, login, make):
    user = make.student()
    login(user)
    return user


@pytest.fixture
def as_employer(client, login, make):
    user = make.employer()
    login(user)
    return user


# -- accounts ------------------------------------------------------------------------------


def test_registration_never_fails(client):
    @FUZZ
    @given(
        email=st.one_of(anything, st.emails()),
        name=anything,
        password=st.one_of(anything, st.just(PASSWORD)),
        confirm=st.one_of(anything, st.just(PASSWORD)),
        agree=st.sampled_from(["", "y", "\x00"]),
    )
    def run(email: str, name: str, password: str, confirm: str, agree: str) -> None:
        data = {
            "email": email,
            "full_name": name,
            "password": password,
            "confirm": confirm,
            "agree": agree,
        }
        response = client.post("/auth/register", data=data)
        assert_answered(response, form_marker='name="full_name"')

    run()


def test_employer_registration_never_fails(client, make):
    make.firm()

    @FUZZ
    @given(
        email=st.one_of(anything, st.emails()),
        firm_id=st.one_of(st.just("0"), maybe_number),
        name=anything,
        name_zh=anything,
        title=anything,
    )
    def run(email: str, firm_id: str, name: str, name_zh: str, title: str) -> None:
        data = {
            "email": email,
            "firm_id": firm_id,
            "new_firm_name": name,
            "new_firm_name_zh": name_zh,
            "job_title": title,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "agree": "y",
        }
        response = client.post("/auth/register/employer", data=data)
        assert_answered(response, form_marker='name="job_title"')

    run()


def test_login_never_fails(client, make):
    make.student("known@hku.example.edu.hk")

    @FUZZ
    @given(
        email=st.one_of(anything, st.just("known@hku.example.edu.hk")),
        password=anything,
        remember=st.sampled_from(["", "y", "\x00"]),
    )
    def run(email: str, password: str, remember: str) -> None:
        data = {"email": email, "password": password, "remember": remember}
        response = client.post("/auth/login", data=data)
        # A wrong password is told in a message above the form, not on a field.
        assert_answered(response, form_marker='name="password"', flash_only=True)
        client.post("/auth/logout")

    run()


# -- the student's forms ------------------------------------------------------------------


def test_profile_edit_never_fails(client, as_student):
    @FUZZ
    @given(
        name=anything,
        university=st.one_of(st.just("HKU"), anything),
        programme=anything,
        year=maybe_number,
        graduation=maybe_number,
        bio=anything,
        skills=st.lists(st.tuples(anything, maybe_number), max_size=4),
        language=st.tuples(st.one_of(st.just("english"), anything), maybe_number),
        available=st.tuples(maybe_date, maybe_date),
    )
    def run(
        name: str,
        university: str,
        programme: str,
        year: str,
        graduation: str,
        bio: str,
        skills: list[tuple[str, str]],
        language: tuple[str, str],
        available: tuple[str, str],
    ) -> None:
        data = {
            "full_name": name,
            "university": university,
            "programme": programme,
            "year_of_study": year,
            "graduation_year": graduation,
            "bio": bio,
            "languages-0-language": language[0],
            "languages-0-level": language[1],
            "available_from": available[0],
            "available_to": available[1],
            "submit": "1",
        }
        for n, (skill, level) in enumerate(skills):
            data[f"skills-{n}-name"] = skill
            data[f"skills-{n}-level"] = level
        response = client.post("/student/profile/edit", data=data)
        assert_answered(response, form_marker='name="programme"')

    run()


def test_apply_never_fails(client, make, as_student):
    posting = make.posting()

    @FUZZ
    @given(note=anything, consent=st.sampled_from(["", "y", "\x00", "no"]))
    def run(note: str, consent: str) -> None:
        data = {"cover_note": note, "transfer_consent": consent}
        response = client.post(f"/student/postings/{posting.ref}/apply", data=data)
        assert_answered(response, form_marker='name="cover_note"')

    run()


# -- the employer's posting form -----------------------------------------------------------


def test_posting_form_never_fails(client, as_employer):
    start = date.today() + timedelta(days=150)

    @FUZZ
    @given(
        title=anything,
        description=anything,
        location=anything,
        capacity=maybe_number,
        dates=st.tuples(
            st.one_of(st.just(start.isoformat()), maybe_date),
            st.one_of(st.just((start + timedelta(days=60)).isoformat()), maybe_date),
            st.one_of(st.just(""), maybe_date),
        ),
        required=st.lists(st.tuples(anything, maybe_number), max_size=3),
        preferred=st.lists(st.tuples(anything, maybe_number), max_size=2),
    )
    def run(
        title: str,
        description: str,
        location: str,
        capacity: str,
        dates: tuple[str, str, str],
        required: list[tuple[str, str]],
        preferred: list[tuple[str, str]],
    ) -> None:
        data = {
            "title": title,
            "description": description,
            "location": location,
            "capacity": capacity,
            "start_date": dates[0],
            "end_date": dates[1],
            "deadline": dates[2],
            "languages-0-language": "english",
            "languages-0-level": "3",
            "publish": "1",
        }
        for kind, rows in (("required", required), ("preferred", preferred)):
            for n, (skill, level) in enumerate(rows):
                data[f"{kind}-{n}-name"] = skill
                data[f"{kind}-{n}-level"] = level
        response = client.post("/employer/postings/new", data=data)
        assert_answered(response, form_marker='name="title"')

    run()


@pytest.fixture
def application(client, login, make, as_employer):
    posting = make.posting(as_employer.membership.firm)
    login.logout()
    found = applied(client, login, make.student(), posting)
    login(as_employer)
    return found


def test_applicant_page_forms_never_fail(client, application):
    url = f"/employer/applications/{application.id}"

    @FUZZ
    @given(
        day=maybe_date,
        at=st.one_of(st.just("10:30"), anything),
        duration=maybe_number,
        location=anything,
        details=anything,
        note=anything,
        version=maybe_number,
    )
    def run(
        day: str, at: str, duration: str, location: str, details: str, note: str, version: str
    ) -> None:
        interview = {
            "interview-day": day,
            "interview-at": at,
            "interview-duration": duration,
            "interview-location": location,
            "interview-details": details,
            "interview-version": version,
        }
        response = client.post(f"{url}/interviews", data=interview)
        assert_answered(response, form_marker='name="interview-location"')
        response = client.post(f"{url}/notes", data={"note-body": note})
        assert_answered(response, form_marker='name="note-body"')
        move = {"move-stage": "under_review", "move-note": note, "move-version": version}
        assert client.post(f"{url}/stage", data=move).status_code == 302

    run()


def test_bulk_actions_never_fail(client, application):
    url = f"/employer/postings/{application.posting_id}/bulk"

    @FUZZ
    @given(
        selected=st.lists(st.one_of(anything, st.just(f"{application.id}:1")), max_size=4),
        stage=st.one_of(st.just("under_review"), anything),
        reason=st.one_of(st.just("skills"), anything),
        note=anything,
        action=st.sampled_from(["move", "reject"]),
        page=maybe_number,
    )
    def run(
        selected: list[str], stage: str, reason: str, note: str, action: str, page: str
    ) -> None:
        data = {"selected": selected, "stage": stage, "reason": reason, "note": note, action: "1"}
        response = client.post(url, data=data, query_string={"page": page})
        # What happened is flashed on the shortlist; a NUL in the address is a bad request.
        assert response.status_code == (400 if "\x00" in page else 302)

    run()


def test_search_never_fails(client, make):
    make.posting()

    @FUZZ
    @given(q=anything, firm=maybe_number, page=maybe_number)
    def run(q: str, firm: str, page: str) -> None:
        response = client.get("/postings", query_string={"q": q, "firm": firm, "page": page})
        assert response.status_code == (400 if "\x00" in q + firm + page else 200)

    run()


# -- seed file uploads ---------------------------------------------------------------------


class _Errors(HTMLParser):
    """The rows of the import error table: file, row, column, value, problem."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_table = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == "import-errors":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag == "td":
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._in_table = False


def preview_errors(client, name: str, body: bytes) -> list[list[str]] | None:
    """Upload one file; the preview's error rows, or None when the form refused it."""
    data = {"files": [(io.BytesIO(body), name)], "encoding": ""}
    response = client.post(
        "/coordinator/imports/upload", data=data, content_type="multipart/form-data"
    )
    if response.status_code != 302:
        assert_answered(response, form_marker='name="files"')
        return None
    response = client.get("/coordinator/imports/preview")
    assert response.status_code == 200
    parser = _Errors()
    parser.feed(response.get_data(as_text=True))
    return [row for row in parser.rows if row]  # the header row has th cells only


@pytest.fixture
def as_coordinator(app, client, login, make, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    login(make.coordinator())


def test_random_bytes_upload_never_fails(client, as_coordinator):
    @FUZZ
    @given(
        stem=st.one_of(st.just("students"), st.text(max_size=20)),
        suffix=st.sampled_from([".csv", ".xlsx", ".CSV", ".txt", ""]),
        body=st.one_of(
            st.binary(max_size=2000),
            st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.lists(st.lists(anything, max_size=12), max_size=5).map(_csv_bytes),
        ),
    )
    def run(stem: str, suffix: str, body: bytes) -> None:
        errors = preview_errors(client, stem + suffix, body)
        for file, _row, _column, _value, problem in errors or []:
            assert file and problem

    run()


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def _student_rows() -> st.SearchStrategy[list[list[str]]]:
    """Rows of a students file: good cells, a few of them replaced by random text."""
    columns = HEADERS["students"]
    changes = st.dictionaries(st.sampled_from(columns), anything, min_size=1, max_size=4)
    row = changes.map(lambda cells: [student(**cells)[c] for c in columns])
    return st.lists(row, min_size=1, max_size=3).map(lambda rows: [list(columns), *rows])


def test_random_cells_are_each_named_by_row_and_column(client, as_coordinator):
    @FUZZ
    @given(rows=_student_rows())
    def run(rows: list[list[str]]) -> None:
        errors = preview_errors(client, "students.csv", _csv_bytes(rows))
        assert errors is not None
        if all(not "".join(row).strip() for row in rows[1:]):
            return  # only blank rows: the file as a whole is refused
        for file, row, column, _value, problem in errors:
            assert file == "students.csv" and problem
            assert row.isdigit() and int(row) >= 2, (row, problem)
            assert column in HEADERS["students"], (column, problem)

    run()
