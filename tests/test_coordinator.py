"""Coordinators approve employers and watch the programme; created from the CLI."""

from __future__ import annotations

from sqlalchemy import select

from web.extensions import db
from web.models import AuditEntry, User


def test_create_coordinator_from_the_command_line(runner, client, login):
    result = runner.invoke(
        args=["users", "create-coordinator", "Office@Programme.example.org"],
        input="lantern-harbour-quiet-42\nlantern-harbour-quiet-42\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "office@programme.example.org"))
    assert user.role == "coordinator"
    assert login("office@programme.example.org", "lantern-harbour-quiet-42").status_code == 302


def test_create_coordinator_refuses_weak_password_and_duplicates(runner, make):
    weak = runner.invoke(
        args=["users", "create-coordinator", "a@programme.example.org"],
        input="password1\npassword1\n",
    )
    assert weak.exit_code != 0 and "Use at least 10 characters" in weak.output
    existing = make.coordinator()
    dup = runner.invoke(
        args=["users", "create-coordinator", existing.email.upper()],
        input="lantern-harbour-quiet-42\nlantern-harbour-quiet-42\n",
    )
    assert dup.exit_code != 0 and "already exists" in dup.output


def test_coordinator_approves_a_pending_employer(client, make, login):
    employer = make.employer(make.firm("Ping An Technology"), status="pending")
    coordinator = make.coordinator()
    login(coordinator)
    page = client.get("/coordinator/employers").get_data(as_text=True)
    assert employer.email in page and "Ping An Technology" in page
    client.post(f"/coordinator/employers/{employer.membership.id}/approve")
    db.session.refresh(employer.membership)
    assert employer.membership.status == "approved"
    assert employer.membership.decided_by_id == coordinator.id
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "employer.approved" and entry.actor_id == coordinator.id
    client.post("/auth/logout")
    login(employer)
    assert client.get("/employer/").status_code == 200


def test_unconfirmed_employers_wait_until_they_confirm_their_address(client, make, login):
    unconfirmed = make.employer(make.firm("Tencent"), status="pending", verified=False)
    login(make.coordinator())
    assert unconfirmed.email not in client.get("/coordinator/employers").get_data(as_text=True)
    answer = client.post(f"/coordinator/employers/{unconfirmed.membership.id}/approve")
    assert answer.status_code == 404
    db.session.refresh(unconfirmed.membership)
    assert unconfirmed.membership.status == "pending"


def test_coordinator_rejects_an_employer(client, make, login):
    employer = make.employer(status="pending")
    login(make.coordinator())
    client.post(f"/coordinator/employers/{employer.membership.id}/reject")
    db.session.refresh(employer.membership)
    assert employer.membership.status == "rejected"
    assert "No employer accounts here." in client.get("/coordinator/employers").get_data(
        as_text=True
    )
    assert employer.email in client.get("/coordinator/employers?status=rejected").get_data(
        as_text=True
    )


def test_approval_is_a_post(client, make, login):
    employer = make.employer(status="pending")
    login(make.coordinator())
    assert client.get(f"/coordinator/employers/{employer.membership.id}/approve").status_code == 405
    assert employer.membership.status == "pending"


def test_dashboard_counts_the_programme(client, make, login):
    firm = make.firm()
    make.posting(firm, capacity=3)
    make.posting(firm, capacity=2, status="closed")
    make.student()
    make.employer(status="pending")
    login(make.coordinator())
    page = client.get("/coordinator/").get_data(as_text=True)
    assert "1 employer is waiting for approval." in page
    firms = client.get("/coordinator/firms").get_data(as_text=True)
    assert firm.name in firms
    postings = client.get("/coordinator/postings").get_data(as_text=True)
    assert postings.count("<tr>") == 3  # the header and two postings
