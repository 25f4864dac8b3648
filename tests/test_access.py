"""Each portal is reachable by its role only; objects are checked against the user."""

from __future__ import annotations

import pytest

STUDENT_PAGES = ["/student/", "/student/profile", "/student/profile/edit", "/student/applications"]
EMPLOYER_PAGES = ["/employer/", "/employer/postings/new"]
COORDINATOR_PAGES = [
    "/coordinator/",
    "/coordinator/employers",
    "/coordinator/firms",
    "/coordinator/postings",
]


@pytest.mark.parametrize("path", STUDENT_PAGES + EMPLOYER_PAGES + COORDINATOR_PAGES)
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("student", STUDENT_PAGES),
        ("employer", EMPLOYER_PAGES),
        ("coordinator", COORDINATOR_PAGES),
    ],
)
def test_each_role_sees_its_pages_and_is_refused_the_others(client, make, login, role, allowed):
    user = getattr(make, role)()
    login(user)
    for path in STUDENT_PAGES + EMPLOYER_PAGES + COORDINATOR_PAGES:
        expected = 200 if path in allowed else 403
        assert client.get(path).status_code == expected, (role, path)


def test_pending_employer_sees_only_the_pending_page(client, make, login):
    login(make.employer(status="pending"))
    for path in EMPLOYER_PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/employer/pending")
    assert client.get("/employer/pending").status_code == 200


def test_pending_employer_cannot_post(client, make, login):
    employer = make.employer(status="pending")
    login(employer)
    response = client.post("/employer/postings/new", data={"title": "Sneaky posting"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/employer/pending")
    assert employer.membership.firm.postings == []


def test_rejected_employer_is_told(client, make, login):
    login(make.employer(status="rejected"))
    assert b"was not approved" in client.get("/employer/pending").data


def test_employer_cannot_touch_another_firms_posting(client, make, login):
    other = make.posting()
    login(make.employer())
    assert client.get(f"/employer/postings/{other.id}").status_code == 404
    assert client.get(f"/employer/postings/{other.id}/edit").status_code == 404
    assert (
        client.post(f"/employer/postings/{other.id}/edit", data={"title": "Hijacked"}).status_code
        == 404
    )
    assert client.post(f"/employer/postings/{other.id}/status/closed").status_code == 404
    assert other.title != "Hijacked" and other.status == "open"


def test_student_cannot_see_another_students_application(client, make, login):
    posting = make.posting()
    owner, intruder = make.student(), make.student()
    login(owner)
    client.post(
        f"/student/postings/{posting.ref}/apply",
        data={
            "cover_note": "I have built credit scorecards in Python for a class project.",
            "transfer_consent": "y",
        },
    )
    application_id = posting.applications[0].id
    assert client.get(f"/student/applications/{application_id}").status_code == 200
    client.post("/auth/logout")
    login(intruder)
    assert client.get(f"/student/applications/{application_id}").status_code == 404
    assert client.post(f"/student/applications/{application_id}/withdraw").status_code == 404
    assert posting.applications[0].status == "submitted"
