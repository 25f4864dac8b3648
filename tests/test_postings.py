"""Employers create, edit, open and close postings; students browse and search them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event, select

from web.extensions import db
from web.models import Posting


def posting_form(**overrides):
    start = date.today() + timedelta(days=150)
    data = {
        "title": "Machine Learning Intern",
        "description": "Train fraud-detection models on payment data.",
        "location": "Shenzhen, Nanshan District",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=70)).isoformat(),
        "capacity": "3",
        "deadline": (start - timedelta(days=40)).isoformat(),
        "required-0-name": "Python",
        "required-0-level": "4",
        "required-1-name": "Machine Learning",
        "required-1-level": "3",
        "required-2-name": "",
        "required-2-level": "3",
        "preferred-0-name": "PyTorch",
        "preferred-0-level": "2",
        "languages-0-language": "english",
        "languages-0-level": "4",
        "languages-1-language": "putonghua",
        "languages-1-level": "3",
        "publish": "1",
    }
    data.update(overrides)
    return data


def test_employer_creates_a_posting(client, make, login):
    employer = make.employer(make.firm("WeBank", "微众银行"))
    login(employer)
    response = client.post("/employer/postings/new", data=posting_form())
    assert response.status_code == 302
    posting = db.session.scalar(select(Posting))
    assert posting.ref.startswith("WEB-")
    assert posting.status == "open" and posting.capacity == 3
    assert [(s.name, s.min_level) for s in posting.required_skills] == [
        ("Python", 4),
        ("Machine Learning", 3),
    ]
    assert [s.name for s in posting.preferred_skills] == ["PyTorch"]
    assert {(lang.language, lang.min_level) for lang in posting.languages} == {
        ("english", 4),
        ("putonghua", 3),
    }
    assert "Machine Learning Intern" in client.get("/employer/").get_data(as_text=True)


def test_posting_form_reports_each_problem_next_to_its_field(client, make, login):
    login(make.employer())
    start = date.today() + timedelta(days=100)
    response = client.post(
        "/employer/postings/new",
        data=posting_form(
            title="",
            end_date=(start - timedelta(days=1)).isoformat(),
            start_date=start.isoformat(),
            capacity="0",
            **{"required-0-name": "", "required-1-name": ""},
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This field is required" in page
    assert "The end date must come after the start date." in page
    assert "Number must be between 1 and 500." in page
    assert "List at least one required skill." in page
    assert db.session.scalar(select(Posting)) is None


def test_the_same_skill_twice_is_refused(client, make, login):
    login(make.employer())
    response = client.post(
        "/employer/postings/new",
        data=posting_form(**{"required-1-name": "python"}),
    )
    assert "is the same skill as" in response.get_data(as_text=True)


def test_employer_edits_and_closes_a_posting(client, make, login):
    employer = make.employer()
    posting = make.posting(employer.membership.firm)
    login(employer)
    form = posting_form(title="Risk Analytics Intern (updated)")
    client.post(f"/employer/postings/{posting.id}/edit", data=form)
    db.session.refresh(posting)
    assert posting.title == "Risk Analytics Intern (updated)"
    assert [s.name for s in posting.required_skills] == ["Python", "Machine Learning"]
    client.post(f"/employer/postings/{posting.id}/status/closed")
    db.session.refresh(posting)
    assert posting.status == "closed"
    assert client.get("/postings").get_data(as_text=True).count(posting.title) == 0
    client.post(f"/employer/postings/{posting.id}/status/open")
    db.session.refresh(posting)
    assert posting.status == "open"


def test_add_rows_keeps_what_was_typed(client, make, login):
    login(make.employer())
    response = client.post("/employer/postings/new", data=posting_form(add_rows="1"))
    page = response.get_data(as_text=True)
    assert 'value="Machine Learning"' in page
    assert "required-6-name" in page
    assert db.session.scalar(select(Posting)) is None


def test_browse_and_search_postings(client, make):
    webank, tencent = make.firm("WeBank", "微众银行"), make.firm("Tencent FiT", "腾讯金融科技")
    a = make.posting(webank, required=[("Solidity", 3)])
    b = make.posting(tencent, required=[("React", 3)])
    make.posting(webank, status="draft")
    page = client.get("/postings").get_data(as_text=True)
    assert a.title in page and b.title in page
    by_firm = client.get(f"/postings?firm={tencent.id}").get_data(as_text=True)
    assert b.title in by_firm and a.title not in by_firm
    by_skill = client.get("/postings?q=solidity").get_data(as_text=True)
    assert a.title in by_skill and b.title not in by_skill
    by_chinese_name = client.get("/postings?q=微众").get_data(as_text=True)
    assert a.title in by_chinese_name and b.title not in by_chinese_name


def test_posting_list_is_paginated(client, make):
    firm = make.firm()
    for _ in range(7):
        make.posting(firm)
    first = client.get("/postings").get_data(as_text=True)
    second = client.get("/postings?page=2").get_data(as_text=True)
    assert first.count('class="list-group-item') == 5
    assert second.count('class="list-group-item') == 2
    assert "7 in all" in first


def test_a_keyword_search_reads_the_postings_once(app, client, make):
    """The keyword filter reads every open posting's texts: once, not for page and count."""
    firm = make.firm()
    for n in range(7):
        make.posting(firm, required=[("Solidity" if n % 2 else "Python", 3)])
    filters = []

    def remember(_conn, _cursor, statement, *_args):
        if "like" in statement.lower():
            filters.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        page = client.get("/postings?q=solidity&page=2").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert len(filters) == 1
    assert page.count('class="list-group-item') == 3  # page 2 of 1: the last page shown


def test_posting_page_shows_requirements(client, make):
    posting = make.posting(required=[("Python", 4), ("Machine Learning", 3)])
    page = client.get(f"/postings/{posting.ref}").get_data(as_text=True)
    assert "Python · Advanced" in page and "Machine Learning · Intermediate" in page
    assert "Log in as a student to apply" in page
