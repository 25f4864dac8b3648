"""The coordinators' audit log: every privileged action shows up, filtered, in Hong Kong time."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from tests.hiring_support import applied
from tests.round_support import coordinator_does, create_round
from tests.seedfiles import SEEDS
from web.extensions import db
from web.models import AuditEntry, EmployerMembership
from web.services import audit

TAG = re.compile(r"<[^>]+>")


def rows(html: str) -> list[str]:
    """The log's rows as text, newest first: time, who, action, target, details."""
    body = html.split('id="audit-entries"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = (TAG.sub(" ", row) for row in body.split("<tr>")[1:])
    return [" ".join(unescape(text).split()) for text in cells]


def log_page(client, login, coordinator, **filters) -> list[str]:
    """The coordinator's view of the log (whoever was logged in is logged out first)."""
    login.logout()
    login(coordinator)
    response = client.get("/coordinator/audit", query_string=filters)
    assert response.status_code == 200
    return rows(response.get_data(as_text=True))


def entry(actor, action: str, at: datetime, target=None, **detail) -> AuditEntry:
    row = audit.record(actor, action, target, **detail)
    row.at = at
    return row


@pytest.fixture
def office(make):
    return make.coordinator()


@pytest.fixture
def history(make, office):
    """Four entries, two actors, across a Hong Kong midnight (UTC+8)."""
    recruiter = make.employer()
    entry(office, "employer.approved", datetime(2027, 3, 1, 2, 0, tzinfo=UTC), recruiter)
    entry(office, "export.firms", datetime(2027, 3, 1, 15, 59, tzinfo=UTC))  # 23:59 HKT
    entry(None, "import.succeeded", datetime(2027, 3, 1, 16, 0, tzinfo=UTC), files=["firms.csv"])
    entry(
        recruiter,
        "export.shortlist",
        datetime(2027, 3, 2, 1, 30, tzinfo=UTC),
        format="csv",
        note="<script>alert('x')</script>",
    )
    db.session.commit()
    return recruiter


# -- the viewer --------------------------------------------------------------------------


def test_newest_first_in_hong_kong_time_with_actor_target_and_details(
    client, login, office, history
):
    page = log_page(client, login, office)
    assert len(page) == 4
    newest, midnight, late, oldest = page
    assert newest.startswith("Tue, Mar 2, 2027 09:30") and history.email in newest
    assert "Shortlist exported" in newest and "format csv" in newest
    assert "note <script>alert('x')</script>" in newest
    assert midnight.startswith("Tue, Mar 2, 2027 00:00")
    assert "command line" in midnight and "Files imported" in midnight
    assert late.startswith("Mon, Mar 1, 2027 23:59") and "Firms exported" in late
    assert oldest.startswith("Mon, Mar 1, 2027 10:00") and "Employer approved" in oldest
    assert f"Account #{history.id}" in oldest


def test_details_are_escaped(client, login, office, history):
    login(office)
    html = client.get("/coordinator/audit").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"action": "export."}, ["Shortlist exported", "Firms exported"]),
        ({"action": "export.firms"}, ["Firms exported"]),
        ({"action": "import."}, ["Files imported"]),
        ({"actor": "OFFICE"}, ["Firms exported", "Employer approved"]),
        ({"actor": "recruiter", "action": "export."}, ["Shortlist exported"]),
        ({"since": "2027-03-02"}, ["Shortlist exported", "Files imported"]),
        ({"until": "2027-03-01"}, ["Firms exported", "Employer approved"]),
        ({"since": "2027-03-01", "until": "2027-03-01"}, ["Firms exported", "Employer approved"]),
        ({"since": "2027-03-03"}, []),
    ],
)
def test_filters(client, login, office, history, filters, expected):
    page = log_page(client, login, office, **filters)
    if not expected:
        assert page == ["No entries match these filters."]
        return
    labels = [label for r in page for label in expected if label in r]
    assert labels == expected and len(page) == len(expected)


