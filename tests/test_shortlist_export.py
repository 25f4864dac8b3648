"""Exporting a posting's ranked shortlist as CSV and XLSX, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.hiring_support import applied
from web.extensions import db
from web.models import AuditEntry

REQUIRED = [("Python", 3), ("SQL", 3), ("Kafka", 2)]


@pytest.fixture
def shortlist(client, make, login):
    employer = make.employer(make.firm(name="Ping An Technology"))
    posting = make.posting(employer.membership.firm, required=REQUIRED)
    best = make.student(
        "wong.kaho@cuhk.example.edu.hk",
        full_name="Wong Ka Ho",
        university="CUHK",
        skills=[("Python", 5), ("SQL", 4), ("Kafka", 3)],
    )
    sly = make.student(
        "sly@hku.example.edu.hk",
        full_name='=HYPERLINK("http://evil.example","Click")',
        skills=[("Python", 4), ("SQL", 1)],
    )
    sly.profile.programme = "+852 Quant Finance"
    db.session.commit()
    for student in (sly, best):
        applied(client, login, student, posting)
    login(employer)
    client.post(
        f"/employer/applications/{posting.applications[0].id}/stage",
        data={"move-stage": "shortlisted"},
    )
    return employer, posting


def read_csv(response) -> list[list[str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_lists_applicants_best_first_with_scores_reasons_and_stage(client, shortlist):
    _employer, posting = shortlist
    response = client.get(f"/employer/postings/{posting.id}/shortlist.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"filename={posting.ref}-shortlist.csv" in response.headers["Content-Disposition"]
    header, first, second = read_csv(response)
    assert header[:5] == ["Rank", "Score", "Full name", "Email", "University"]
    assert header[7:10] == ["Stage", "Required skills met", "Why this rank"]
    assert first[0] == "1" and first[2] == "Wong Ka Ho"
    assert first[3] == "wong.kaho@cuhk.example.edu.hk"
    assert first[4] == "The Chinese University of Hong Kong"
    assert first[7] == "Submitted" and first[8] == "3/3"
    assert first[9].startswith("3 of 3 requirements met")
    assert float(first[1]) > float(second[1])
    assert second[7] == "Shortlisted"
    assert "missing: Kafka" in second[9] and "below the level asked: SQL" in second[9]


def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, shortlist):
    _employer, posting = shortlist
    _header, _first, second = read_csv(client.get(f"/employer/postings/{posting.id}/shortlist.csv"))
    assert second[2] == '\'=HYPERLINK("http://evil.example","Click")'
    assert second[5] == "'+852 Quant Finance"
    book = load_workbook(
        io.BytesIO(client.get(f"/employer/postings/{posting.id}/shortlist.xlsx").data)
    )
    row = [cell for cell in book.active[3]]
    assert row[2].value == '\'=HYPERLINK("http://evil.example","Click")'
    assert row[2].data_type == "s" and row[5].data_type == "s"
    assert row[5].value == "'+852 Quant Finance"


def test_xlsx_has_the_same_rows_with_numbers_kept_as_numbers(client, shortlist):
    _employer, posting = shortlist
    response = client.get(f"/employer/postings/{posting.id}/shortlist.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == posting.ref
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Rank", "Score", "Full name", "Email"]
    assert rows[1][0] == 1 and isinstance(rows[1][1], float) and rows[1][2] == "Wong Ka Ho"
    assert rows[1][1] > rows[2][1]
    assert [r[7] for r in rows[1:]] == ["Submitted", "Shortlisted"]
    assert len(rows) == 3


def test_the_shortlist_filters_apply_to_the_export(client, shortlist):
    _employer, posting = shortlist
    response = client.get(f"/employer/postings/{posting.id}/shortlist.csv?university=CUHK")
    assert [r[2] for r in read_csv(response)[1:]] == ["Wong Ka Ho"]


def test_every_export_is_audited(client, shortlist):
    employer, posting = shortlist
    client.get(f"/employer/postings/{posting.id}/shortlist.csv")
    client.get(f"/employer/postings/{posting.id}/shortlist.xlsx")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "export.shortlist").order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.target_id, e.detail["format"], e.detail["rows"]) for e in entries] == [
        (employer.id, posting.id, "csv", 2),
        (employer.id, posting.id, "xlsx", 2),
    ]


def test_the_shortlist_page_links_both_exports(client, shortlist):
    _employer, posting = shortlist
    page = client.get(f"/employer/postings/{posting.id}").get_data(as_text=True)
    assert f"/employer/postings/{posting.id}/shortlist.csv" in page
    assert f"/employer/postings/{posting.id}/shortlist.xlsx" in page


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_only_the_firms_staff_can_export(client, make, login, shortlist, suffix):
    _employer, posting = shortlist
    url = f"/employer/postings/{posting.id}/shortlist.{suffix}"
    login.logout()
    assert client.get(url).status_code == 302  # to the login page
    login(make.employer())
    assert client.get(url).status_code == 404
    login.logout()
    login(make.student())
    assert client.get(url).status_code == 403
