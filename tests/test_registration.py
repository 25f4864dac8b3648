"""Signing up: the collection statement, one answer for every address, and confirming it.

Registration never says whether an address has an account: a new address gets an
unconfirmed account and a one-time link; a known one gets an email to its owner and
nothing changes. The link asks for the password chosen at sign-up, then logs in.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.seedfiles import SEEDS
from tests.test_rate_limits import MESSAGE, enable_limits
from web.extensions import db
from web.models import Consent, OutboxMessage, User
from web.services.consents import TEXT_VERSIONS

STRONG = "plum-orbit-lantern-91"
AMY = "amy.lau@cuhk.example.edu.hk"


def sign_up(client, email=AMY, password=STRONG, *, agree=True):
    data = {"email": email, "full_name": "Lau Wing Yan", "password": password, "confirm": password}
    if agree:
        data["agree"] = "y"
    return client.post("/auth/register", data=data)


def sign_up_employer(client, email="hr@ledger.example.com", password=STRONG):
    return client.post(
        "/auth/register/employer",
        data={
            "email": email,
            "firm_id": "0",
            "new_firm_name": "Qianhai Ledger Labs",
            "password": password,
            "confirm": password,
            "agree": "y",
        },
    )


def mails(to: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_email == to).order_by(OutboxMessage.id)
        )
    )


def link_in(message: OutboxMessage, route: str = "/auth/confirm/") -> str:
    assert route in message.body, message.body
    return route + message.body.rsplit(route, 1)[1].split()[0]


def account(email: str = AMY) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def text(response) -> str:
    return response.get_data(as_text=True)


# The statement.


def test_the_collection_statement_is_public_and_complete(client, app):
    page = text(client.get("/privacy"))
    for needed in (
        "Personal information collection statement",
        "Personal Data (Privacy) Ordinance",
        "programme office",
        "Matching students with internships",
        "Programme statistics",
        "Shenzhen and the Greater Bay Area",
        "University career centres",
        "Personal Information Protection Law",
        "consent for that named firm",
        "How long we keep it",
        "within 40 days",
        'href="/student/privacy"',
        app.config["PRIVACY_CONTACT_EMAIL"],
        f"Version {TEXT_VERSIONS['collection']}",
    ):
        assert needed in page, needed


@pytest.mark.parametrize("path", ["/auth/register", "/auth/register/employer"])
def test_sign_up_pages_show_the_statement_and_its_tick_box(client, path):
    page = text(client.get(path))
    assert "How we use your personal data" in page
    assert "Personal Information Protection Law" in page  # the full text, folded away
    assert 'href="/privacy"' in page
    assert 'name="agree"' in page


def test_signing_up_needs_the_tick(client):
    response = sign_up(client, agree=False)
    assert response.status_code == 200
    assert "Please read the statement and tick the box" in text(response)
    assert account() is None and not mails(AMY)


# One answer for every address.


def test_a_new_address_gets_an_unconfirmed_account_a_consent_and_a_link(client):
    response = sign_up(client)
    assert response.status_code == 200
    assert f"We sent a link to {AMY} to confirm the address" in text(response)
    user = account()
    assert user is not None and user.email_verified_at is None
    consent = db.session.scalars(select(Consent).where(Consent.user_id == user.id)).one()
    assert (consent.kind, consent.text_version) == ("collection", TEXT_VERSIONS["collection"])
    [mail] = mails(AMY)
    assert mail.subject == "Confirm your email address for Talent Bridge"
    assert "http://127.0.0.1:5000/auth/confirm/" in mail.body


def test_a_known_address_gets_the_same_page_an_email_and_no_change(client, make):
    known = make.student("Kelvin.Ho@hku.example.edu.hk")
    before = (known.password_hash, known.session_token, known.profile.full_name)
    first = sign_up(client, "new.student@hku.example.edu.hk")
    again = sign_up(client, "KELVIN.HO@hku.example.edu.hk", "another-" + STRONG)
    assert first.status_code == again.status_code == 200
    assert text(again) == text(first).replace(
        "new.student@hku.example.edu.hk", "kelvin.ho@hku.example.edu.hk"
    )
    user = account(known.email)
    assert (user.password_hash, user.session_token, user.profile.full_name) == before
    assert db.session.scalar(select(func.count(Consent.id)).where(Consent.user_id == user.id)) == 0
    [mail] = mails(known.email)
    assert mail.subject == "Someone tried to sign up with your address"
    assert "Nothing was changed" in mail.body
    assert mail.body.rstrip().endswith("/auth/login")


def test_an_imported_student_is_sent_the_claim_link(client, runner):
    result = runner.invoke(args=["seeds", "import", str(SEEDS / "demo")])
    assert result.exit_code == 0, result.output
    email = "s0002.wu@cuhk.example.edu.hk"
    assert "We sent a link" in text(sign_up(client, email))
    assert account(email).password_hash is None  # unchanged: still to be claimed
    [mail] = mails(email)
    assert "already created an account" in mail.body
    claim = link_in(mail, "/auth/claim/")
    response = client.post(claim, data={"password": STRONG, "confirm": STRONG})
    assert response.status_code == 302
    assert account(email).email_verified_at is not None  # the link reached the mailbox


def test_an_unconfirmed_sign_up_is_replaced_by_the_next_one(client):
    """Someone who signs up with another's address cannot lock its owner out."""
    sign_up(client, password="stranger-" + STRONG)
    stale = link_in(mails(AMY)[0])
    sign_up(client, password=STRONG)
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert client.get(stale).status_code == 400  # the first account is gone
    fresh = link_in(mails(AMY)[-1])
    refused = client.post(fresh, data={"password": "stranger-" + STRONG})
    assert "not the password chosen" in text(refused)
    assert client.post(fresh, data={"password": STRONG}).status_code == 302