def test_the_filter_offers_each_area_and_action_in_the_log(client, login, office, history):
    login(office)
    html = client.get("/coordinator/audit").get_data(as_text=True)
    select_html = html.split('id="action"', 1)[1].split("</select>", 1)[0]
    values = re.findall(r'<option value="([^"]*)"', select_html)
    assert values == [
        "",
        "employer.",
        "export.",
        "import.",
        "employer.approved",
        "export.firms",
        "export.shortlist",
        "import.succeeded",
    ]
    assert "Exports (all)" in select_html


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"since": "2027-03-02", "until": "2027-03-01"}, "The end date is before the start date."),
        ({"since": "1 March"}, "Not a valid date value."),
        ({"action": "no.such.action"}, "Not a valid choice."),
        ({"actor": "x" * 255}, "Field cannot be longer than 254 characters."),
    ],
)
def test_a_bad_filter_is_explained_and_the_whole_log_shown(
    client, login, office, history, filters, message
):
    login(office)
    html = client.get("/coordinator/audit", query_string=filters).get_data(as_text=True)
    assert message in unescape(html)
    assert len(rows(html)) == 4


def test_pages_keep_the_filters(client, login, office):
    for n in range(7):  # PAGE_SIZE is 5 in the tests
        audit.record(office, "export.firms", None, n=n)
    audit.record(office, "setting.changed", None)
    db.session.commit()
    login(office)
    html = client.get("/coordinator/audit?action=export.").get_data(as_text=True)
    assert len(rows(html)) == 5 and "7 in all" in html
    assert "/coordinator/audit?page=2&amp;action=export." in html
    second = client.get("/coordinator/audit?page=2&action=export.").get_data(as_text=True)
    assert [r.split("n ")[-1] for r in rows(second)] == ["1", "0"]


def test_the_page_runs_a_fixed_number_of_queries(client, make, login, office, count_queries):
    def queries() -> int:
        client.get("/coordinator/audit")
        db.session.expire_all()
        with count_queries:
            assert client.get("/coordinator/audit").status_code == 200
        return count_queries.count

    for _ in range(5):
        audit.record(office, "export.firms", None)
    db.session.commit()
    login(office)
    one_actor = queries()
    for _ in range(5):
        audit.record(make.coordinator(), "export.students", None)
    db.session.commit()
    assert queries() == one_actor <= 6


def test_the_log_downloads_as_csv_filtered_and_is_audited(client, login, office, history):
    login(office)
    response = client.post("/coordinator/audit.csv?action=export.&since=2027-03-01")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="talent-')
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == list(audit.CSV_HEADER)
    assert [(r[0], r[1], r[2]) for r in lines[1:]] == [
        ("2027-03-02T09:30:00+08:00", history.email, "export.shortlist"),
        ("2027-03-01T23:59:00+08:00", office.email, "export.firms"),
    ]
    assert '"note": "<script>' in lines[1][5]
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.audit")).one()
    assert logged.actor_id == office.id
    assert logged.detail == {"filters": {"action": "export.", "since": "2027-03-01"}}
    (row,) = log_page(client, login, office, action="export.audit")
    assert "Audit log exported" in row and office.email in row


def test_the_download_needs_its_csrf_token(app, client, login, office):
    login(office)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/coordinator/audit.csv").status_code == 400
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_only_coordinators_read_the_log(client, make, login):
    login(make.employer())
    assert client.get("/coordinator/audit").status_code == 403
    assert client.post("/coordinator/audit.csv").status_code == 403


# -- every privileged action is in it ----------------------------------------------------


