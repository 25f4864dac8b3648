"""List pages run a fixed number of queries however many rows they show (no N+1)."""

from __future__ import annotations

from web.extensions import db

NOTE = "I have modelled credit risk in Python and SQL during my internship."
APPLY = {"cover_note": NOTE, "transfer_consent": "y"}


def queries_for(client, path, counter) -> int:
    client.get(path)  # warm the matcher's pool, which refreshes once after a change
    db.session.expire_all()
    with counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_posting_list_queries_do_not_grow(client, make, count_queries):
    firm = make.firm()
    make.posting(firm)
    few = queries_for(client, "/postings", count_queries)
    for _ in range(4):
        make.posting(make.firm())
    assert queries_for(client, "/postings", count_queries) == few


def test_applicant_list_queries_do_not_grow(client, make, login, count_queries):
    employer = make.employer()
    posting = make.posting(employer.membership.firm)

    def add_applicant() -> None:
        student = make.student()
        login(student)
        client.post(f"/student/postings/{posting.ref}/apply", data=APPLY)
        client.post("/auth/logout")

    add_applicant()
    login(employer)
    path = f"/employer/postings/{posting.id}"
    few = queries_for(client, path, count_queries)
    client.post("/auth/logout")
    for _ in range(3):
        add_applicant()
    login(employer)
    assert queries_for(client, path, count_queries) == few


def test_student_application_list_queries_do_not_grow(client, make, login, count_queries):
    student = make.student()
    login(student)
    client.post(f"/student/postings/{make.posting().ref}/apply", data=APPLY)
    few = queries_for(client, "/student/applications", count_queries)
    for _ in range(3):
        client.post(f"/student/postings/{make.posting().ref}/apply", data=APPLY)
    assert queries_for(client, "/student/applications", count_queries) == few


def test_coordinator_lists_queries_do_not_grow(client, make, login, count_queries):
    login(make.coordinator())
    make.employer(status="pending")
    make.posting()
    paths = ["/coordinator/employers", "/coordinator/postings", "/coordinator/firms"]
    few = {p: queries_for(client, p, count_queries) for p in paths}
    for _ in range(3):
        make.employer(status="pending")
        make.posting()
    assert {p: queries_for(client, p, count_queries) for p in paths} == few
