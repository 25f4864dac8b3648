"""Consents: sending an application to a named firm, and being found in talent search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from web.extensions import db
from web.models import Application, Consent
from web.services.consents import TEXT_VERSIONS
from web.services.interviews import as_utc

NOTE = "I built a credit-risk scorecard in Python for my final-year project."


def apply(client, posting, *, tick: bool = True):
    data = {"cover_note": NOTE}
    if tick:
        data["transfer_consent"] = "y"
    return client.post(f"/student/postings/{posting.ref}/apply", data=data)


def consents_of(user, kind: str) -> list[Consent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Consent)
            .where(Consent.user_id == user.id, Consent.kind == kind)
            .order_by(Consent.id)
        )
    )


def set_discovery(client, on: bool):
    data = {"discovery-discoverable": "y"} if on else {}
    return client.post("/student/privacy/discovery", data=data)


# -- transfer to a firm ---------------------------------------------------------------------


def test_the_apply_form_names_the_firm_and_what_it_receives(client, make, login):
    posting = make.posting(make.firm(name="WeBank", name_zh="微众银行"))
    login(make.student())
    page = client.get(f"/postings/{posting.ref}").get_data(as_text=True)
    assert 'name="transfer_consent"' in page
    assert "WeBank (微众银行) in Shenzhen" in page
    for item in ("your name", "university", "programme", "year of study", "skills"):
        assert item in page
    for item in ("languages", "availability", "this cover note", "your email address"):
        assert item in page


def test_without_the_tick_the_application_is_refused_on_that_field(client, make, login):
    posting = make.posting(make.firm(name="Ping An Technology"))
    student = make.student()
    login(student)
    response = apply(client, posting, tick=False)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Tick this box to agree, or your application cannot be sent." in page
    assert 'id="transfer_consent"' in page and "is-invalid" in page
    assert NOTE in page  # what the student wrote is kept
    assert "Ping An Technology in Shenzhen" in page and "your email address" in page
    assert db.session.scalar(select(func.count(Application.id))) == 0
    assert consents_of(student, "transfer") == []


def test_applying_records_the_consent_with_firm_posting_version_and_time(client, make, login):
    firm = make.firm(name="WeBank", name_zh="微众银行")
    posting = make.posting(firm)
    student = make.student()
    login(student)
    before = datetime.now(UTC)
    assert apply(client, posting).status_code == 302
    [consent] = consents_of(student, "transfer")
    assert (consent.firm_id, consent.posting_id) == (firm.id, posting.id)
    assert consent.text_version == TEXT_VERSIONS["transfer"]
    assert before - timedelta(seconds=1) <= as_utc(consent.given_at) <= datetime.now(UTC)
    assert consent.withdrawn_at is None
    # A refused second application records no second consent (same transaction).
    apply(client, posting)
    assert len(consents_of(student, "transfer")) == 1


def test_each_firm_gets_its_own_consent(client, make, login):
    first, second = make.posting(make.firm()), make.posting(make.firm())
    student = make.student()
    login(student)
    apply(client, first)
    apply(client, second)
    firms = {c.firm_id for c in consents_of(student, "transfer")}
    assert firms == {first.firm_id, second.firm_id}


# -- discovery ------------------------------------------------------------------------------


def test_discovery_is_off_by_default_and_not_on_the_profile_form(client, make, login):
    student = make.student()
    login(student)
    assert student.profile.discoverable is False
    assert "discoverable" not in client.get("/student/profile/edit").get_data(as_text=True)
    page = client.get("/student/privacy").get_data(as_text=True)
    assert 'name="discovery-discoverable"' in page and "checked" not in page


def test_discovery_on_records_a_consent_and_off_withdraws_it(client, make, login):
    student = make.student()
    login(student)
    assert set_discovery(client, True).status_code == 302
    [given] = consents_of(student, "discovery")
    assert given.withdrawn_at is None and given.text_version == TEXT_VERSIONS["discovery"]
    assert student.profile.discoverable is True
    set_discovery(client, True)  # saving again records nothing new
    assert len(consents_of(student, "discovery")) == 1

    assert set_discovery(client, False).status_code == 302
    [withdrawn] = consents_of(student, "discovery")
    assert withdrawn.withdrawn_at is not None
    assert student.profile.discoverable is False

    set_discovery(client, True)  # opting in again is a new consent; the old one stays
    records = consents_of(student, "discovery")
    assert [c.withdrawn_at is None for c in records] == [False, True]


def test_saving_the_profile_leaves_discovery_alone(client, make, login):
    student = make.student()
    login(student)
    set_discovery(client, True)
    response = client.post(
        "/student/profile/edit",
        data={"full_name": "Chan Siu Ming", "university": "HKU", "submit": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert student.profile.discoverable is True


def test_the_employer_finds_the_student_only_while_opted_in(client, make, login):
    employer = make.employer()
    make.posting(employer.membership.firm)
    student = make.student(full_name="Lau Wing Yan")
    profile_id = student.profile.id

    def employer_sees() -> bool:
        login(employer)
        page = client.get("/employer/talent").get_data(as_text=True)
        found = client.get(f"/employer/students/{profile_id}").status_code == 200
        login.logout()
        assert ("Lau Wing Yan" in page) == found
        return found

    assert not employer_sees()
    login(student)
    set_discovery(client, True)
    login.logout()
    assert employer_sees()
    login(student)
    set_discovery(client, False)
    login.logout()
    assert not employer_sees()


def test_the_page_lists_the_history_in_hong_kong_time(client, make, login):
    posting = make.posting(make.firm(name="WeBank", name_zh="微众银行"))
    student = make.student()
    login(student)
    apply(client, posting)
    set_discovery(client, True)
    set_discovery(client, False)
    transfer, discovery = consents_of(student, "transfer")[0], consents_of(student, "discovery")[0]
    transfer.given_at = datetime(2027, 1, 5, 2, 30, tzinfo=UTC)  # 10:30 in Hong Kong
    discovery.withdrawn_at = datetime(2027, 1, 6, 15, 45, tzinfo=UTC)  # 23:45 in Hong Kong
    db.session.commit()
    page = client.get("/student/privacy").get_data(as_text=True)
    assert "Sending my application to a firm in Shenzhen" in page
    assert "Being found by employers in talent search" in page
    assert "WeBank" in page and "微众银行" in page and posting.ref in page
    assert TEXT_VERSIONS["transfer"] in page
    assert "2027 10:30" in page and "2027 23:45" in page
    assert "Hong Kong time" in page
