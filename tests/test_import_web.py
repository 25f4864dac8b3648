"""Importing and exporting in the coordinator portal: upload, preview, confirm, history."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.seedfiles import SEEDS, counts, csv_text, firm, student
from web.extensions import db
from web.models import Application, AuditEntry, Firm, ImportBatch


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def coordinator(client, make, login):
    user = make.coordinator()
    login(user)
    return user


def upload(client, *files: tuple[str, bytes], encoding: str = ""):
    data = {"files": [(io.BytesIO(body), name) for name, body in files], "encoding": encoding}
    return client.post("/coordinator/imports/upload", data=data, content_type="multipart/form-data")


def seed(name: str) -> tuple[str, bytes]:
    return name, (SEEDS / name).read_bytes()


def test_upload_preview_then_confirm_imports_the_files(client, coordinator, upload_folder):
    response = upload(client, seed("students.csv"), seed("postings.csv"), seed("firms.csv"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/coordinator/imports/preview")

    preview = client.get("/coordinator/imports/preview").get_data(as_text=True)
    assert "Nothing has been written yet." in preview
    assert (
        preview.index("firms.csv") < preview.index("postings.csv") < preview.index("students.csv")
    )
    assert '<td class="text-end">320</td>' in preview and "Import these files" in preview
    assert counts()["Firm"] == 0
    assert len(list(upload_folder.iterdir())) == 1  # kept on the server until confirmed

    done = client.post("/coordinator/imports/confirm")
    assert done.status_code == 302
    assert counts()["Firm"] == 12 and counts()["StudentProfile"] == 320
    batch = db.session.scalar(select(ImportBatch))
    assert batch.actor_id == coordinator.id and batch.source == "web"
    assert done.headers["Location"].endswith(f"/coordinator/imports/{batch.id}")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Imported: 369 created, 0 updated, 0 unchanged." in page
    assert batch.files[0]["sha256"] in page
    assert list(upload_folder.iterdir()) == []
    history = client.get("/coordinator/imports").get_data(as_text=True)
    assert coordinator.email in history and "students.csv" in history
    assert batch.files[2]["sha256"][:12] in history
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import.succeeded"))
    assert entry.actor_id == coordinator.id


def test_the_preview_shows_the_error_table_and_offers_no_import(client, coordinator):
    bad = csv_text("students", [student(skills="Python:7", email="not-an-email")]).encode()
    upload(client, ("學生名單.csv", bad))
    page = client.get("/coordinator/imports/preview").get_data(as_text=True)
    assert 'id="import-errors"' in page and "2 errors" in page
    assert "學生名單.csv" in page
    assert "<td>skills</td>" in page and "<code>Python:7</code>" in page
    assert "level must be a whole number from 1 to 5" in page
    assert "Import these files" not in page
    # Confirming anyway writes nothing and records the failed attempt.
    response = client.post("/coordinator/imports/confirm")
    assert response.status_code == 200 and "Nothing was imported" in response.get_data(True)
    assert counts()["User"] == 1  # the coordinator
    assert db.session.scalar(select(ImportBatch.status)) == "failed"


def test_chinese_text_in_gb18030_is_previewed_and_imported_intact(client, coordinator):
    body = csv_text("firms", [firm(name_zh="前海账本实验室")]).encode("gb18030")
    upload(client, ("firms.csv", body), encoding="gb18030")
    assert "1</td>" in client.get("/coordinator/imports/preview").get_data(as_text=True)
    client.post("/coordinator/imports/confirm")
    assert db.session.scalar(select(Firm.name_zh)) == "前海账本实验室"


def test_an_oversized_upload_gets_a_clear_message(app, client, coordinator):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = upload(client, ("students.csv", b"x" * 5000))
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "The upload is too large" in text and "Uploads are limited to 2 KB in all." in text
    assert "Back to the upload" in text


def test_the_upload_page_states_the_limit(client, coordinator):
    page = client.get("/coordinator/imports/upload").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "multiple" in page
    assert "At most 16 MB per upload." in page and "Check the files" in page


def test_only_csv_and_xlsx_files_are_accepted(client, coordinator):
    response = upload(client, ("notes.txt", b"hello"))
    assert response.status_code == 200
    assert "Only .csv and .xlsx files can be imported." in response.get_data(as_text=True)


def test_the_preview_needs_an_upload_of_this_session(client, coordinator):
    with client.session_transaction() as session:
        session["import_upload"] = "../../../etc"
    response = client.get("/coordinator/imports/preview")
    assert response.status_code == 302 and response.headers["Location"].endswith("/upload")
    assert client.post("/coordinator/imports/confirm").status_code == 302
    assert counts()["Firm"] == 0


def test_cancel_discards_the_upload(client, coordinator, upload_folder):
    upload(client, seed("firms.csv"))
    client.post("/coordinator/imports/cancel")
    assert list(upload_folder.iterdir()) == []
    assert client.get("/coordinator/imports/preview").status_code == 302


def test_the_history_is_paginated_and_batches_have_pages(client, coordinator, runner, tmp_path):
    path = tmp_path / "firms.csv"
    for n in range(7):
        path.write_text(csv_text("firms", [firm(name=f"Firm {n}")]))
        runner.invoke(args=["seeds", "import", str(path)])
    first = client.get("/coordinator/imports").get_data(as_text=True)
    assert first.count("firms.csv") == 5 and "command line" in first
    assert client.get("/coordinator/imports?page=2").get_data(as_text=True).count("firms.csv") == 2
    batch_id = db.session.scalar(select(ImportBatch.id).order_by(ImportBatch.id))
    assert client.get(f"/coordinator/imports/{batch_id}").status_code == 200
    assert client.get("/coordinator/imports/99999").status_code == 404


def export(client, kind: str) -> list[list[str]]:
    response = client.post(f"/coordinator/exports/{kind}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"talent-bridge-{kind}-" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_exports_neutralise_cells_a_spreadsheet_would_run(client, coordinator, make):
    make.firm('=HYPERLINK("http://evil.example","click")')
    risky = make.firm("+Plus Fintech")
    risky.description = "-2+3"
    risky.city = "@SUM(A1)"
    db.session.commit()
    rows = export(client, "firms")
    assert rows[0] == ["name", "name_zh", "city", "website", "contact_email", "description"]
    names = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example","click")' in names
    plus = next(row for row in rows if row[0] == "'+Plus Fintech")
    assert plus[2] == "'@SUM(A1)" and plus[5] == "'-2+3"
    assert "export.firms" in db.session.scalars(select(AuditEntry.action)).all()


def test_postings_students_and_applications_export(client, coordinator, make):
    posting_ = make.posting(required=[("Python", 3)])
    applicant = make.student("amy@hku.example.edu.hk", full_name="=Amy")
    db.session.add(Application(student_id=applicant.profile.id, posting_id=posting_.id))
    db.session.commit()
    postings = export(client, "postings")
    assert postings[1][0] == posting_.ref and postings[1][9] == "Python:3"
    students = export(client, "students")
    assert students[1][:3] == ["amy@hku.example.edu.hk", "'=Amy", "HKU"]
    assert students[1][6] == "Python:4;SQL:3"
    applications = export(client, "applications")
    assert applications[0][:3] == ["Posting ref", "Firm", "Student email"]
    assert applications[1][2] == "amy@hku.example.edu.hk" and applications[1][5] == "submitted"


def test_an_export_reimports_as_unchanged(client, coordinator, runner, tmp_path):
    runner.invoke(args=["seeds", "import", str(SEEDS)])
    for kind in ("firms", "postings", "students"):
        rows = export(client, kind)
        path = tmp_path / f"{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    result = runner.invoke(args=["seeds", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("Imported. 369 rows: 0 created, 0 updated")


def test_exports_are_posts(client, coordinator):
    assert client.get("/coordinator/exports/firms.csv").status_code == 405
    page = client.get("/coordinator/exports").get_data(as_text=True)
    assert "Download invitation links" in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/coordinator/imports"),
        ("get", "/coordinator/imports/upload"),
        ("get", "/coordinator/imports/preview"),
        ("post", "/coordinator/imports/confirm"),
        ("get", "/coordinator/exports"),
        ("post", "/coordinator/exports/students.csv"),
        ("post", "/coordinator/exports/invitations.csv"),
    ],
)
def test_only_coordinators_import_and_export(client, make, login, method, path):
    assert getattr(client, method)(path).status_code == 302  # anonymous: to the login page
    login(make.student())
    assert getattr(client, method)(path).status_code == 403
    login.logout()
    login(make.employer())
    assert getattr(client, method)(path).status_code == 403


def test_the_upload_form_needs_its_csrf_token(app, client, coordinator, upload_folder):
    app.config["WTF_CSRF_ENABLED"] = True
    response = upload(client, seed("firms.csv"))
    assert response.status_code == 400
    assert not upload_folder.exists() or list(upload_folder.iterdir()) == []
    assert client.post("/coordinator/exports/firms.csv").status_code == 400
