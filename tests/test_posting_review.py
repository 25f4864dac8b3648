"""The posting review queue: when the programme requires it, students see a posting only
after a coordinator approves it; a returned posting goes back to its firm with a comment."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.seedfiles import firm as seed_firm
from tests.seedfiles import import_cli, write_csv
from tests.seedfiles import posting as seed_posting
from web.extensions import db
from web.models import AuditEntry, Notification, OutboxMessage, Posting
from web.services import settings

NOTE = "I built a credit-scoring model in Python for my final-year project."
APPLY = {"cover_note": NOTE, "transfer_consent": "y"}


def posting_form(**overrides: str) -> dict[str, str]:
    start = date.today() + timedelta(days=150)
    data = {
        "title": "Payments Data Intern",
        "description": "Analyse cross-boundary payment flows with the WeChat Pay team.",
        "location": "Shenzhen, Nanshan District",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=70)).isoformat(),
        "capacity": "2",
        "deadline": (start - timedelta(days=40)).isoformat(),
        "required-0-name": "Python",
        "required-0-level": "3",
        "preferred-0-name": "Kafka",
        "preferred-0-level": "2",
        "languages-0-language": "english",
        "languages-0-level": "3",
        "publish": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def office(make):
    return make.coordinator()


@pytest.fixture
def review_on(office):
    settings.change(settings.REVIEW_POSTINGS, True, office)
    db.session.commit()


@pytest.fixture
def firm(make):
    return make.firm("Tencent Financial Technology", "腾讯金融科技")


@pytest.fixture
def recruiter(make, firm):
    return make.employer(firm)


def publish(client, login, recruiter, **overrides: str) -> Posting:
    login(recruiter)
    response = client.post("/employer/postings/new", data=posting_form(**overrides))
    assert response.status_code == 302
    login.logout()
    return db.session.scalar(select(Posting).order_by(Posting.id.desc()))


def text(response) -> str:
    return response.get_data(as_text=True)


def test_coordinator_turns_review_on_and_off_in_the_settings_page(client, login, office):
    login(office)
    page = text(client.get("/coordinator/settings"))
    assert "Postings must be approved before students see them" in page
    assert 'name="review_postings"' in page and "checked" not in page
    response = client.post(
        "/coordinator/settings", data={"review_postings": "y"}, follow_redirects=True
    )
    assert "Settings saved." in text(response) and "checked" in text(response)
    assert settings.get(settings.REVIEW_POSTINGS) is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "setting.changed"))
    assert entry.actor_id == office.id
    assert entry.detail == {"key": "postings_require_review", "old": "false", "new": "true"}
    client.post("/coordinator/settings", data={})
    assert settings.get(settings.REVIEW_POSTINGS) is False


def test_with_review_off_publishing_makes_a_posting_visible(client, login, recruiter):
    posting = publish(client, login, recruiter)
    assert (posting.status, posting.review_status) == ("open", "approved")
    assert "Payments Data Intern" in text(client.get("/postings"))


def test_with_review_on_a_published_posting_waits_unseen(
    client, make, login, review_on, office, recruiter
):
    login(recruiter)
    response = client.post("/employer/postings/new", data=posting_form(), follow_redirects=True)
    assert "sent to the programme office for review" in text(response)
    assert "Awaiting review" in text(response)  # the posting's own page
    posting = db.session.scalar(select(Posting))
    assert (posting.status, posting.review_status) == ("open", "pending")
    assert "Awaiting review" in text(client.get("/employer/"))
    login.logout()

    assert "Payments Data Intern" not in text(client.get("/postings"))
    assert client.get(f"/postings/{posting.ref}").status_code == 404
    assert "Tencent Financial Technology" not in text(client.get("/postings"))  # firm filter
    student = make.student()
    login(student)
    applied = client.post(f"/student/postings/{posting.ref}/apply", data=APPLY)
    assert applied.status_code == 404
    assert not posting.applications
    login.logout()

    login(office)
    queue = text(client.get("/coordinator/reviews"))
    assert "Payments Data Intern" in queue and posting.ref in queue
    assert "Tencent Financial Technology" in queue and "Python" in queue and "Kafka" in queue
    assert "1 posting is waiting for review." in text(client.get("/coordinator/"))


def test_approving_makes_it_visible_and_tells_the_firm(
    client, make, login, review_on, office, firm, recruiter
):
    colleague = make.employer(firm)
    applicant_in_waiting = make.employer(firm, status="pending")
    posting = publish(client, login, recruiter)
    login(office)
    response = client.post(f"/coordinator/reviews/{posting.id}/approve", follow_redirects=True)
    assert f"Posting {posting.ref} is approved" in text(response)
    assert "No postings are waiting for review." in text(response)
    db.session.refresh(posting)
    assert posting.review_status == "approved"

    told = db.session.scalars(
        select(Notification).where(Notification.kind == "posting_approved")
    ).all()
    assert sorted(n.user_id for n in told) == sorted([recruiter.id, colleague.id])
    assert applicant_in_waiting.id not in {n.user_id for n in told}
    assert told[0].link == f"/employer/postings/{posting.id}"
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_email == recruiter.email))
    assert mail.subject == f"Posting approved: Payments Data Intern ({posting.ref})"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "posting.approved"))
    assert (entry.actor_id, entry.target_id) == (office.id, posting.id)
    login.logout()

    assert "Payments Data Intern" in text(client.get("/postings"))
    login(make.student())
    response = client.post(f"/student/postings/{posting.ref}/apply", data=APPLY)
    assert response.status_code == 302
    db.session.refresh(posting)
    assert len(posting.applications) == 1


def test_returning_needs_a_comment(client, login, review_on, office, recruiter):
    posting = publish(client, login, recruiter)
    login(office)
    response = client.post(
        f"/coordinator/reviews/{posting.id}/return", data={"comment": "  "}, follow_redirects=True
    )
    assert "Say what the firm should change." in text(response)
    db.session.refresh(posting)
    assert posting.review_status == "pending"
    assert db.session.scalar(select(Notification)) is None


def test_returned_posting_goes_back_with_the_comment_and_is_resubmitted_by_an_edit(
    client, login, review_on, office, recruiter
):
    posting = publish(client, login, recruiter)
    comment = "Please give the monthly stipend and say whether housing in Shenzhen is provided."
    login(office)
    response = client.post(
        f"/coordinator/reviews/{posting.id}/return",
        data={"comment": comment},
        follow_redirects=True,
    )
    assert f"Posting {posting.ref} is returned to the firm." in text(response)
    db.session.refresh(posting)
    assert (posting.review_status, posting.review_comment) == ("returned", comment)
    notice = db.session.scalar(select(Notification).where(Notification.user_id == recruiter.id))
    assert notice.kind == "posting_returned" and notice.params["comment"] == comment
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_email == recruiter.email))
    assert comment in mail.body
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "posting.returned"))
    assert entry.detail["comment"] == comment
    login.logout()

    assert client.get(f"/postings/{posting.ref}").status_code == 404
    login(recruiter)
    dashboard = text(client.get("/employer/"))
    assert "Returned" in dashboard and "monthly stipend" in dashboard
    page = text(client.get(f"/employer/postings/{posting.id}"))
    assert "Returned by the programme office" in page and "monthly stipend" in page
    assert "monthly stipend" in text(client.get(f"/employer/postings/{posting.id}/edit"))

    edited = posting_form(description="Stipend RMB 6,000 a month; housing near Tencent Binhai.")
    client.post(f"/employer/postings/{posting.id}/edit", data=edited)
    db.session.refresh(posting)
    assert (posting.review_status, posting.review_comment) == ("pending", None)
    assert "Awaiting review" in text(client.get("/employer/"))
    login.logout()
    login(office)
    assert "housing near Tencent Binhai" in text(client.get("/coordinator/reviews"))


def test_editing_an_approved_posting_sends_it_back_for_review(
    client, login, review_on, office, recruiter
):
    posting = publish(client, login, recruiter)
    login(office)
    client.post(f"/coordinator/reviews/{posting.id}/approve")
    login.logout()
    login(recruiter)
    client.post(f"/employer/postings/{posting.id}/edit", data=posting_form(capacity="4"))
    db.session.refresh(posting)
    assert (posting.capacity, posting.review_status) == (4, "pending")
    login.logout()
    assert client.get(f"/postings/{posting.ref}").status_code == 404


def test_opening_a_draft_sends_it_for_review(client, login, review_on, recruiter):
    login(recruiter)
    draft = posting_form(save_draft="1")
    del draft["publish"]
    client.post("/employer/postings/new", data=draft)
    posting = db.session.scalar(select(Posting))
    assert posting.status == "draft"
    client.post(f"/employer/postings/{posting.id}/status/open")
    db.session.refresh(posting)
    assert (posting.status, posting.review_status) == ("open", "pending")
    # closing and reopening does not approve it either
    client.post(f"/employer/postings/{posting.id}/status/closed")
    client.post(f"/employer/postings/{posting.id}/status/open")
    db.session.refresh(posting)
    assert posting.review_status == "pending"


def test_turning_review_off_keeps_waiting_postings_waiting(
    client, login, review_on, office, recruiter
):
    waiting = publish(client, login, recruiter)
    login(office)
    page = text(client.post("/coordinator/settings", data={}, follow_redirects=True))
    assert "1 posting is waiting for review." in page
    login.logout()
    db.session.refresh(waiting)
    assert waiting.review_status == "pending"
    later = publish(client, login, recruiter, title="Blockchain Settlement Intern")
    assert later.review_status == "approved"


def test_imported_postings_stay_approved(client, runner, tmp_path, review_on):
    write_csv(tmp_path / "firms.csv", "firms", [seed_firm()])
    write_csv(tmp_path / "postings.csv", "postings", [seed_posting()])
    result = import_cli(runner, tmp_path)
    assert result.exit_code == 0, result.output
    imported = db.session.scalar(select(Posting).where(Posting.ref == "QLL-2027-001"))
    assert imported.review_status == "approved"
    assert "Payments Engineering Intern" in text(client.get("/postings"))


def test_only_coordinators_review(client, make, login, review_on, recruiter):
    posting = publish(client, login, recruiter)
    assert client.get("/coordinator/reviews").status_code == 302  # to the login page
    for user in (make.student(), recruiter):
        login(user)
        assert client.get("/coordinator/reviews").status_code == 403
        assert client.get("/coordinator/settings").status_code == 403
        assert client.post(f"/coordinator/reviews/{posting.id}/approve").status_code == 403
        assert client.post("/coordinator/settings", data={}).status_code == 403
        login.logout()
    db.session.refresh(posting)
    assert posting.review_status == "pending"
    assert settings.get(settings.REVIEW_POSTINGS) is True


def test_a_posting_never_becomes_visible_by_a_get(client, login, review_on, office, recruiter):
    posting = publish(client, login, recruiter)
    login(office)
    assert client.get(f"/coordinator/reviews/{posting.id}/approve").status_code == 405
    assert client.get(f"/coordinator/reviews/{posting.id}/return").status_code == 405
    client.get("/coordinator/reviews")
    client.get("/coordinator/")
    db.session.refresh(posting)
    assert posting.review_status == "pending"


def test_a_decision_is_made_once(client, login, review_on, office, recruiter):
    posting = publish(client, login, recruiter)
    login(office)
    client.post(f"/coordinator/reviews/{posting.id}/approve")
    response = client.post(
        f"/coordinator/reviews/{posting.id}/return",
        data={"comment": "Too late, already approved."},
        follow_redirects=True,
    )
    assert "is no longer waiting for review" in text(response)
    db.session.refresh(posting)
    assert posting.review_status == "approved"
    assert (
        db.session.scalar(select(Notification).where(Notification.kind == "posting_returned"))
        is None
    )


def test_review_forms_need_the_csrf_token(app, client, login, review_on, office, recruiter):
    posting = publish(client, login, recruiter)
    app.config["WTF_CSRF_ENABLED"] = True
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(client.get("/auth/login")))
    client.post(
        "/auth/login",
        data={"email": office.email, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    queue = text(client.get("/coordinator/reviews"))
    forms = re.findall(r'<form method="post" action="/coordinator/reviews/.*?</form>', queue, re.S)
    assert len(forms) == 2 and all('name="csrf_token"' in form for form in forms)
    client.post(f"/coordinator/reviews/{posting.id}/approve")
    client.post(f"/coordinator/reviews/{posting.id}/return", data={"comment": "No token"})
    db.session.refresh(posting)
    assert posting.review_status == "pending"


def test_queue_is_paginated(client, make, login, review_on, office, firm, recruiter):
    for n in range(7):  # the test page size is 5
        publish(client, login, recruiter, title=f"Quant Research Intern {n}")
    login(office)
    first = text(client.get("/coordinator/reviews"))
    second = text(client.get("/coordinator/reviews?page=2"))
    assert first.count("<article") == 5 and second.count("<article") == 2
    assert "7 in all" in first


def test_queue_queries_do_not_grow(client, make, login, review_on, office, count_queries):
    def queries() -> int:
        client.get("/coordinator/reviews")
        db.session.expire_all()
        with count_queries:
            assert client.get("/coordinator/reviews").status_code == 200
        return count_queries.count

    publish(client, login, make.employer())
    login(office)
    few = queries()
    login.logout()
    for n in range(3):
        publish(client, login, make.employer(make.firm()), title=f"Credit Risk Intern {n}")
    login(office)
    assert queries() == few
