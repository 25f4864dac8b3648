"""Registration, login and logout (confirming the address: tests/test_registration.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from web.extensions import db
from web.models import OutboxMessage, User

STRONG = "plum-orbit-lantern-91"


def register(client, email="amy.lau@cuhk.example.edu.hk", password=STRONG, confirm=None):
    return client.post(
        "/auth/register",
        data={
            "email": email,
            "full_name": "Lau Wing Yan",
            "password": password,
            "confirm": confirm if confirm is not None else password,
            "agree": "y",
        },
    )


def confirm_link(email: str) -> str:
    """The path of the newest confirmation link emailed to this address."""
    body = db.session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.to_email == email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert body is not None, f"no email to {email}"
    return "/auth/confirm/" + body.rsplit("/auth/confirm/", 1)[1].split()[0]


def test_student_registers_confirms_and_lands_on_profile(client):
    response = register(client)
    assert response.status_code == 200
    assert "We sent a link to amy.lau@cuhk.example.edu.hk" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "amy.lau@cuhk.example.edu.hk"))
    assert user is not None and user.role == "student"
    assert user.profile.full_name == "Lau Wing Yan"
    assert user.password_hash and STRONG not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    response = client.post(confirm_link(user.email), data={"password": STRONG})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/student/profile/edit")


def test_duplicate_email_in_another_case_changes_nothing(client):
    register(client)
    before = db.session.scalar(select(User.password_hash))
    response = register(client, email="AMY.Lau@CUHK.example.edu.hk", password="other-" + STRONG)
    assert response.status_code == 200
    assert "We sent a link to amy.lau@cuhk.example.edu.hk" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(User.password_hash)) != before  # never confirmed: replaced


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", b"Use at least 10 characters"),
        ("password123", b"too easy to guess"),
        ("qwertyuiop", b"too easy to guess"),
        ("amy.lau@cuhk", b"too easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_a_message(client, password, message):
    response = register(client, password=password)
    assert response.status_code == 200
    assert message in response.data
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_mismatched_confirmation_is_refused(client):
    response = register(client, confirm="something-else-entirely")
    assert b"The passwords differ" in response.data


def test_invalid_email_is_refused(client):
    response = register(client, email="not-an-email")
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.data


def test_login_with_wrong_password_says_nothing_about_the_account(client, make, login):
    student = make.student()
    response = login(student, "wrong-password-here")
    assert response.status_code == 200
    assert b"Wrong email or password" in response.data
    unknown = login("nobody@example.edu.hk", "wrong-password-here")
    assert b"Wrong email or password" in unknown.data


def test_login_is_case_insensitive_and_goes_home(client, make, login):
    student = make.student("Kelvin.Ho@HKU.example.edu.hk")
    response = login(student.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/student/")


def test_login_follows_only_local_next(client, make):
    student = make.student()
    ok = client.post(
        "/auth/login?next=/student/applications",
        data={"email": student.email, "password": PASSWORD},
    )
    assert ok.headers["Location"].endswith("/student/applications")
    client.post("/auth/logout")
    for target in ("https://evil.example.com/", "//evil.example.com", "/\\evil.example.com"):
        response = client.post(
            f"/auth/login?next={target}", data={"email": student.email, "password": PASSWORD}
        )
        assert response.headers["Location"].endswith("/student/"), target


def test_logout_is_a_post_and_ends_the_session(client, make, login):
    login(make.student())
    assert client.get("/student/").status_code == 200
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout")
    assert client.get("/student/").status_code == 302


def test_disabled_account_cannot_log_in(client, make, login):
    student = make.student()
    student.is_enabled = False
    db.session.commit()
    assert b"Wrong email or password" in login(student).data


def test_employer_registers_for_a_new_firm_and_waits(client):
    response = client.post(
        "/auth/register/employer",
        data={
            "email": "hr@newfintech.example.com",
            "job_title": "Campus recruiter",
            "firm_id": "0",
            "new_firm_name": "Qianhai Ledger Labs",
            "new_firm_name_zh": "前海账本实验室",
            "password": STRONG,
            "confirm": STRONG,
            "agree": "y",
        },
    )
    assert response.status_code == 200
    assert b"We sent a link to hr@newfintech.example.com" in response.data
    response = client.post(confirm_link("hr@newfintech.example.com"), data={"password": STRONG})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/employer/pending")
    page = client.get("/employer/pending")
    assert "Qianhai Ledger Labs" in page.get_data(as_text=True)
    assert b"awaiting approval" in page.data


def test_employer_registration_needs_a_firm(client):
    response = client.post(
        "/auth/register/employer",
        data={
            "email": "hr@x.example.com",
            "firm_id": "0",
            "password": STRONG,
            "confirm": STRONG,
            "agree": "y",
        },
    )
    assert response.status_code == 200
    assert b"Give your firm" in response.data


def test_employer_joins_an_existing_firm(client, make):
    firm = make.firm("WeBank", "微众银行")
    client.post(
        "/auth/register/employer",
        data={
            "email": "hr@webank.example.com",
            "firm_id": str(firm.id),
            "password": STRONG,
            "confirm": STRONG,
            "agree": "y",
        },
    )
    user = db.session.scalar(select(User).where(User.email == "hr@webank.example.com"))
    assert user.membership.firm_id == firm.id
    assert user.membership.status == "pending"
