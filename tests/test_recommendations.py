"""Students get postings ranked for them and see how they match each posting."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.hiring_support import applied
from web.extensions import db
from web.services import ranking
from web.services.postings import PostingData, SkillNeed, apply_data


def titles_in_order(page: str) -> list[str]:
    return re.findall(r'<h2 class="h6 mb-1">([^<]+)</h2>', page)


def test_recommendations_rank_postings_for_the_student(client, make, login):
    firm = make.firm()
    ml = make.posting(firm, required=[("Machine Learning", 3), ("Python", 3)])
    fe = make.posting(firm, required=[("React", 3), ("TypeScript", 3)])
    make.posting(firm, required=[("Python", 3)], status="closed")
    make.posting(firm, required=[("Python", 3)], deadline=date.today() - timedelta(days=1))
    login(make.student(skills=[("ML", 4), ("python", 4)]))
    page = client.get("/student/recommendations").get_data(as_text=True)
    assert titles_in_order(page) == [ml.title, fe.title]
    assert "2 of 2 requirements met" in page


def test_recommendations_show_where_the_student_has_applied(client, make, login):
    firm = make.firm()
    applied_to = make.posting(firm, required=[("Python", 3)])
    other = make.posting(firm, required=[("Python", 3), ("SQL", 3)])
    student = make.student(skills=[("Python", 4)])
    applied(client, login, student, applied_to)
    login(student)
    page = client.get("/student/recommendations").get_data(as_text=True)
    entries = page.split('class="list-group-item')[1:]
    (mine,) = [e for e in entries if applied_to.title in e and other.title not in e]
    assert "Your application" in mine and "Submitted" in mine
    assert all("Your application" not in e for e in entries if other.title in e)


def test_recommendations_ask_for_skills_first(client, make, login):
    make.posting()
    login(make.student(skills=[]))
    page = client.get("/student/recommendations").get_data(as_text=True)
    assert "Add your skills to your profile to get recommendations." in page


def test_posting_page_shows_how_you_match(client, make, login):
    posting = make.posting(required=[("Python", 4), ("Solidity", 2)])
    login(make.student(skills=[("Python 3", 3)]))
    page = client.get(f"/postings/{posting.ref}").get_data(as_text=True)
    assert "How you match" in page
    assert "0 of 2 requirements met" in page  # Python held below the level asked
    assert "Python 3" in page and "not found" in page


def test_recommendations_follow_a_change_of_a_postings_skills(client, make, login):
    """Only the skills change (not the row's columns): the per-process index sees it."""
    firm = make.firm()
    python = make.posting(firm, required=[("Python", 3)])
    react = make.posting(firm, required=[("React", 3)])
    login(make.student(skills=[("React", 4)]))
    page = client.get("/student/recommendations").get_data(as_text=True)
    assert titles_in_order(page) == [react.title, python.title]
    apply_data(
        python,
        PostingData(
            title=python.title,
            description=python.description,
            location=python.location or "",
            start_date=python.start_date,
            end_date=python.end_date,
            capacity=python.capacity,
            deadline=python.deadline,
            required=[SkillNeed("React", 3)],
            preferred=[SkillNeed("SQL", 2)],
            languages=[SkillNeed("english", 3)],
        ),
    )
    db.session.commit()
    page = client.get("/student/recommendations").get_data(as_text=True)
    assert titles_in_order(page) == [python.title, react.title]  # a tie: the older first


def test_recommendations_leave_out_postings_past_their_deadline(make):
    firm = make.firm()
    soon = make.posting(firm, deadline=date.today() + timedelta(days=3))
    later = make.posting(firm, deadline=date.today() + timedelta(days=60))
    student = make.student(skills=[("Python", 4)])
    now = ranking.recommend(student.profile, top=5, today=date.today())
    assert [r.posting.id for r in now] == [soon.id, later.id]
    next_week = ranking.recommend(student.profile, top=5, today=date.today() + timedelta(days=7))
    assert [r.posting.id for r in next_week] == [later.id]
