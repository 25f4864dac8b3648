"""Sending the outbox: claim a due message, hand it to the mail backend, record the result.

Messages are written by ``notify`` in the transaction of the change that causes them; this
module only ever reads committed rows. Several app processes (and ``flask outbox send``)
may run it at once: a message is claimed by one conditional UPDATE that moves its
``next_attempt_at`` past a lease, so only one process wins it, and a process that dies while
sending leaves it to be retried when the lease ends. Each failure counts an attempt and waits
twice as long as the one before; after ``MAX_ATTEMPTS`` (or a permanent 5xx refusal) the
message is marked failed and stays in the table for ``flask outbox status``.
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import func, select, update

from web.extensions import db
from web.models import OutboxMessage
from web.models.base import utcnow

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8 ... minutes
LEASE = timedelta(minutes=10)  # far longer than MAIL_TIMEOUT: a claim outlives its send
BATCH = 100


class TransportError(Exception):
    """The mail server cannot be used at all (down, refused, TLS or login failed)."""


@dataclass
class SendReport:
    """What one run did: sent, failed but will be retried, given up on."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    stopped: str | None = None  # why the run stopped early (the mail server is unusable)

    @property
    def had_errors(self) -> bool:
        return bool(self.retrying or self.failed)


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class ConsoleTransport:
    """Development: print each message instead of sending it."""

    def send(self, message: EmailMessage) -> None:
        headers = "".join(f"{name}: {value}\n" for name, value in message.items())
        body = message.get_content()
        sys.stdout.write(f"----- email (MAIL_BACKEND=console) -----\n{headers}\n{body}\n-----\n")
        sys.stdout.flush()

    def close(self) -> None:
        return None


class SMTPTransport:
    """One SMTP connection, opened at the first message and reused for the run."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        c = self.config
        if c["MAIL_USE_SSL"] and c["MAIL_USE_TLS"]:
            raise TransportError("set MAIL_USE_SSL or MAIL_USE_TLS, not both")
        context = ssl.create_default_context()
        try:
            if c["MAIL_USE_SSL"]:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"], context=context
                )
            else:
                smtp = smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
                if c["MAIL_USE_TLS"]:
                    smtp.starttls(context=context)
            if c["MAIL_USERNAME"]:
                smtp.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"] or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(describe(exc)) from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        try:
            self.smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPSenderRefused) as exc:
            self._drop()
            raise TransportError(describe(exc)) from exc
        except smtplib.SMTPException:  # about this message only (SMTPException is an OSError)
            raise
        except OSError as exc:  # the network: reset, timeout
            self._drop()
            raise TransportError(describe(exc)) from exc

    def _drop(self) -> None:
        """Forget a connection that can no longer be used."""
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def make_transport() -> Transport:
    """The backend named by MAIL_BACKEND."""
    backend = current_app.config.get("MAIL_BACKEND", "console")
    if backend == "smtp":
        return SMTPTransport(current_app.config)
    if backend == "console":
        return ConsoleTransport()
    raise ValueError(f"MAIL_BACKEND must be 'console' or 'smtp', not {backend!r}")


def build_email(row: OutboxMessage) -> EmailMessage:
    """A UTF-8 message with the headers mail servers and spam filters expect."""
    sender = current_app.config["MAIL_SENDER"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "talent-bridge.invalid"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_email
    message["Subject"] = row.subject
    message["Date"] = format_datetime(utcnow())
    # Stable per row, so a message re-sent after a crash is recognised as the same one.
    message["Message-ID"] = f"<outbox.{row.id}.{_stamp(row.created_at)}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body, charset="utf-8")
    return message


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return FIRST_RETRY * 2 ** max(0, attempts - 1)


def due_ids(now: datetime, limit: int = BATCH) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take a due message for this process, committed, or None if another process has it."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
        )
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutboxMessage, message_id)


def deliver(ids: list[int], *, now: datetime | None = None) -> SendReport:
    """Try to send these messages (those still pending and due); never raises for mail errors."""
    report = SendReport()
    transport = make_transport()
    try:
        for message_id in ids:
            if not _deliver_one(transport, message_id, now or utcnow(), report):
                break
    finally:
        transport.close()
    return report


def send_due(*, now: datetime | None = None) -> SendReport:
    """Send every message due at the start of the run, batch by batch."""
    start = now or utcnow()
    report = SendReport()
    transport = make_transport()
    try:
        while report.stopped is None:
            batch = due_ids(start)
            if not batch:
                break
            for message_id in batch:
                if not _deliver_one(transport, message_id, now or utcnow(), report):
                    break
    finally:
        transport.close()
    return report


def _deliver_one(transport: Transport, message_id: int, now: datetime, report: SendReport) -> bool:
    """Send one message; False when the mail server is unusable and the run should stop."""
    row = claim(message_id, now)
    if row is None:
        return True
    try:
        transport.send(build_email(row))
    except TransportError as exc:
        _record_failure(row, str(exc), now, report, permanent=False)
        report.stopped = str(exc)
        return False
    except (smtplib.SMTPException, MessageError, ValueError) as exc:
        _record_failure(row, describe(exc), now, report, permanent=is_permanent(exc))
        return True
    row.status = "sent"
    row.sent_at = utcnow()
    row.last_error = None
    db.session.commit()
    report.sent += 1
    return True


def _record_failure(
    row: OutboxMessage, error: str, now: datetime, report: SendReport, *, permanent: bool
) -> None:
    row.last_error = error[:2000]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        report.failed += 1
    else:
        row.next_attempt_at = now + backoff(row.attempts)
        report.retrying += 1
    db.session.commit()
    current_app.logger.warning("outbox message %s not sent: %s", row.id, error)


def is_permanent(exc: BaseException) -> bool:
    """A 5xx answer (unknown mailbox, refused content) will not change on retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, MessageError | ValueError)  # a malformed address or header


def describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _stamp(created_at: datetime | None) -> int:
    if created_at is None:
        return 0
    if created_at.tzinfo is None:  # SQLite returns the stored UTC time without its zone
        created_at = created_at.replace(tzinfo=UTC)
    return int(created_at.timestamp())


@dataclass
class OutboxSummary:
    counts: dict[str, int]
    due: int
    oldest_pending: datetime | None
    failed: list[OutboxMessage]


def summary(*, now: datetime | None = None, failed_limit: int = 10) -> OutboxSummary:
    """Counts by status, how many are due now, and the latest failures with their errors."""
    now = now or utcnow()
    counts = {"pending": 0, "sent": 0, "failed": 0}
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    counts.update({status: count for status, count in rows})
    pending = select(OutboxMessage).where(OutboxMessage.status == "pending")
    due = db.session.scalar(
        select(func.count()).select_from(
            pending.where(OutboxMessage.next_attempt_at <= now).subquery()
        )
    )
    oldest = db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending")
    )
    failed = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "failed")
            .order_by(OutboxMessage.id.desc())
            .limit(failed_limit)
        )
    )
    return OutboxSummary(counts=counts, due=due or 0, oldest_pending=oldest, failed=failed)
