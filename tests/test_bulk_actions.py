"""Bulk actions on the shortlist: several applicants moved or rejected at once, or none."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from tests.hiring_support import applied, flashed, fresh, kinds_for
from web.extensions import db
from web.models import Application

NAMES = ("Chan Tai Man", "Lee Ka Ming", "Ng Wai Yin")


@pytest.fixture
def pool(client, make, login):
    employer = make.employer(make.firm(name="WeBank"))
    posting = make.posting(employer.membership.firm)
    students = [make.student(full_name=name) for name in NAMES]
    applications = [applied(client, login, s, posting) for s in students]
    login(employer)
    return employer, posting, students, applications


def ticked(*applications):
    return [f"{a.id}:{fresh(a).version}" for a in applications]


def bulk(client, posting, selected, **data):
    return client.post(f"/employer/postings/{posting.id}/bulk", data={"selected": selected, **data})


def test_the_shortlist_has_a_checkbox_and_a_link_per_applicant(client, pool):
    _employer, posting, _students, applications = pool
    page = client.get(f"/employer/postings/{posting.id}").get_data(as_text=True)
    boxes = re.findall(r'type="checkbox" name="selected" id="select-\d+" value="(\d+):(\d+)"', page)
    assert sorted(int(i) for i, _v in boxes) == sorted(a.id for a in applications)
    assert all(f'/employer/applications/{a.id}"' in page for a in applications)
    assert f'action="/employer/postings/{posting.id}/bulk' in page


def test_several_applicants_move_to_a_stage_at_once(client, pool):
    _employer, posting, students, applications = pool
    page = flashed(
        client, bulk(client, posting, ticked(*applications[:2]), stage="shortlisted", move="1")
    )
    assert "2 applicants moved to “Shortlisted”." in page
    assert [fresh(a).status for a in applications] == ["shortlisted", "shortlisted", "submitted"]
    assert [kinds_for(s) for s in students] == [["stage_changed"], ["stage_changed"], []]


def test_several_applicants_are_rejected_with_one_reason(client, pool):
    _employer, posting, students, applications = pool
    bulk(
        client,
        posting,
        ticked(*applications),
        reason="position_filled",
        note="All places went to earlier applicants.",
        reject="1",
    )
    for application in map(fresh, applications):
        assert (application.status, application.rejection_reason) == (
            "rejected",
            "position_filled",
        )
        assert application.events[-1].note == "All places went to earlier applicants."
    assert all(kinds_for(s) == ["rejected"] for s in students)


def test_rejecting_in_bulk_needs_a_reason(client, pool):
    _employer, posting, _students, applications = pool
    page = flashed(client, bulk(client, posting, ticked(*applications), reject="1"))
    assert "Choose a reason for the rejection." in page
    assert {fresh(a).status for a in applications} == {"submitted"}


def test_one_disallowed_row_fails_the_whole_action_and_is_named(client, pool):
    _employer, posting, students, applications = pool
    db.session.execute(
        update(Application).where(Application.id == applications[1].id).values(status="offered")
    )
    db.session.commit()
    page = flashed(
        client, bulk(client, posting, ticked(*applications), stage="shortlisted", move="1")
    )
    assert "Lee Ka Ming’s application is at the stage “Offered”" in page
    assert "Nothing was changed." in page
    assert [fresh(a).status for a in applications] == ["submitted", "offered", "submitted"]
    assert all(kinds_for(s) == [] for s in students)
    assert all(len(fresh(a).events) == 1 for a in applications)


def test_a_stale_row_fails_the_whole_action_and_is_named(client, make, login, pool):
    employer, posting, students, applications = pool
    seen = ticked(*applications)
    login.logout()
    login(make.employer(employer.membership.firm))  # a colleague acts first
    client.post(
        f"/employer/applications/{applications[2].id}/stage", data={"move-stage": "under_review"}
    )
    client.get("/employer/")
    login.logout()
    login(employer)
    page = flashed(client, bulk(client, posting, seen, stage="interview", move="1"))
    assert "Someone else changed Ng Wai Yin’s application" in page
    assert [fresh(a).status for a in applications] == ["submitted", "submitted", "under_review"]
    assert kinds_for(students[0]) == []


def test_an_application_of_another_posting_cannot_be_slipped_in(client, make, login, pool):
    employer, posting, _students, applications = pool
    login.logout()
    outsider = applied(client, login, make.student(), make.posting(make.firm()))
    login(employer)
    selected = [*ticked(applications[0]), *ticked(outsider)]
    page = flashed(client, bulk(client, posting, selected, stage="shortlisted", move="1"))
    assert "not on this shortlist" in page
    assert fresh(applications[0]).status == "submitted"
    assert fresh(outsider).status == "submitted"


def test_nothing_selected_or_no_stage_gives_a_message(client, pool):
    _employer, posting, _students, applications = pool
    page = flashed(client, bulk(client, posting, [], stage="shortlisted", move="1"))
    assert "Select at least one applicant." in page
    page = flashed(client, bulk(client, posting, ticked(applications[0]), move="1"))
    assert "Choose the stage" in page


def test_bulk_actions_are_only_for_the_firms_own_postings(client, make, login, pool):
    _employer, posting, _students, applications = pool
    login.logout()
    login(make.employer())
    response = bulk(client, posting, ticked(*applications), stage="shortlisted", move="1")
    assert response.status_code == 404
    assert {fresh(a).status for a in applications} == {"submitted"}


def test_the_bulk_form_carries_its_csrf_token(app, client, pool):
    _employer, posting, _students, applications = pool
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/employer/postings/{posting.id}").get_data(as_text=True)
    form = page[page.index(f'action="/employer/postings/{posting.id}/bulk') :]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    selected = ticked(applications[0])
    assert bulk(client, posting, selected, stage="shortlisted", move="1").status_code == 400
    assert fresh(applications[0]).status == "submitted"
    bulk(client, posting, selected, stage="shortlisted", move="1", csrf_token=token)
    assert fresh(applications[0]).status == "shortlisted"