# The link.


def test_the_link_confirms_logs_the_student_in_and_opens_the_profile(client):
    sign_up(client)
    link = link_in(mails(AMY)[0])
    page = client.get(link)
    assert page.status_code == 200 and AMY in text(page)
    assert account().email_verified_at is None  # opening the link alone confirms nothing
    response = client.post(link, data={"password": STRONG})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/student/profile/edit")
    assert account().email_verified_at is not None
    assert client.get("/student/").status_code == 200


def test_an_employer_lands_on_the_waiting_page(client):
    sign_up_employer(client)
    response = client.post(link_in(mails("hr@ledger.example.com")[0]), data={"password": STRONG})
    assert response.headers["Location"].endswith("/employer/pending")
    assert "Qianhai Ledger Labs" in text(client.get("/employer/pending"))
    user = account("hr@ledger.example.com")
    assert [c.kind for c in db.session.scalars(select(Consent).where(Consent.user == user))] == [
        "collection"
    ]


def test_a_wrong_password_does_not_confirm(client):
    sign_up(client)
    response = client.post(link_in(mails(AMY)[0]), data={"password": "not-" + STRONG})
    assert response.status_code == 200
    assert "not the password chosen" in text(response)
    assert account().email_verified_at is None
    assert client.get("/student/").status_code == 302


def test_the_link_works_once(client):
    sign_up(client)
    link = link_in(mails(AMY)[0])
    client.post(link, data={"password": STRONG})
    client.post("/auth/logout")
    again = client.get(link)
    assert again.status_code == 400
    assert "already confirmed" in text(again)
    assert client.post(link, data={"password": STRONG}).status_code == 400


def test_an_expired_or_altered_link_is_refused(client, app):
    sign_up(client)
    link = link_in(mails(AMY)[0])
    assert client.get(link[:-3] + "abc").status_code == 400
    app.config["CONFIRMATION_MAX_AGE"] = -1
    expired = client.get(link)
    assert expired.status_code == 400 and "expired" in text(expired)


# Logging in before confirming, and a new link.


def test_an_unconfirmed_account_cannot_log_in_and_can_ask_for_a_new_link(client, login):
    sign_up(client)
    old = link_in(mails(AMY)[0])
    response = login(AMY, STRONG)
    assert response.status_code == 200
    page = text(response)
    assert "Confirm your email address first" in page
    assert 'action="/auth/confirmation/resend"' in page
    assert client.get("/student/").status_code == 302  # not logged in
    # A wrong password says nothing about the confirmation.
    assert "Confirm your email" not in text(login(AMY, "not-" + STRONG))

    resent = client.post("/auth/confirmation/resend", data={"email": AMY})
    assert resent.status_code == 200
    assert f"If {AMY} has an account waiting for confirmation" in text(resent)
    assert len(mails(AMY)) == 2
    assert client.get(old).status_code == 400  # only the newest link works
    assert client.post(link_in(mails(AMY)[-1]), data={"password": STRONG}).status_code == 302


def test_a_new_link_is_answered_alike_and_sent_only_to_unconfirmed_accounts(client, make):
    confirmed = make.student()
    unknown = client.post("/auth/confirmation/resend", data={"email": "nobody@hku.example.edu.hk"})
    known = client.post("/auth/confirmation/resend", data={"email": confirmed.email})
    assert text(known) == text(unknown).replace("nobody@hku.example.edu.hk", confirmed.email)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_new_link_form_carries_a_csrf_token(app, client):
    sign_up(client)
    app.config["WTF_CSRF_ENABLED"] = True
    page = text(client.get("/auth/login"))
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/auth/login", data={"email": AMY, "password": STRONG, "csrf_token": token}
    )
    form = text(response).split('action="/auth/confirmation/resend"')[1].split("</form>")[0]
    assert 'name="csrf_token"' in form
    assert client.post("/auth/confirmation/resend", data={"email": AMY}).status_code == 400


def test_the_new_posts_are_rate_limited(app, client):
    enable_limits(app, RATELIMIT_STORAGE_URI="memory://")
    for _ in range(5):  # per account, like login
        assert client.post("/auth/confirmation/resend", data={"email": AMY}).status_code == 200
    assert client.post("/auth/confirmation/resend", data={"email": AMY}).status_code == 429
    for n in range(10):  # per address
        ip = {"REMOTE_ADDR": "203.0.113.9"}
        assert client.post(f"/auth/confirm/x{n}", environ_base=ip).status_code == 400
    response = client.post("/auth/confirm/x", environ_base=ip)
    assert response.status_code == 429 and MESSAGE in text(response)


# Accounts made elsewhere are confirmed already.


def test_a_coordinator_made_on_the_command_line_can_log_in(runner, login):
    email = "office@programme.example.org"
    result = runner.invoke(args=["users", "create-coordinator", email], input=f"{STRONG}\n" * 2)
    assert result.exit_code == 0, result.output
    assert account(email).email_verified_at is not None
    assert login(email, STRONG).status_code == 302


def test_the_factory_makes_confirmed_users_unless_told(make, login):
    assert login(make.student()).status_code == 302
    login.logout()
    unconfirmed = make.student(verified=False)
    assert "Confirm your email address first" in text(login(unconfirmed, PASSWORD))


def test_the_confirmation_email_reaches_the_mail_server(client, mailbox):
    sign_up(client).close()  # the outbox sends once the response is done
    [received] = mailbox.received
    assert received.rcpt_tos == [AMY]
    assert "/auth/confirm/" in received.body
    link = "/auth/confirm/" + received.body.rsplit("/auth/confirm/", 1)[1].split()[0]
    assert client.post(link, data={"password": STRONG}).status_code == 302
