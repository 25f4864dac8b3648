"""Everyone's notifications page, the unread badge in the navbar, marking read."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from web.extensions import db
from web.models import Notification
from web.models.base import utcnow
from web.services.notify import notify


def badge(html: str) -> str | None:
    """The unread count shown next to "Notifications" in the navbar, if any."""
    match = re.search(r'Notifications <span class="badge[^"]*"[^>]*>(\d+)</span>', html)
    return match.group(1) if match else None


def tell(user, kind: str, minutes_ago: int = 0, link: str | None = None, **params) -> Notification:
    notification = notify(user, kind, link=link, **params)
    notification.created_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()
    return notification


def test_the_page_lists_own_notifications_newest_first(client, make, login):
    student = make.student()
    other = make.student()
    tell(student, "offer_made", 30, firm="WeBank", posting="Risk Analytics Intern")
    tell(student, "stage_changed", 5, firm="Ping An", posting="Data Intern", stage="under_review")
    tell(other, "offer_made", 1, firm="Tencent", posting="Payments Intern")
    login(student)
    html = client.get("/notifications/").get_data(as_text=True)
    newer = html.index("Your application to Ping An: Under review")
    older = html.index("Offer from WeBank")
    assert newer < older
    assert "moved to the stage “Under review”" in html  # the stage code becomes its label
    assert "Tencent" not in html  # someone else's
    assert html.count("notification-unread") == 2


def test_unread_count_in_the_navbar_and_mark_all_read(client, make, login):
    employer = make.employer()
    for n in range(3):
        tell(employer, "new_applicant", n, student=f"Student {n}", posting="Risk Intern")
    login(employer)
    assert badge(client.get("/employer/").get_data(as_text=True)) == "3"
    assert "3 unread" in client.get("/employer/").get_data(as_text=True)
    response = client.post("/notifications/read", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "3 notifications marked as read." in html
    assert badge(html) is None
    assert "notification-unread" not in html and "Mark all as read" not in html
    assert all(n.read_at for n in db.session.scalars(select(Notification)))


def test_no_badge_without_unread_notifications_or_when_logged_out(client, make, login):
    assert "Notifications" not in client.get("/").get_data(as_text=True)
    login(make.coordinator())
    html = client.get("/coordinator/").get_data(as_text=True)
    assert "Notifications" in html and badge(html) is None
    assert "No notifications yet." in client.get("/notifications/").get_data(as_text=True)


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, make, login):
    student = make.student()
    offer = tell(student, "offer_made", link="/student/applications", firm="WeBank", posting="X")
    other = tell(student, "offer_made", firm="Tencent", posting="Y")
    login(student)
    response = client.post(f"/notifications/{offer.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == "/student/applications"
    db.session.refresh(offer)
    db.session.refresh(other)
    assert offer.read_at is not None and other.read_at is None
    assert badge(client.get("/notifications/").get_data(as_text=True)) == "1"
    # One without a link is marked read and the list is shown again.
    assert client.post(f"/notifications/{other.id}/open").headers["Location"] == "/notifications/"


def test_a_notification_with_a_foreign_link_is_not_followed(client, make, login):
    student = make.student()
    odd = tell(student, "offer_made", link="https://evil.example.com/", firm="A", posting="B")
    login(student)
    assert client.post(f"/notifications/{odd.id}/open").headers["Location"] == "/notifications/"


def test_nobody_opens_someone_elses_notification(client, make, login):
    owner = make.student()
    notification = tell(owner, "offer_made", firm="WeBank", posting="Risk Intern")
    login(make.student())
    assert client.post(f"/notifications/{notification.id}/open").status_code == 404
    client.post("/notifications/read")
    db.session.refresh(notification)
    assert notification.read_at is None


def test_opening_is_a_post(client, make, login):
    student = make.student()
    notification = tell(student, "offer_made", firm="WeBank", posting="Risk Intern")
    login(student)
    assert client.get(f"/notifications/{notification.id}/open").status_code == 405
    assert client.get("/notifications/read").status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=/notifications/")


def test_the_list_is_paginated(client, make, login):
    student = make.student()
    for n in range(7):  # PAGE_SIZE is 5 in tests
        tell(student, "stage_changed", n, firm=f"Firm {n}", posting="Intern", stage="shortlisted")
    login(student)
    first = client.get("/notifications/").get_data(as_text=True)
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert [f"Firm {n}:" in first for n in range(7)] == [True] * 5 + [False] * 2
    assert [f"Firm {n}:" in second for n in range(7)] == [False] * 5 + [True] * 2
    assert "7 in all" in first


def test_list_queries_do_not_grow_with_notifications(client, make, login, count_queries):
    student = make.student()
    tell(student, "offer_made", firm="WeBank", posting="Intern")
    login(student)
    client.get("/notifications/")
    db.session.expire_all()
    with count_queries:
        client.get("/notifications/")
    few = count_queries.count
    for n in range(4):
        tell(student, "offer_made", firm=f"Firm {n}", posting="Intern")
    db.session.expire_all()
    with count_queries:
        client.get("/notifications/")
    assert count_queries.count == few


def test_an_approved_employer_finds_the_notice(client, make, login):
    employer = make.employer(make.firm("Tencent Financial Technology"), status="pending")
    login(make.coordinator())
    client.post(f"/coordinator/employers/{employer.membership.id}/approve")
    login.logout()
    login(employer)
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Your employer account is approved" in html
    assert "review applicants for Tencent Financial Technology." in html
    [notice] = db.session.scalars(select(Notification)).all()
    assert client.post(f"/notifications/{notice.id}/open").headers["Location"] == "/employer/"


def test_a_rejected_employer_is_told_on_the_waiting_page(client, make, login):
    employer = make.employer(make.firm("Shenzhen Quant Lab"), status="pending")
    login(make.coordinator())
    client.post(f"/coordinator/employers/{employer.membership.id}/reject")
    login.logout()
    login(employer)
    html = client.get("/employer/pending").get_data(as_text=True)
    assert badge(html) == "1"
    page = client.get("/notifications/").get_data(as_text=True)
    assert "did not approve your account for Shenzhen Quant Lab." in page
    [notice] = db.session.scalars(select(Notification)).all()
    assert (
        client.post(f"/notifications/{notice.id}/open").headers["Location"] == "/employer/pending"
    )


def test_marking_read_needs_the_csrf_token(app, client, make, login):
    student = make.student()
    notification = tell(student, "offer_made", firm="WeBank", posting="Risk Intern")
    login(student)
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get("/notifications/").get_data(as_text=True)
    assert client.post(f"/notifications/{notification.id}/open").status_code == 400
    assert client.post("/notifications/read").status_code == 400
    db.session.refresh(notification)
    assert notification.read_at is None
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(f"/notifications/{notification.id}/open", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(notification)
    assert notification.read_at is not None
