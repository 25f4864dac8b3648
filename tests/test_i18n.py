"""Locale behaviour: which language a page is in, the switcher, and what follows the locale
(firm names, dates, emails in the recipient's language).

Expected Chinese text is looked up in the catalogues (web/translations/*/messages.po), so
these tests say what the app must do with whatever the translators wrote.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from tests.hiring_support import applied
from web.extensions import db
from web.models import OutboxMessage, User

TRANSLATIONS = Path(__file__).resolve().parent.parent / "web" / "translations"
HTML_LANG = {"en": "en", "zh_Hant_HK": "zh-Hant-HK", "zh_Hans_CN": "zh-Hans-CN"}
WEBANK = {"name": "WeBank", "name_zh": "微众银行"}


@cache
def _catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def translated(locale: str, msgid: str) -> str:
    """What a page in ``locale`` shows for ``msgid``: its translation, else the English."""
    if locale == "en":
        return msgid
    entry = _catalogue(locale).get(msgid)
    return entry.string if entry is not None and entry.string else msgid


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang>"
    return match.group(1)


def page(client, path: str = "/", accept: str | None = None) -> str:
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def switch(client, locale: str, next_path: str | None = "/"):
    data = {"locale": locale}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/language", data=data)


def outbox_to(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_email == email).order_by(OutboxMessage.id)
        )
    )


@pytest.mark.parametrize(
    ("accept", "locale"),
    [
        ("zh-HK", "zh_Hant_HK"),
        ("zh-TW", "zh_Hant_HK"),
        ("zh-Hant", "zh_Hant_HK"),
        ("zh-CN", "zh_Hans_CN"),
        ("zh", "zh_Hans_CN"),
        ("en-GB", "en"),
        ("fr", "en"),
        ("fr-FR,zh-HK;q=0.8,en;q=0.5", "zh_Hant_HK"),
        ("en-US,zh-CN;q=0.9", "en"),
    ],
)
def test_the_browser_language_picks_the_page_language(client, accept, locale):
    html = page(client, "/", accept)
    assert html_lang(html) == HTML_LANG[locale]
    assert f">{translated(locale, 'Log in')}</a>" in html


def test_without_accept_language_pages_are_english(client):
    assert html_lang(page(client)) == "en"


def test_the_catalogues_translate_the_menu():
    """Guards the tests above against passing only because nothing is translated."""
    assert translated("zh_Hant_HK", "Log in") != "Log in"
    assert translated("zh_Hans_CN", "Log in") != "Log in"


def test_an_anonymous_choice_is_kept_in_the_session_and_beats_the_browser(client):
    response = switch(client, "zh_Hant_HK", "/postings?q=risk")
    assert response.status_code == 302
    assert response.headers["Location"] == "/postings?q=risk"
    html = page(client, "/postings?q=risk", accept="en-GB")
    assert html_lang(html) == "zh-Hant-HK"
    assert translated("zh_Hant_HK", "Log in") in html
    switch(client, "en")
    assert html_lang(page(client, "/", accept="zh-HK")) == "en"


def test_an_unknown_language_changes_nothing(client):
    switch(client, "fr")
    assert html_lang(page(client, "/", accept="zh-CN")) == "zh-Hans-CN"


def test_a_logged_in_choice_is_saved_and_follows_the_user(app, client, make, login):
    student = make.student()
    login(student)
    switch(client, "zh_Hans_CN")
    db.session.expire_all()
    assert db.session.get(User, student.id).locale == "zh_Hans_CN"
    assert html_lang(page(client, "/student/", accept="en")) == "zh-Hans-CN"
    login.logout()

    other_browser = app.test_client()  # no session: only the saved choice can say Chinese
    other_browser.post(
        "/auth/login",
        data={"email": student.email, "password": "correct-horse-battery-staple"},
        headers={"Accept-Language": "en-GB"},
    )
    html = page(other_browser, "/student/", accept="en-GB")
    assert html_lang(html) == "zh-Hans-CN"
    db.session.expire_all()
    assert db.session.get(User, student.id).locale == "zh_Hans_CN"  # login kept it


def test_the_first_login_saves_the_page_language(client, make, login):
    student = make.student()
    db.session.get(User, student.id).locale = None
    db.session.commit()
    client.post(
        "/auth/login",
        data={"email": student.email, "password": "correct-horse-battery-staple"},
        headers={"Accept-Language": "zh-HK"},
    )
    db.session.expire_all()
    assert db.session.get(User, student.id).locale == "zh_Hant_HK"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_switcher_returns_only_to_local_pages(client, target):
    response = switch(client, "zh_Hant_HK", target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_switcher_without_next_goes_home(client):
    assert switch(client, "en", None).headers["Location"] == "/"


def test_the_switcher_only_answers_post(client):
    assert client.get("/language").status_code == 405


@pytest.fixture
def webank_posting(make):
    posting = make.posting(make.firm(**WEBANK))
    posting.start_date = date(2027, 6, 1)
    posting.end_date = date(2027, 8, 31)
    db.session.commit()
    return posting


def test_firms_and_dates_follow_the_page_language(client, webank_posting):
    english = page(client, "/postings", accept="en")
    assert "WeBank" in english and "微众银行" not in english
    assert "Jun 1, 2027" in english
    for accept in ("zh-CN", "zh-HK"):
        chinese = page(client, "/postings", accept=accept)
        assert "微众银行" in chinese and "WeBank" not in chinese  # the list and the firm filter
        assert "2027年6月1日" in chinese


def test_a_firm_without_a_chinese_name_keeps_its_english_one(client, make):
    make.posting(make.firm(name="Ledger Labs"))
    assert "Ledger Labs" in page(client, "/postings", accept="zh-HK")


DAY = date.today() + timedelta(days=21)


def _day_in(locale: str) -> str:
    if locale == "en":
        return f"{DAY:%b} {DAY.day}, {DAY.year}"
    return f"{DAY.year}年{DAY.month}月{DAY.day}日"


@pytest.fixture
def interview_invitation(client, make, login, webank_posting):
    """A student who reads Traditional Chinese and one who reads English, both invited to
    an interview by an employer browsing in Simplified Chinese."""
    employer = make.employer(webank_posting.firm)
    chinese = make.student()
    chinese.locale = "zh_Hant_HK"
    english = make.student(email="english@hku.example.edu.hk")
    english.locale = "en"
    db.session.commit()
    applications = [applied(client, login, s, webank_posting) for s in (chinese, english)]
    login(employer)
    switch(client, "zh_Hans_CN")
    for application in applications:
        response = client.post(
            f"/employer/applications/{application.id}/interviews",
            data={
                "interview-day": DAY.isoformat(),
                "interview-at": "10:30",
                "interview-duration": "45",
                "interview-location": "WeBank Tower, Nanshan, Shenzhen",
            },
        )
        assert response.status_code == 302
    login.logout()
    return chinese, english


def test_an_email_goes_out_in_the_recipients_saved_language(interview_invitation):
    chinese, english = interview_invitation
    (to_chinese,) = outbox_to(chinese.email)
    subject = translated("zh_Hant_HK", "Interview invitation from %(firm)s") % {"firm": "微众银行"}
    assert to_chinese.subject == subject
    assert _day_in("zh_Hant_HK") in to_chinese.body and "10:30" in to_chinese.body
    assert "WeBank Tower" in to_chinese.body  # what the firm typed stays as typed

    (to_english,) = outbox_to(english.email)
    assert to_english.subject == "Interview invitation from WeBank"
    assert _day_in("en") in to_english.body and "10:30 (Hong Kong time)" in to_english.body


def test_a_notification_is_worded_when_read_in_the_readers_language(
    client, login, interview_invitation
):
    chinese, _english = interview_invitation
    login(chinese)
    html = page(client, "/notifications/", accept="en")
    title = translated("zh_Hant_HK", "Interview invitation from %(firm)s") % {"firm": "微众银行"}
    assert title in html and _day_in("zh_Hant_HK") in html
    switch(client, "en")
    html = page(client, "/notifications/")
    assert "Interview invitation from WeBank" in html and _day_in("en") in html


@pytest.mark.parametrize(("accept", "locale"), [("zh-HK", "zh_Hant_HK"), ("en-GB", "en")])
def test_the_sign_up_email_is_in_the_language_of_the_sign_up_page(client, accept, locale):
    email = "amy.lau@cuhk.example.edu.hk"
    response = client.post(
        "/auth/register",
        data={
            "email": email,
            "full_name": "Lau Wing Yan",
            "password": "plum-orbit-lantern-91",
            "confirm": "plum-orbit-lantern-91",
            "agree": "y",
        },
        headers={"Accept-Language": accept},
    )
    assert response.status_code == 200
    (message,) = outbox_to(email)
    assert message.subject == translated(locale, "Confirm your email address for Talent Bridge")


def test_someone_signing_up_with_a_known_address_emails_its_owner_in_the_owners_language(
    client, make
):
    owner = make.student()
    owner.locale = "zh_Hans_CN"
    db.session.commit()
    client.post(
        "/auth/register",
        data={
            "email": owner.email,
            "full_name": "Somebody Else",
            "password": "plum-orbit-lantern-91",
            "confirm": "plum-orbit-lantern-91",
            "agree": "y",
        },
        headers={"Accept-Language": "en-GB"},
    )
    (message,) = outbox_to(owner.email)
    assert message.subject == translated("zh_Hans_CN", "Someone tried to sign up with your address")
