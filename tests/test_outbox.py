"""Email goes through the outbox: written with its cause, sent after commit, retried, never lost.

Every test here receives real mail from the app on a local SMTP server (the ``mailbox``
fixture: aiosmtpd on 127.0.0.1).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from web import create_app
from web.config import TestConfig
from web.extensions import db
from web.models import Notification, OutboxMessage, User
from web.models.base import utcnow
from web.services import mailer
from web.services.notify import notify


def aware(value: datetime) -> datetime:
    """SQLite hands back the stored UTC time without its zone."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def make_due() -> None:
    """Let the retry delay pass."""
    db.session.execute(
        update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def approve(client, employer) -> object:
    return client.post(
        f"/coordinator/employers/{employer.membership.id}/approve", follow_redirects=True
    )


def test_approving_an_employer_emails_them_after_the_commit(client, make, login, mailbox):
    employer = make.employer(make.firm("WeBank", name_zh="微众银行"), status="pending")
    login(make.coordinator())
    response = approve(client, employer)
    assert response.status_code == 200
    assert f"{employer.email} can now act for WeBank." in response.get_data(as_text=True)

    [mail] = mailbox.received
    assert mail.rcpt_tos == [employer.email]
    assert mail.mail_from == "no-reply@talent-bridge.invalid"
    assert mail.message["To"] == employer.email
    assert mail.message["From"] == "Talent Bridge <no-reply@talent-bridge.invalid>"
    assert mail.message["Subject"] == "Your employer account is approved"
    assert mail.message["Message-ID"].endswith("@talent-bridge.invalid>")
    assert mail.message["Date"]
    assert mail.body.startswith("You can now post internships and review applicants for WeBank.")
    assert "http://127.0.0.1:5000/employer/" in mail.body

    [row] = outbox()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.sent_at is not None


def test_chinese_text_survives_the_trip(runner, make, mailbox, app):
    app.config["PUBLIC_BASE_URL"] = "https://talent-bridge.example.org"
    recruiter = make.employer(make.firm("深圳前海微众银行"))
    notify(
        recruiter,
        "new_applicant",
        link="/employer/postings/7",
        student="陳小明",
        posting="风险分析实习生（信贷）",
    )
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0, remaining 0" in result.output

    [mail] = mailbox.to(recruiter.email)
    assert mail.message["Subject"] == "New applicant for 风险分析实习生（信贷）"
    assert mail.message.get_content_charset() == "utf-8"
    assert mail.body == (
        "陳小明 applied to 风险分析实习生（信贷）.\n\n"
        "https://talent-bridge.example.org/employer/postings/7\n"
    )


def test_mail_server_down_the_request_succeeds_and_the_message_waits(
    client, runner, make, login, mailbox
):
    employer = make.employer(status="pending")
    login(make.coordinator())
    mailbox.stop()
    before = utcnow()
    response = approve(client, employer)
    assert response.status_code == 200
    db.session.refresh(employer.membership)
    assert employer.membership.status == "approved"

    [row] = outbox()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in row.last_error
    wait = aware(row.next_attempt_at) - before
    assert timedelta(seconds=55) < wait < timedelta(seconds=70)  # the first retry: a minute

    mailbox.start()  # the server is back, but the message is not due yet
    result = runner.invoke(args=["outbox", "send"])
    assert (result.exit_code, result.output.strip()) == (0, "sent 0, failed 0, remaining 1")
    assert mailbox.received == []

    make_due()
    result = runner.invoke(args=["outbox", "send"])
    assert (result.exit_code, result.output.strip()) == (0, "sent 1, failed 0, remaining 0")
    [mail] = mailbox.received
    assert mail.rcpt_tos == [employer.email]
    [row] = outbox()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_backoff_doubles_then_the_message_is_given_up(runner, make, mailbox):
    student = make.student("chan.siuming@connect.hku.example.hk")
    notify(student, "offer_made", firm="Ping An Technology", posting="Data Engineering Intern")
    db.session.commit()
    mailbox.stop()
    for attempt in range(1, mailer.MAX_ATTEMPTS + 1):
        make_due()
        before = utcnow()
        result = runner.invoke(args=["outbox", "send"])
        assert result.exit_code == 1
        [row] = outbox()
        assert row.attempts == attempt
        if attempt < mailer.MAX_ATTEMPTS:
            assert row.status == "pending"
            expected = timedelta(minutes=2 ** (attempt - 1))
            assert abs(aware(row.next_attempt_at) - before - expected) < timedelta(seconds=10)
            assert "sent 0, failed 1, remaining 1" in result.output
    assert row.status == "failed"
    assert "sent 0, failed 1, remaining 0" in result.output
    assert "given up" in result.output

    status = runner.invoke(args=["outbox", "status"])
    assert status.exit_code == 0
    assert "pending 0 (due now 0), sent 0, failed 1" in status.output
    assert f"to {student.email} after 8 attempt(s): Offer from Ping An Technology" in status.output
    assert "ConnectionRefusedError" in status.output

    mailbox.start()  # a failed message is not retried by itself
    again = runner.invoke(args=["outbox", "send"])
    assert (again.exit_code, again.output.strip()) == (0, "sent 0, failed 0, remaining 0")
    assert mailbox.received == []


def test_a_refused_recipient_fails_at_once_and_the_others_still_go(runner, make, mailbox):
    gone = make.student("graduated@hku.example.edu.hk")
    here = make.student("current@cuhk.example.edu.hk")
    mailbox.refuse.add(gone.email)
    for student in (gone, here):
        notify(student, "stage_changed", firm="WeBank", posting="Risk Intern", stage="shortlisted")
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 1
    assert "sent 1, failed 1, remaining 0" in result.output
    refused, sent = outbox()
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert "550" in refused.last_error and "No such mailbox" in refused.last_error
    assert sent.status == "sent"
    [mail] = mailbox.received
    assert mail.rcpt_tos == [here.email]
    assert mail.message["Subject"] == "Your application to WeBank: Shortlisted"


def test_a_rolled_back_request_writes_and_sends_nothing(app, client, make, login, mailbox):
    student = make.student()
    student_id = student.id

    @app.post("/_test/notify-then-fail")
    def notify_then_fail() -> str:
        notify(db.session.get(User, student_id), "offer_made", firm="WeBank", posting="Intern")
        db.session.flush()
        raise RuntimeError("the change that caused the message failed")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(make.coordinator())
    response = client.post("/_test/notify-then-fail", follow_redirects=True)
    assert response.status_code == 500
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0

    employer = make.employer(status="pending")  # a later commit sends only its own message
    approve(client, employer)
    assert [m.rcpt_tos for m in mailbox.received] == [[employer.email]]


def test_the_console_backend_prints_the_message(runner, make, app):
    app.config["MAIL_BACKEND"] = "console"
    student = make.student()
    notify(
        student,
        "interview_scheduled",
        firm="Tencent",
        posting="Payments Intern",
        when="3 June 2027 10:00",
        where="Tencent Binhai Tower, Shenzhen",
    )
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0
    assert f"To: {student.email}" in result.output
    assert "Subject: Interview invitation from Tencent" in result.output
    assert "at Tencent Binhai Tower, Shenzhen." in result.output
    assert outbox()[0].status == "sent"


def test_the_app_logs_in_when_the_server_asks(runner, make, mailbox, app):
    mailbox.stop()
    mailbox.login = ("talent-bridge", "relay-password-2027")
    mailbox.start()
    student = make.student()
    notify(student, "offer_made", firm="WeBank", posting="Risk Analytics Intern")
    db.session.commit()
    app.config.update(MAIL_USERNAME="talent-bridge", MAIL_PASSWORD="wrong")
    refused = runner.invoke(args=["outbox", "send"])
    assert refused.exit_code == 1
    assert "535" in refused.output  # why the run stopped
    [row] = outbox()
    assert row.status == "pending" and "535" in row.last_error

    app.config["MAIL_PASSWORD"] = "relay-password-2027"
    make_due()
    result = runner.invoke(args=["outbox", "send"])
    assert (result.exit_code, result.output.strip()) == (0, "sent 1, failed 0, remaining 0")
    assert [m.rcpt_tos for m in mailbox.received] == [[student.email]]


def test_an_unknown_backend_is_reported(runner, app):
    app.config["MAIL_BACKEND"] = "pigeon"
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code != 0
    assert "MAIL_BACKEND must be 'console' or 'smtp'" in result.output


@pytest.fixture
def shared_app(app: Flask, database_url: str, tmp_path) -> Flask:
    """An app whose connections really are separate (in-memory SQLite has one)."""
    if database_url != "sqlite://":
        return app
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'workers.db'}"
    other = create_app(config)
    with other.app_context():
        db.create_all()
    return other


def test_two_workers_never_send_one_message_twice(shared_app, mailbox, app):
    shared_app.config.update({k: v for k, v in app.config.items() if k.startswith("MAIL_")})
    with shared_app.app_context():
        for n in range(30):
            db.session.add(
                OutboxMessage(to_email=f"student{n}@hku.example.edu.hk", subject="S", body="B")
            )
        db.session.commit()

    reports: list[mailer.SendReport] = []

    def worker() -> None:
        with shared_app.app_context():
            reports.append(mailer.send_due())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(r.sent for r in reports) == 30
    recipients = sorted(r.rcpt_tos[0] for r in mailbox.received)
    assert recipients == sorted(f"student{n}@hku.example.edu.hk" for n in range(30))
    with shared_app.app_context():
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
        if shared_app is not app:
            db.drop_all()
            db.engine.dispose()