def test_employer_decisions_are_logged(client, make, login, office):
    approved, rejected = make.employer(status="pending"), make.employer(status="pending")
    login(office)
    for user, decision in ((approved, "approve"), (rejected, "reject")):
        membership = db.session.scalar(
            select(EmployerMembership).where(EmployerMembership.user_id == user.id)
        )
        client.post(f"/coordinator/employers/{membership.id}/{decision}")
    page = log_page(client, login, office, action="employer.")
    assert "Employer not approved" in page[0] and rejected.email in page[0]
    assert "Employer approved" in page[1] and approved.email in page[1]
    assert office.email in page[0] and office.email in page[1]


def test_imports_are_logged(app, client, login, office, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    login(office)
    body = (SEEDS / "firms.csv").read_bytes()
    data = {"files": [(io.BytesIO(body), "firms.csv")], "encoding": ""}
    client.post("/coordinator/imports/upload", data=data, content_type="multipart/form-data")
    client.post("/coordinator/imports/confirm")
    (row,) = log_page(client, login, office, action="import.")
    assert "Files imported" in row and office.email in row
    assert "files firms.csv" in row and "created 12" in row and "Import #" in row


def test_exports_are_logged(client, make, login, office):
    employer = make.employer()
    posting = make.posting(employer.membership.firm)
    login(employer)
    assert client.get(f"/employer/postings/{posting.id}/shortlist.csv").status_code == 200
    login.logout()
    login(office)
    assert client.post("/coordinator/exports/firms.csv").status_code == 200
    assert client.post("/coordinator/exports/invitations.csv").status_code == 200
    page = log_page(client, login, office, action="export.")
    assert len(page) == 3
    assert "Invitation links exported" in page[0] and office.email in page[0]
    assert "Firms exported" in page[1] and office.email in page[1]
    assert "Shortlist exported" in page[2] and employer.email in page[2]
    assert f"Posting #{posting.id}" in page[2] and "format csv" in page[2]


def test_stage_changes_are_logged(client, make, login, office):
    employer = make.employer()
    posting = make.posting(employer.membership.firm)
    application = applied(client, login, make.student(), posting)
    login(employer)
    client.post(
        f"/employer/applications/{application.id}/stage", data={"move-stage": "shortlisted"}
    )
    (row,) = log_page(client, login, office, action="application.")
    assert "Application stage changed" in row and employer.email in row
    assert f"Application #{application.id}" in row
    assert "from_status submitted" in row and "to_status shortlisted" in row


def test_round_publishing_is_logged(client, make, login, office):
    posting = make.posting()
    round_ = create_round(client, login, office, [posting])
    coordinator_does(client, login, office, round_, "close")
    coordinator_does(client, login, office, round_, "publish")
    page = log_page(client, login, office, action="round.")
    assert "Round published" in page[0] and f"Round #{round_.id}" in page[0]
    assert [label for r in page for label in ("closed", "opened", "created") if label in r] == [
        "closed",
        "opened",
        "created",
    ]


def test_settings_are_logged(client, login, office):
    login(office)
    client.post("/coordinator/settings", data={"review_postings": "y"})
    (row,) = log_page(client, login, office, action="setting.")
    assert "Setting changed" in row and office.email in row
    assert "key postings_require_review" in row and "old false new true" in row


def test_coordinators_created_on_the_command_line_are_logged(runner, client, login, office):
    result = runner.invoke(
        args=["users", "create-coordinator", "deputy@programme.example.org"],
        input="a-long-unusual-passphrase-42\na-long-unusual-passphrase-42\n",
    )
    assert result.exit_code == 0, result.output
    (row,) = log_page(client, login, office, action="account.")
    assert "Coordinator account created" in row and "command line" in row
    assert "email deputy@programme.example.org" in row


def test_times_near_midnight_use_hong_kong_dates(client, login, office):
    late = datetime(2027, 6, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 July in Hong Kong
    entry(office, "setting.changed", late)
    entry(office, "setting.changed", late - timedelta(hours=1))  # 23:30 on 30 June
    db.session.commit()
    (row,) = log_page(client, login, office, since="2027-07-01")
    assert row.startswith("Thu, Jul 1, 2027 00:30")
