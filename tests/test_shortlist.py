"""Employers see applicants as a ranked shortlist with reasons, and search discoverable talent."""

from __future__ import annotations

import re

from web.extensions import db

NOTE = "I would love to build risk models with your team this summer."
APPLY = {"cover_note": NOTE, "transfer_consent": "y"}
ML_POSTING = [("Python", 4), ("Machine Learning", 3), ("SQL", 3)]


def names_in_order(page: str) -> list[str]:
    return re.findall(r'class="fw-semibold" href="/employer/students/\d+">([^<]+)<', page)


def apply_as(client, login, student, posting) -> None:
    login(student)
    client.post(f"/student/postings/{posting.ref}/apply", data=APPLY)
    client.post("/auth/logout")


def test_shortlist_ranks_applicants_best_first_with_reasons(client, make, login):
    employer = make.employer()
    posting = make.posting(employer.membership.firm, required=ML_POSTING)
    strong = make.student(
        full_name="Strong Match",
        skills=[("python", 5), ("機器學習", 4), ("PostgreSQL", 3), ("SQL", 3)],
    )
    weak = make.student(full_name="Weak Match", skills=[("Excel", 4), ("Java", 3)])
    middle = make.student(full_name="Middle Match", skills=[("Python", 2), ("ML", 3)])
    for student in (weak, middle, strong):
        apply_as(client, login, student, posting)
    login(employer)
    page = client.get(f"/employer/postings/{posting.id}").get_data(as_text=True)
    assert names_in_order(page) == ["Strong Match", "Middle Match", "Weak Match"]
    assert "3 of 3 requirements met" in page
    assert "0 of 3 requirements met" in page
    assert "機器學習" in page  # the skill that met "Machine Learning", as the student wrote it
    assert "missing: Python, Machine Learning, SQL" in page


def test_shortlist_filters(client, make, login):
    employer = make.employer()
    posting = make.posting(employer.membership.firm, required=ML_POSTING)
    hku = make.student(full_name="From HKU", university="HKU", skills=[("Python", 4)])
    cuhk = make.student(
        full_name="From CUHK", university="CUHK", skills=[("Python", 4), ("ML", 3), ("SQL", 3)]
    )
    for student in (hku, cuhk):
        apply_as(client, login, student, posting)
    login(employer)
    base = f"/employer/postings/{posting.id}"
    assert names_in_order(client.get(f"{base}?university=HKU").get_data(as_text=True)) == [
        "From HKU"
    ]
    high = client.get(f"{base}?min_score=80").get_data(as_text=True)
    assert names_in_order(high) == ["From CUHK"]
    nobody = client.get(f"{base}?language=japanese").get_data(as_text=True)
    assert names_in_order(nobody) == [] and "No applicants match." in nobody
    bad = client.get(f"{base}?min_score=250").get_data(as_text=True)
    assert "Number must be between 0 and 100." in bad


def test_withdrawn_applicants_leave_the_shortlist(client, make, login):
    employer = make.employer()
    posting = make.posting(employer.membership.firm)
    student = make.student(full_name="Changed Mind")
    apply_as(client, login, student, posting)
    login(student)
    client.post(f"/student/applications/{posting.applications[0].id}/withdraw")
    client.post("/auth/logout")
    login(employer)
    page = client.get(f"/employer/postings/{posting.id}").get_data(as_text=True)
    assert "Changed Mind" not in page
    profile_id = student.profile.id
    assert client.get(f"/employer/students/{profile_id}").status_code == 404


def test_talent_search_shows_only_discoverable_students(client, make, login):
    employer = make.employer()
    make.posting(employer.membership.firm, required=ML_POSTING)
    public = make.student(full_name="Opted In", skills=[("Python", 4)])
    make.student(full_name="Private Person", skills=[("Python", 5), ("ML", 5), ("SQL", 5)])
    public.profile.discoverable = True
    db.session.commit()
    login(employer)
    page = client.get("/employer/talent").get_data(as_text=True)
    assert names_in_order(page) == ["Opted In"]
    assert client.get(f"/employer/students/{public.profile.id}").status_code == 200


def test_employer_sees_a_student_profile_only_with_a_reason(client, make, login):
    employer = make.employer()
    other_firm_posting = make.posting()
    student = make.student(full_name="Applied Elsewhere")
    apply_as(client, login, student, other_firm_posting)
    login(employer)
    assert client.get(f"/employer/students/{student.profile.id}").status_code == 404
    own = make.posting(employer.membership.firm)
    client.post("/auth/logout")
    apply_as(client, login, student, own)
    login(employer)
    page = client.get(f"/employer/students/{student.profile.id}").get_data(as_text=True)
    assert "Applied Elsewhere" in page and own.title in page
    assert other_firm_posting.title not in page
