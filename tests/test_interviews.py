"""Interviews: entered and shown in Hong Kong time, stored in UTC, downloadable as .ics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.hiring_support import applied, flashed, fresh, kinds_for
from web.extensions import db
from web.models import Interview, Notification
from web.services.interviews import as_utc

DAY = date.today() + timedelta(days=21)


def invite(client, application, *, day=DAY, at="10:30", **extra):
    data = {
        "interview-day": day.isoformat(),
        "interview-at": at,
        "interview-duration": "45",
        "interview-location": "WeBank Tower, 1 Haitian 2nd Road, Nanshan, Shenzhen",
        "interview-details": "Bring your HKID or passport; ask for Ms Li at reception.",
        **{f"interview-{k}": v for k, v in extra.items()},
    }
    return client.post(f"/employer/applications/{application.id}/interviews", data=data)


@pytest.fixture
def shortlisted(client, make, login):
    employer = make.employer(make.firm(name="WeBank"))
    posting = make.posting(employer.membership.firm)
    student = make.student(full_name="Siu Hoi Ying")
    return employer, student, applied(client, login, student, posting)


def test_time_entered_in_hong_kong_is_stored_in_utc_and_the_student_invited(
    client, login, shortlisted
):
    employer, student, application = shortlisted
    login(employer)
    page = flashed(client, invite(client, application))
    assert "The interview is arranged" in page
    application = fresh(application)
    assert application.status == "interview"
    (interview,) = application.interviews
    assert as_utc(interview.starts_at) == datetime(DAY.year, DAY.month, DAY.day, 2, 30, tzinfo=UTC)
    assert "10:30 (Hong Kong time)" in page
    assert kinds_for(student) == ["interview_scheduled"]
    params = db.session.scalars(
        select(Notification.params).where(Notification.user_id == student.id)
    ).one()
    assert params["when"] == f"{DAY.isoformat()} 10:30"
    assert params["where"].startswith("WeBank Tower")


def test_the_student_sees_the_interview_in_hong_kong_time(client, login, shortlisted):
    employer, student, application = shortlisted
    login(employer)
    invite(client, application, at="09:00")
    login.logout()
    login(student)
    page = client.get(f"/student/applications/{application.id}").get_data(as_text=True)
    assert "09:00 (Hong Kong time)" in page
    assert "WeBank Tower" in page and "ask for Ms Li" in page
    assert "Add to calendar (.ics)" in page
    listing = client.get("/student/applications").get_data(as_text=True)
    assert "09:00 (Hong Kong time)" in listing


def test_the_ics_file_holds_one_event_in_utc(client, login, shortlisted):
    employer, student, application = shortlisted
    login(employer)
    invite(client, application, at="14:00", location="https://meet.example.com/wb-risk-2027")
    login.logout()
    interview = fresh(application).interviews[0]
    login(student)
    response = client.get(f"/student/applications/{application.id}/interviews/{interview.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    starts = datetime(DAY.year, DAY.month, DAY.day, 6, 0, tzinfo=UTC)
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") == starts + timedelta(minutes=45)
    assert str(event["uid"]).startswith(f"interview-{interview.id}@")
    assert "Risk Analytics Intern" in str(event["summary"]) and "WeBank" in str(event["summary"])
    assert str(event["location"]) == "https://meet.example.com/wb-risk-2027"
    assert str(event["url"]) == "https://meet.example.com/wb-risk-2027"
    assert "ask for Ms Li" in str(event["description"])
    assert b"DTSTART:" in response.data and b"Z\r\n" in response.data


def test_only_the_student_can_download_their_interviews(client, make, login, shortlisted):
    employer, _student, application = shortlisted
    login(employer)
    invite(client, application)
    interview = fresh(application).interviews[0]
    url = f"/student/applications/{application.id}/interviews/{interview.id}.ics"
    assert client.get(url).status_code == 403  # employers are not students
    login.logout()
    other = make.student()
    other_application = applied(client, login, other, make.posting())
    login(other)
    assert client.get(url).status_code == 404
    wrong_pair = f"/student/applications/{other_application.id}/interviews/{interview.id}.ics"
    assert client.get(wrong_pair).status_code == 404


def test_a_time_in_the_past_is_refused(client, login, shortlisted):
    employer, _student, application = shortlisted
    login(employer)
    response = invite(client, application, day=date.today() - timedelta(days=1))
    assert response.status_code == 400
    assert "Choose a time in the future." in response.get_data(as_text=True)
    assert db.session.scalar(select(Interview.id)) is None
    assert fresh(application).status == "submitted"


def test_a_second_round_keeps_the_stage_and_no_interview_after_an_offer(client, login, shortlisted):
    employer, _student, application = shortlisted
    login(employer)
    invite(client, application, at="10:00")
    invite(client, application, day=DAY + timedelta(days=2), at="16:00")
    application = fresh(application)
    assert application.status == "interview" and len(application.interviews) == 2
    assert [e.to_status for e in application.events] == ["submitted", "interview"]
    client.post(f"/employer/applications/{application.id}/offer")
    page = flashed(client, invite(client, application, day=DAY + timedelta(days=3)))
    assert "only before an offer" in page
    assert len(fresh(application).interviews) == 2


def test_the_employer_page_shows_interviews_in_hong_kong_time(client, login, shortlisted):
    employer, _student, application = shortlisted
    login(employer)
    invite(client, application, at="11:15")
    page = client.get(f"/employer/applications/{application.id}").get_data(as_text=True)
    assert "11:15 (Hong Kong time)" in page
