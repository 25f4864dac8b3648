"""Markup anyone types is shown as text on every page that shows it, to every role.

Each free-text field gets the same payload behind a tag naming the field, through the
real forms (or a real import); every page that shows the value must hold it escaped
and never raw. Downloads are not HTML: spreadsheet cells that would run as formulas
are neutralised instead.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.hiring_support import NOTE
from tests.round_support import round_form
from tests.seedfiles import csv_text
from tests.seedfiles import firm as seed_firm
from tests.seedfiles import posting as seed_posting
from tests.seedfiles import student as seed_student
from web.extensions import db
from web.models import (
    AllocationRound,
    Application,
    EmployerMembership,
    Firm,
    ImportBatch,
    Interview,
    Posting,
    User,
)

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
RAW = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")


def bad(tag: str) -> str:
    """The payload behind a tag naming the field it was typed into."""
    return f"{tag} {PAYLOAD}"


def escaped(tag: str) -> str:
    return f"{tag} &lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&gt;&lt;img src=x"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def assert_shown_escaped(client, url: str, *tags: str) -> None:
    """The page holds each tagged value escaped, and no payload anywhere unescaped."""
    html = page(client, url)
    for raw in RAW:
        assert raw not in html, (url, raw)
    for tag in tags:
        assert escaped(tag) in html, (url, tag)


def posted(response, url: str = "") -> None:
    assert response.status_code == 302, (url, response.get_data(as_text=True)[:2000])


def confirmed(email: str) -> User:
    """The account a sign-up created, with its address confirmed (the link is tested elsewhere)."""
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    user.email_verified_at = datetime.now(UTC)
    db.session.commit()
    return user


def posting_form(**values: str) -> dict[str, str]:
    start = date.today() + timedelta(days=150)
    return {
        "title": "Payments Data Intern",
        "description": "Analyse cross-boundary payment flows.",
        "location": "Shenzhen, Nanshan District",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=70)).isoformat(),
        "capacity": "2",
        "deadline": (start - timedelta(days=40)).isoformat(),
        "required-0-name": "Python",
        "required-0-level": "3",
        "languages-0-language": "english",
        "languages-0-level": "3",
        "publish": "1",
        **values,
    }


def apply(client, posting: Posting, note: str = NOTE) -> Application:
    url = f"/student/postings/{posting.ref}/apply"
    posted(client.post(url, data={"cover_note": note, "transfer_consent": "y"}), url)
    return db.session.scalars(select(Application).order_by(Application.id.desc())).first()


def version(application: Application) -> str:
    db.session.expire_all()
    return str(db.session.get(Application, application.id).version)


def prefixed(prefix: str, data: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}-{name}": value for name, value in data.items()}


# -- what students write ------------------------------------------------------------------


def test_what_a_student_writes_is_escaped_for_everyone(client, login, make):
    response = client.post(
        "/auth/register",
        data={
            "email": "chan@hku.example.edu.hk",
            "full_name": bad("signupname"),
            "password": PASSWORD,
            "confirm": PASSWORD,
            "agree": "y",
        },
    )
    assert response.status_code in (200, 302)
    student = confirmed("chan@hku.example.edu.hk")
    login(student)
    assert_shown_escaped(client, "/student/profile/edit", "signupname")
    profile = {
        "full_name": bad("fullname"),
        "university": "HKU",
        "programme": bad("programme"),
        "year_of_study": "3",
        "graduation_year": "2028",
        "bio": bad("bio"),
        "skills-0-name": bad("skillname"),
        "skills-0-level": "4",
        "skills-1-name": "Python",
        "skills-1-level": "4",
        "languages-0-language": "english",
        "languages-0-level": "4",
        "submit": "1",
    }
    posted(client.post("/student/profile/edit", data=profile))
    firm = make.firm()
    employer, posting = make.employer(firm), make.posting(firm)
    application = apply(client, posting, note=bad("covernote"))
    assert_shown_escaped(client, "/student/profile/edit", "fullname", "programme", "bio")
    assert_shown_escaped(client, "/student/profile/edit", "skillname")
    assert_shown_escaped(client, "/student/profile", "fullname", "programme", "bio", "skillname")
    assert_shown_escaped(client, f"/student/applications/{application.id}", "covernote")
    assert_shown_escaped(client, f"/postings/{posting.ref}")  # "how you match"
    assert_shown_escaped(client, "/student/recommendations")
    login.logout()

    login(employer)
    assert_shown_escaped(client, f"/employer/postings/{posting.id}", "fullname")
    assert_shown_escaped(
        client,
        f"/employer/applications/{application.id}",
        "fullname",
        "programme",
        "bio",
        "skillname",
        "covernote",
    )
    assert_shown_escaped(client, "/employer/")
    assert_shown_escaped(client, "/notifications/", "fullname")
    login.logout()

    login(make.coordinator())
    assert_shown_escaped(client, "/coordinator/")
    assert_shown_escaped(client, "/coordinator/postings")


# -- what employers write -----------------------------------------------------------------


def test_what_an_employer_writes_is_escaped_for_everyone(client, login, make):
    office = make.coordinator()
    response = client.post(
        "/auth/register/employer",
        data={
            "email": "hr@ledger.example.com",
            "job_title": bad("jobtitle"),
            "firm_id": "0",
            "new_firm_name": bad("firmname"),
            "new_firm_name_zh": bad("firmnamezh"),
            "password": PASSWORD,
            "confirm": PASSWORD,
            "agree": "y",
        },
    )
    assert response.status_code in (200, 302)
    employer = confirmed("hr@ledger.example.com")
    login(office)
    assert_shown_escaped(client, "/coordinator/employers", "firmname", "jobtitle")
    membership = db.session.scalar(select(EmployerMembership))
    posted(client.post(f"/coordinator/employers/{membership.id}/approve"))
    assert_shown_escaped(client, "/coordinator/firms", "firmname", "firmnamezh")
    login.logout()

    login(employer)
    form = posting_form(
        title=bad("title"),
        description=bad("description"),
        location=bad("location"),
        **{"required-1-name": bad("required"), "required-1-level": "2"},
        **{"preferred-0-name": bad("preferred"), "preferred-0-level": "2"},
    )
    posted(client.post("/employer/postings/new", data=form))
    posting = db.session.scalar(select(Posting))
    login.logout()

    student = make.student()
    login(student)
    application = apply(client, posting)
    login.logout()

    login(employer)
    url = f"/employer/applications/{application.id}"
    posted(client.post(f"{url}/notes", data={"note-body": bad("privatenote")}))
    move = {"stage": "under_review", "note": bad("movenote"), "version": version(application)}
    posted(client.post(f"{url}/stage", data=prefixed("move", move)))
    interview = {
        "day": (date.today() + timedelta(days=7)).isoformat(),
        "at": "10:30",
        "duration": "45",
        "location": bad("interviewplace"),
        "details": bad("interviewdetails"),
        "version": version(application),
    }
    posted(client.post(f"{url}/interviews", data=prefixed("interview", interview)))
    shown = ("title", "firmname")
    assert_shown_escaped(client, "/employer/", *shown)
    assert_shown_escaped(client, f"/employer/postings/{posting.id}", "title")
    assert_shown_escaped(
        client,
        f"/employer/postings/{posting.id}/edit",
        "title",
        "description",
        "location",
        "required",
        "preferred",
    )
    assert_shown_escaped(
        client, url, "title", "privatenote", "movenote", "interviewplace", "interviewdetails"
    )
    login.logout()

    login(student)
    assert_shown_escaped(client, "/postings", *shown)
    assert_shown_escaped(
        client,
        f"/postings/{posting.ref}",
        "title",
        "description",
        "location",
        "firmname",
        "firmnamezh",
        "required",
        "preferred",
    )
    assert_shown_escaped(client, "/student/recommendations", "title")
    assert_shown_escaped(client, "/student/applications", "title", "firmname")
    assert_shown_escaped(
        client,
        f"/student/applications/{application.id}",
        "title",
        "firmname",
        "interviewplace",
        "interviewdetails",
    )
    assert_shown_escaped(client, "/student/", "title")
    assert_shown_escaped(client, "/notifications/", "title")
    interview_id = db.session.scalar(select(Interview.id))
    ics = client.get(f"/student/applications/{application.id}/interviews/{interview_id}.ics")
    assert ics.mimetype == "text/calendar"
    login.logout()

    login(employer)
    reject = {"reason": "other", "note": bad("rejectnote"), "version": version(application)}
    posted(client.post(f"{url}/reject", data=prefixed("reject", reject)))
    assert_shown_escaped(client, url, "rejectnote")
    login.logout()

    login(office)
    assert_shown_escaped(client, "/coordinator/postings", "title", "firmname")
    assert_shown_escaped(client, "/coordinator/", "firmname")


# -- what coordinators write --------------------------------------------------------------


def test_what_a_coordinator_writes_is_escaped_for_everyone(client, login, make):
    office = make.coordinator()
    firm = make.firm()
    employer = make.employer(firm)
    login(office)
    posted(client.post("/coordinator/settings", data={"review_postings": "y"}))
    login.logout()
    login(employer)
    posted(client.post("/employer/postings/new", data=posting_form()))
    waiting = db.session.scalar(select(Posting))
    login.logout()

    login(office)
    assert_shown_escaped(client, "/coordinator/reviews")
    comment = {"comment": bad("returncomment")}
    posted(client.post(f"/coordinator/reviews/{waiting.id}/return", data=comment))
    login.logout()
    login(employer)
    assert_shown_escaped(client, "/employer/", "returncomment")
    assert_shown_escaped(client, f"/employer/postings/{waiting.id}", "returncomment")
    login.logout()

    posting = make.posting(firm)
    student = make.student()
    login(student)
    apply(client, posting)
    login.logout()
    login(office)
    response = client.post("/coordinator/rounds/new", data=round_form([posting], name=bad("round")))
    posted(response)
    round_ = db.session.scalar(select(AllocationRound))
    assert_shown_escaped(client, f"/coordinator/rounds/{round_.id}", "round")
    posted(client.post(f"/coordinator/rounds/{round_.id}/open"))
    assert_shown_escaped(client, "/coordinator/rounds", "round")
    login.logout()
    login(student)
    assert_shown_escaped(client, "/student/rounds", "round")
    assert_shown_escaped(client, f"/student/rounds/{round_.id}", "round")
    assert_shown_escaped(client, "/notifications/", "round")
    login.logout()
    login(employer)
    assert_shown_escaped(client, "/employer/rounds", "round")
    assert_shown_escaped(client, f"/employer/rounds/{round_.id}", "round")
    assert_shown_escaped(client, f"/employer/rounds/{round_.id}/postings/{posting.id}", "round")


# -- what seed files hold -----------------------------------------------------------------


@pytest.fixture
def upload_folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


def upload(client, *files: tuple[str, str]):
    data = {"files": [(io.BytesIO(body.encode()), name) for name, body in files], "encoding": ""}
    return client.post("/coordinator/imports/upload", data=data, content_type="multipart/form-data")


def test_imported_cells_are_escaped_for_everyone(client, login, make, upload_folder):
    office = make.coordinator()
    login(office)
    bad_cell = csv_text("students", [seed_student(university=bad("university"))])
    posted(upload(client, ("students.csv", bad_cell)))
    assert_shown_escaped(client, "/coordinator/imports/preview", "university")
    posted(client.post("/coordinator/imports/cancel"))

    name = bad("importedfirm")
    firms = csv_text(
        "firms",
        [
            seed_firm(
                name=name,
                name_zh=bad("importedzh"),
                city=bad("importedcity"),
                description=bad("importeddescription"),
            )
        ],
    )
    postings = csv_text(
        "postings",
        [
            seed_posting(
                firm=name,
                title=bad("importedtitle"),
                description=bad("importedposting"),
                location=bad("importedlocation"),
                start_date=(date.today() + timedelta(days=120)).isoformat(),
                end_date=(date.today() + timedelta(days=190)).isoformat(),
                deadline=(date.today() + timedelta(days=30)).isoformat(),
                preferred_skills=bad("importedskill"),
            )
        ],
    )
    students = csv_text(
        "students", [seed_student(full_name=bad("importedname"), programme=bad("importedprog"))]
    )
    posted(upload(client, ("firms.csv", firms), ("postings.csv", postings), ("s.csv", students)))
    assert_shown_escaped(client, "/coordinator/imports/preview")
    posted(client.post("/coordinator/imports/confirm"))
    batch = db.session.scalar(select(ImportBatch))
    assert_shown_escaped(client, f"/coordinator/imports/{batch.id}")
    assert_shown_escaped(client, "/coordinator/firms", "importedfirm", "importedzh")
    assert_shown_escaped(client, "/coordinator/postings", "importedtitle", "importedfirm")
    login.logout()

    posting = db.session.scalar(select(Posting))
    assert_shown_escaped(client, "/postings", "importedtitle", "importedfirm")
    assert_shown_escaped(
        client,
        f"/postings/{posting.ref}",
        "importedtitle",
        "importedposting",
        "importedlocation",
        "importedfirm",
        "importedzh",
        "importedskill",
    )


# -- downloads ----------------------------------------------------------------------------

FORMULAS = ('=HYPERLINK("http://x.example")', "+1+1", "-1+1", "@SUM(A1)")


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _cells(rows: list[list[str]]) -> set[str]:
    return {cell for row in rows for cell in row}


def test_downloads_neutralise_formulas(client, login, make):
    firm = make.firm(name=FORMULAS[3], name_zh=FORMULAS[1])
    employer = make.employer(firm)
    posting = make.posting(firm)
    posting.title = FORMULAS[0]
    student = make.student(full_name=FORMULAS[0])
    student.profile.programme = FORMULAS[2]
    db.session.commit()
    login(student)
    apply(client, posting, note=FORMULAS[1] + " " + NOTE)
    login.logout()

    login(employer)
    cells = _cells(_csv(client.get(f"/employer/postings/{posting.id}/shortlist.csv")))
    assert "'" + FORMULAS[0] in cells and FORMULAS[0] not in cells
    response = client.get(f"/employer/postings/{posting.id}/shortlist.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "'" + FORMULAS[0] in values and FORMULAS[0] not in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    login.logout()

    login(make.coordinator())
    every: set[str] = set()
    for kind in ("firms", "postings", "students", "applications"):
        every |= _cells(_csv(client.post(f"/coordinator/exports/{kind}.csv")))
    for formula in FORMULAS:
        assert "'" + formula in every, formula
        assert formula not in every, formula
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in every)
    assert db.session.scalar(select(Firm.name)) == FORMULAS[3]  # stored as typed
