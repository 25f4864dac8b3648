"""Allocation rounds through the portals: set up, rank on both sides, preview, publish, phase 2."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.hiring_support import applied, flashed, kinds_for
from tests.round_support import (
    coordinator_does,
    create_round,
    employer_rows,
    rank,
    ranked_round,
    round_form,
)
from web.extensions import db
from web.models import (
    AllocationRound,
    Application,
    ApplicationEvent,
    Notification,
    RoundChoice,
    RoundRanking,
    RoundResult,
)
from web.services import ranking, round_allocation

ROUND_KINDS = ("round_placed", "round_unplaced", "round_results")


def statuses(programme) -> dict[tuple[str, str], str]:
    db.session.expire_all()
    return {
        (a.student.full_name, a.posting.ref): a.status
        for a in db.session.scalars(select(Application))
    }


def names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


# -- setting up --------------------------------------------------------------------------


def test_coordinator_sets_up_and_opens_a_round(client, login, programme):
    p = programme
    login(p.coordinator)
    page = client.get("/coordinator/rounds/new").get_data(as_text=True)
    assert p.risk.ref in page and p.payments.ref in page
    response = client.post(
        "/coordinator/rounds/new", data=round_form([p.risk, p.payments], max_choices=2)
    )
    round_ = db.session.scalars(select(AllocationRound)).one()
    assert response.headers["Location"].endswith(f"/coordinator/rounds/{round_.id}")
    assert (round_.status, round_.max_choices, round_.phase) == ("draft", 2, 1)
    assert kinds_for(p.chan) == []  # a draft tells nobody
    page = flashed(client, client.post(f"/coordinator/rounds/{round_.id}/open"))
    assert "The round is open" in page
    assert "Summer 2027 main round" in page and "Open for rank lists" in page
    db.session.expire_all()
    assert db.session.get(AllocationRound, round_.id).status == "open"
    # Every student who applied to a posting of the round hears of it, and each firm.
    for student in p.students:
        assert kinds_for(student) == ["round_opened"]
    assert kinds_for(p.webank)[-1] == "round_opened_firm"
    assert kinds_for(p.pingan)[-1] == "round_opened_firm"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "This field is required"),
        ({"max_choices": "0"}, "Number must be between 1 and 20"),
        ({"closes_at": "2020-01-01T09:00"}, "Rank lists must close after they open"),
        ({"postings": []}, "Choose at least one posting"),
    ],
)
def test_round_settings_are_checked(client, login, programme, change, message):
    login(programme.coordinator)
    data = {**round_form([programme.risk]), **change}
    response = client.post("/coordinator/rounds/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AllocationRound.id))) == 0


def test_a_posting_is_in_one_active_round_at_a_time(client, login, programme, open_round):
    login(programme.coordinator)
    page = client.get("/coordinator/rounds/new").get_data(as_text=True)
    assert programme.risk.ref not in page  # already in the open round
    response = client.post("/coordinator/rounds/new", data=round_form([programme.risk]))
    assert response.status_code == 200
    assert "is not a valid choice" in response.get_data(as_text=True)


# -- students rank -----------------------------------------------------------------------


def test_student_ranks_postings_they_applied_to_and_can_change_it(
    client, login, programme, open_round
):
    p = programme
    login(p.lee)
    page = client.get(f"/student/rounds/{open_round.id}").get_data(as_text=True)
    assert "Rank in your true order of preference" in page
    assert "your best strategy" in page
    options = re.findall(r'<option value="(\d+)"', page)
    assert set(options) == {str(p.risk.id), str(p.data.id)}  # lee applied to these two
    assert page.count("<select") == 3  # the round allows three choices
    login.logout()
    response = rank(client, login, p.lee, open_round, [p.data, p.risk])
    assert response.status_code == 302
    login(p.lee)
    page = client.get(f"/student/rounds/{open_round.id}").get_data(as_text=True)
    assert "Your ranking is saved" in page
    selected = re.findall(r'<option selected value="(\d+)"', page)
    assert selected == [str(p.data.id), str(p.risk.id)]
    login.logout()
    assert rank(client, login, p.lee, open_round, [p.risk]).status_code == 302
    login(p.lee)
    page = client.get(f"/student/rounds/{open_round.id}").get_data(as_text=True)
    assert re.findall(r'<option selected value="(\d+)"', page) == [str(p.risk.id)]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (["risk", "risk"], "You listed Credit Risk Analytics Intern twice"),
        (["outside"], "is not an internship of this round"),
        (["payments"], "You can rank only internships you applied to"),
        (["risk", "data", "risk", "data"], "You can rank at most 3 internships"),
    ],
)
def test_student_rank_list_is_validated(
    client, make, login, programme, open_round, choices, message
):
    p = programme
    outside = make.posting(p.webank.membership.firm)
    applied(client, login, p.lee, outside)
    postings = {"risk": p.risk, "data": p.data, "payments": p.payments, "outside": outside}
    login(p.lee)
    data = {f"choices-{n}": str(postings[c].id) for n, c in enumerate(choices)}
    response = client.post(f"/student/rounds/{open_round.id}", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_rank_lists_are_frozen_when_the_round_closes(client, login, programme, open_round):
    p = programme
    assert "Rank lists are closed" in coordinator_does(
        client, login, p.coordinator, open_round, "close"
    )
    response = rank(client, login, p.chan, open_round, [p.risk])
    assert response.status_code == 400
    assert "can no longer be changed" in response.get_data(as_text=True)
    login(p.chan)
    page = client.get(f"/student/rounds/{open_round.id}").get_data(as_text=True)
    assert "<select" not in page and "You did not rank any internship" in page


# -- employers rank ----------------------------------------------------------------------


def test_employer_sees_applicants_in_the_matchers_order(client, login, programme, open_round):
    p = programme
    login(p.webank)
    page = client.get(f"/employer/rounds/{open_round.id}").get_data(as_text=True)
    assert p.risk.title in page and p.data.title in page
    assert p.payments.title not in page  # Ping An's posting is not theirs
    html = client.get(f"/employer/rounds/{open_round.id}/postings/{p.risk.id}").get_data(
        as_text=True
    )
    assert "The matcher’s order" in html
    applicant_ids = [s.profile.id for s in p.students]
    expected = ranking.score_students(p.risk, applicant_ids).ids.tolist()
    rows = employer_rows(html)
    assert [int(sid) for sid, _pos, _ok in rows] == expected[:5]
    assert [pos for _sid, pos, _ok in rows] == ["1", "2", "3", "4"]
    assert all(ok for _sid, _pos, ok in rows)
    names = [s.profile.full_name for s in p.students]
    assert names_in_order(html, names)[0] == "Chan Siu Ming"  # Python 5 for a Python post


def test_employer_reorders_and_marks_not_acceptable(client, login, programme, open_round):
    p = programme
    login(p.webank)
    url = f"/employer/rounds/{open_round.id}/postings/{p.risk.id}"
    rows = employer_rows(client.get(url).get_data(as_text=True))
    ids = [sid for sid, _pos, _ok in rows]
    # Put the last applicant first; the second is not acceptable.
    data = {}
    for n, sid in enumerate(ids):
        data[f"rows-{n}-student_id"] = sid
        data[f"rows-{n}-position"] = "1" if n == len(ids) - 1 else str(n + 1)
        if n != 1:
            data[f"rows-{n}-acceptable"] = "y"
    page = flashed(client, client.post(url, data=data))
    assert "The order is saved" in page
    rows = employer_rows(page)
    assert [sid for sid, _pos, _ok in rows] == [ids[-1], *ids[:-1]]
    assert [pos for _sid, pos, _ok in rows] == ["1", "2", "3", "4"]
    assert [ok for _sid, _pos, ok in rows] == [True, True, False, True]
    saved = db.session.scalars(
        select(RoundRanking).where(RoundRanking.posting_id == p.risk.id)
    ).all()
    assert {r.student_id for r in saved if not r.acceptable} == {int(ids[1])}
    response = client.post(url, data={**data, "rows-0-position": "0"})
    assert response.status_code == 400
    assert "Each position must be a whole number from 1" in response.get_data(as_text=True)


def test_employers_see_only_their_own_postings_and_lists(client, login, programme, open_round):
    p = programme
    login(p.pingan)
    assert client.get(f"/employer/rounds/{open_round.id}/postings/{p.risk.id}").status_code == 404
    response = client.post(
        f"/employer/rounds/{open_round.id}/postings/{p.risk.id}",
        data={"rows-0-student_id": str(p.chan.profile.id), "rows-0-position": "1"},
    )
    assert response.status_code == 404
    page = client.get(f"/employer/rounds/{open_round.id}").get_data(as_text=True)
    assert p.payments.title in page and p.risk.title not in page
    login.logout()
    login(p.ho)
    assert client.get(f"/employer/rounds/{open_round.id}").status_code == 403


# -- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["open", "close", "preview", "publish"])
def test_only_coordinators_run_rounds(client, login, programme, open_round, action):
    p = programme
    for user in (p.chan, p.webank):
        login.logout()
        login(user)
        assert client.post(f"/coordinator/rounds/{open_round.id}/{action}").status_code == 403
        assert client.get(f"/coordinator/rounds/{open_round.id}").status_code == 403
    login.logout()
    response = client.post(f"/coordinator/rounds/{open_round.id}/{action}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(AllocationRound, open_round.id).status == "open"


def test_students_see_only_rounds_and_lists_of_their_own(client, make, login, programme):
    p = programme
    round_ = create_round(client, login, p.coordinator, [p.payments])
    assert rank(client, login, p.chan, round_, [p.payments]).status_code == 302
    login(p.lee)  # lee did not apply to the Ping An posting
    assert client.get(f"/student/rounds/{round_.id}").status_code == 404
    assert "main round" not in client.get("/student/rounds").get_data(as_text=True)
    login.logout()
    login(p.wong)
    page = client.get(f"/student/rounds/{round_.id}").get_data(as_text=True)
    assert "<option selected" not in page  # chan's list is chan's


# -- preview, publish --------------------------------------------------------------------


# Matcher order, risk (Python 5): chan, wong, ho (not acceptable), lee.
# payments (Python 4): chan = wong (tie: lower id, chan), ho. data (SQL 5): lee, wong, chan.
# Deferred acceptance: chan -> payments, wong -> risk, lee -> risk (wong is preferred),
# then data; ho -> risk (not acceptable), payments (chan holds it, preferred): unplaced.
EXPECTED = {
    "Chan Siu Ming": "payments",
    "Wong Ka Yan": "risk",
    "Lee Hoi Ting": "data",
    "Ho Wing Sze": None,
}


def test_preview_shows_statistics_and_changes_nothing(client, login, programme, open_round):
    p = programme
    ranked_round(client, login, p, open_round)
    before = statuses(p)
    notices = db.session.scalar(select(func.count(Notification.id)))
    page = coordinator_does(client, login, p.coordinator, open_round, "preview")
    assert "Preview ready: nothing is published" in page
    assert statuses(p) == before
    assert db.session.scalar(select(func.count(Notification.id))) == notices
    login(p.coordinator)
    page = client.get(f"/coordinator/rounds/{open_round.id}").get_data(as_text=True)
    assert "Preview (not published: nobody has been told)" in page
    figures = dict(re.findall(r'text-body-secondary">([^<]+)</div><div class="fs-4">(\d+)', page))
    assert figures == {
        "Students placed": "3",
        "First choice": "2",  # Chan and Wong; Lee got her second
        "Students not placed": "1",
        "Places filled": "3",
        "Places not filled": "1",  # one of the two data places
    }
    results = client.get(f"/coordinator/rounds/{open_round.id}/results").get_data(as_text=True)
    assert "This is a preview" in results
    login.logout()
    login(p.chan)
    page = client.get(f"/student/rounds/{open_round.id}").get_data(as_text=True)
    assert "Your result" not in page and "You have a place" not in page


def test_publish_creates_placements_and_tells_everyone(client, login, programme, open_round):
    p = programme
    ranked_round(client, login, p, open_round)
    page = coordinator_does(client, login, p.coordinator, open_round, "publish")
    assert "Close the rank lists before publishing" in page
    coordinator_does(client, login, p.coordinator, open_round, "close")
    page = coordinator_does(client, login, p.coordinator, open_round, "publish")
    assert "Published: 3 students placed" in page
    postings = {"risk": p.risk, "data": p.data, "payments": p.payments}
    now = statuses(p)
    for name, where in EXPECTED.items():
        for (student, ref), status in now.items():
            if student != name:
                continue
            if where is not None and ref == postings[where].ref:
                assert status == "accepted"
            elif where is not None:
                assert status == "withdrawn"  # the placed student's other applications
            else:
                assert status == "submitted"  # Ho keeps his applications open
    placement = db.session.scalars(
        select(Application).where(
            Application.student_id == p.wong.profile.id, Application.posting_id == p.risk.id
        )
    ).one()
    event = placement.events[-1]
    assert (event.from_status, event.to_status, event.actor_id) == (
        "submitted",
        "accepted",
        p.coordinator.id,
    )
    assert event.note == "Allocated in round “Summer 2027 main round”."
    # Capacity: never more accepted than places.
    for posting in postings.values():
        accepted = db.session.scalar(
            select(func.count(Application.id)).where(
                Application.posting_id == posting.id, Application.status == "accepted"
            )
        )
        assert accepted <= posting.capacity
    # Everyone concerned is told.
    assert kinds_for(p.wong)[-1] == "round_placed"
    assert kinds_for(p.ho)[-1] == "round_unplaced"
    assert kinds_for(p.webank).count("round_results") == 2  # risk and data
    assert kinds_for(p.pingan).count("round_results") == 1
    assert "withdrawn_after_placement" in kinds_for(p.webank)  # chan's and wong's others
    # Students and employers see the results.
    login(p.lee)
    page = client.get(f"/student/rounds/{open_round.id}").get_data(as_text=True)
    assert "You have a place as Data Engineering Intern at WeBank (your choice number 2)" in page
    login.logout()
    login(p.ho)
    page = client.get(f"/student/rounds/{open_round.id}").get_data(as_text=True)
    assert "This round could not place you" in page
    login.logout()
    login(p.webank)
    page = client.get(f"/employer/rounds/{open_round.id}").get_data(as_text=True)
    assert "Wong Ka Yan" in page and "Lee Hoi Ting" in page
    assert "Chan Siu Ming" not in page  # placed at Ping An, not here
    # Published means done: no second publish.
    login.logout()
    page = coordinator_does(client, login, p.coordinator, open_round, "publish")
    assert "Only a closed round can be published" in page


def test_a_failure_halfway_through_publishing_leaves_nothing(
    client, login, programme, open_round, monkeypatch
):
    p = programme
    ranked_round(client, login, p, open_round)
    coordinator_does(client, login, p.coordinator, open_round, "close")
    before = statuses(p)
    events = db.session.scalar(select(func.count(ApplicationEvent.id)))
    notices = db.session.scalar(select(func.count(Notification.id)))

    def broken(*_args, **_kwargs):
        raise RuntimeError("mail queue unavailable")

    # After the placements, the withdrawals and the students' notices: the firms' notices.

    monkeypatch.setattr(round_allocation, "_tell_firms", broken)
    login(p.coordinator)
    with pytest.raises(RuntimeError):
        client.post(f"/coordinator/rounds/{open_round.id}/publish")
    db.session.rollback()  # what the end of the failed request does
    assert statuses(p) == before
    assert db.session.scalar(select(func.count(ApplicationEvent.id))) == events
    assert db.session.scalar(select(func.count(Notification.id))) == notices
    assert db.session.get(AllocationRound, open_round.id).status == "closed"
    assert db.session.scalar(select(func.count(RoundResult.id))) == 0


def test_places_already_taken_are_not_allocated_again(client, login, programme, open_round):
    p = programme
    ranked_round(client, login, p, open_round)
    # An offer made before the round is accepted during it: the risk post is full.
    earlier = p.application(p.ho, p.risk)
    earlier.status = "offered"
    db.session.commit()
    login(p.ho)
    assert client.post(f"/student/applications/{earlier.id}/accept").status_code == 302
    login.logout()
    coordinator_does(client, login, p.coordinator, open_round, "close")
    coordinator_does(client, login, p.coordinator, open_round, "publish")
    accepted = db.session.scalars(
        select(Application).where(
            Application.posting_id == p.risk.id, Application.status == "accepted"
        )
    ).all()
    assert [a.student_id for a in accepted] == [p.ho.profile.id]
    # Wong loses the risk post he would have had; Ping An prefers Chan, so he gets data.
    assert statuses(p)[("Wong Ka Yan", p.data.ref)] == "accepted"


def test_offers_outside_the_round_are_refused_during_it(client, login, programme, open_round):
    p = programme
    application = p.application(p.chan, p.risk)
    login(p.webank)
    page = flashed(client, client.post(f"/employer/applications/{application.id}/offer"))
    assert "takes part in the programme round “Summer 2027 main round”" in page
    assert "Nothing was changed" in page
    response = client.post(
        f"/employer/postings/{p.risk.id}/bulk",
        data={"selected": [str(application.id)], "stage": "offered"},
    )
    assert "takes part in the programme round" in flashed(client, response)
    assert statuses(p)[("Chan Siu Ming", p.risk.ref)] == "submitted"
    login.logout()
    coordinator_does(client, login, p.coordinator, open_round, "close")
    login(p.webank)  # still refused while the round is closed but not published
    client.post(f"/employer/applications/{application.id}/offer")
    assert statuses(p)[("Chan Siu Ming", p.risk.ref)] == "submitted"
    login.logout()
    coordinator_does(client, login, p.coordinator, open_round, "publish")
    # Nobody ranked, so nobody was placed; now offers go as usual.
    login(p.webank)
    page = flashed(client, client.post(f"/employer/applications/{application.id}/offer"))
    assert "The offer is made" in page
    assert statuses(p)[("Chan Siu Ming", p.risk.ref)] == "offered"


def test_phase_two_matches_unplaced_students_with_places_left(
    client, make, login, programme, open_round
):
    p = programme
    ranked_round(client, login, p, open_round)
    coordinator_does(client, login, p.coordinator, open_round, "close")
    coordinator_does(client, login, p.coordinator, open_round, "publish")
    applied(client, login, p.ho, p.data)  # Ho, not placed, applies to the data post
    login(p.coordinator)
    page = client.get(f"/coordinator/rounds/{open_round.id}").get_data(as_text=True)
    assert "Start phase 2 from this round" in page
    form = client.get(f"/coordinator/rounds/new?from={open_round.id}").get_data(as_text=True)
    start = form.index('name="postings"')
    selected = re.findall(
        r'<option selected value="(\d+)"', form[start : form.index("</select>", start)]
    )
    assert selected == [str(p.data.id)]  # the only posting with a place left
    # The coordinator saves the proposed phase 2 as it is, and opens it.
    values = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form))
    values |= {"postings": selected, "phase": "2"}
    assert values["name"] == "Summer 2027 main round: phase 2"
    assert values["parent_id"] == str(open_round.id)
    response = client.post("/coordinator/rounds/new", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)
    phase2 = db.session.scalars(select(AllocationRound).order_by(AllocationRound.id.desc())).first()
    assert "The round is open" in flashed(
        client, client.post(f"/coordinator/rounds/{phase2.id}/open")
    )
    login.logout()
    assert (phase2.phase, phase2.parent_id) == (2, open_round.id)
    assert kinds_for(p.ho)[-1] == "round_opened"
    assert kinds_for(p.chan)[-1] != "round_opened"  # placed: no open application left
    assert rank(client, login, p.ho, phase2, [p.data]).status_code == 302
    coordinator_does(client, login, p.coordinator, phase2, "close")
    coordinator_does(client, login, p.coordinator, phase2, "publish")
    assert statuses(p)[("Ho Wing Sze", p.data.ref)] == "accepted"
    assert statuses(p)[("Ho Wing Sze", p.risk.ref)] == "withdrawn"
    login(p.coordinator)
    page = client.get(f"/coordinator/rounds/{phase2.id}").get_data(as_text=True)
    figures = dict(re.findall(r'text-body-secondary">([^<]+)</div><div class="fs-4">(\d+)', page))
    assert figures["Students placed"] == "1" and figures["Places not filled"] == "0"


def test_round_pages_run_a_fixed_number_of_queries(
    client, make, login, programme, open_round, count_queries
):
    p = programme
    ranked_round(client, login, p, open_round)
    coordinator_does(client, login, p.coordinator, open_round, "preview")
    login(p.coordinator)
    url = f"/coordinator/rounds/{open_round.id}"
    client.get(url)
    with count_queries as few:
        client.get(url)
        client.get(url + "/results")
    login.logout()
    for _extra in range(4):  # more students, applications and results
        applied(client, login, make.student(), p.data)
    coordinator_does(client, login, p.coordinator, open_round, "preview")
    login(p.coordinator)
    with count_queries as more:
        client.get(url)
        client.get(url + "/results")
    assert more.count == few.count


def test_round_forms_carry_their_csrf_token(app, client, login, programme, open_round):
    p = programme
    login(p.lee)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/student/rounds/{open_round.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    url = f"/student/rounds/{open_round.id}"
    assert client.post(url, data={"choices-0": str(p.risk.id)}).status_code == 400
    assert db.session.scalar(select(func.count(RoundChoice.id))) == 0
    response = client.post(url, data={"choices-0": str(p.risk.id), "csrf_token": token})
    assert response.status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False  # the test helper logs in without a token
    login.logout()
    login(p.coordinator)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/coordinator/rounds/{open_round.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/coordinator/rounds/{open_round.id}/close").status_code == 400
    client.post(f"/coordinator/rounds/{open_round.id}/close", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(AllocationRound, open_round.id).status == "closed"
