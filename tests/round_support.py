"""Helpers shared by the allocation-round tests: a small programme and the portal calls.

The programme: two firms, three postings (WeBank's risk internship with one place and
its data internship with two, Ping An's with one place), four students who applied
(through the service: logging each in would only slow the tests), each with different
Python and SQL levels so the matcher's order is clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from tests.hiring_support import NOTE
from web.extensions import db
from web.formatting import HONG_KONG
from web.models import AllocationRound, Application, Posting, User
from web.services.applications import apply


def local(moment: datetime) -> str:
    """A moment as a datetime-local form value in Hong Kong time."""
    return moment.astimezone(HONG_KONG).strftime("%Y-%m-%dT%H:%M")


@dataclass
class Programme:
    coordinator: User
    webank: User  # an approved WeBank recruiter
    pingan: User
    risk: Posting  # WeBank, 1 place, Python 5
    data: Posting  # WeBank, 2 places, SQL 5
    payments: Posting  # Ping An, 1 place, Python 4
    chan: User  # Python 5, SQL 2
    wong: User  # Python 4, SQL 4
    lee: User  # Python 2, SQL 5
    ho: User  # Python 3, SQL 1
    applications: dict[tuple[int, int], Application]

    @property
    def students(self) -> list[User]:
        return [self.chan, self.wong, self.lee, self.ho]

    def application(self, student: User, posting: Posting) -> Application:
        return self.applications[student.id, posting.id]


def build_programme(make) -> Programme:
    webank = make.employer(make.firm(name="WeBank", name_zh="微众银行"))
    pingan = make.employer(make.firm(name="Ping An Technology", name_zh="平安科技"))
    risk = make.posting(webank.membership.firm, required=[("Python", 5)], capacity=1)
    data = make.posting(webank.membership.firm, required=[("SQL", 5)], capacity=2)
    payments = make.posting(pingan.membership.firm, required=[("Python", 4)], capacity=1)
    risk.title, data.title = "Credit Risk Analytics Intern", "Data Engineering Intern"
    payments.title = "Cross-boundary Payments Intern"
    chan = make.student(full_name="Chan Siu Ming", skills=[("Python", 5), ("SQL", 2)])
    wong = make.student(full_name="Wong Ka Yan", skills=[("Python", 4), ("SQL", 4)])
    lee = make.student(
        full_name="Lee Hoi Ting", university="CUHK", skills=[("Python", 2), ("SQL", 5)]
    )
    ho = make.student(full_name="Ho Wing Sze", skills=[("Python", 3), ("SQL", 1)])
    applications = {}
    with current_app.test_request_context():  # the service links the firm's notice
        for student, postings in (
            (chan, (risk, data, payments)),
            (wong, (risk, data, payments)),
            (lee, (risk, data)),
            (ho, (risk, payments)),
        ):
            for posting in postings:
                applications[student.id, posting.id] = apply(
                    student.profile, posting, NOTE, today=date.today(), transfer_consent=True
                )
    db.session.commit()
    return Programme(
        coordinator=make.coordinator(),
        webank=webank,
        pingan=pingan,
        risk=risk,
        data=data,
        payments=payments,
        chan=chan,
        wong=wong,
        lee=lee,
        ho=ho,
        applications=applications,
    )


def round_form(
    postings: list[Posting],
    *,
    name: str = "Summer 2027 main round",
    opens: datetime | None = None,
    closes: datetime | None = None,
    max_choices: int = 3,
    phase: int = 1,
    parent_id: int | None = None,
) -> dict:
    now = datetime.now(UTC)
    opens = opens or now - timedelta(hours=1)
    closes = closes or now + timedelta(days=2)
    data = {
        "name": name,
        "postings": [str(p.id) for p in postings],
        "opens_at": local(opens),
        "closes_at": local(closes),
        "results_on": (closes + timedelta(days=3)).date().isoformat(),
        "max_choices": str(max_choices),
        "phase": str(phase),
    }
    if parent_id is not None:
        data["parent_id"] = str(parent_id)
    return data


def create_round(
    client, login, coordinator: User, postings: list[Posting], **kw
) -> AllocationRound:
    """The coordinator saves a round and opens it; returns it (logged out after)."""
    login(coordinator)
    response = client.post("/coordinator/rounds/new", data=round_form(postings, **kw))
    assert response.status_code == 302, response.get_data(as_text=True)
    round_ = db.session.scalars(select(AllocationRound).order_by(AllocationRound.id.desc())).first()
    assert client.post(f"/coordinator/rounds/{round_.id}/open").status_code == 302
    login.logout()
    db.session.expire_all()
    return db.session.get(AllocationRound, round_.id)


def rank(client, login, student: User, round_: AllocationRound, postings: list[Posting]):
    """The student saves a rank list; returns the response (logged out after)."""
    login(student)
    data = {f"choices-{n}": str(p.id) for n, p in enumerate(postings)}
    response = client.post(f"/student/rounds/{round_.id}", data=data)
    login.logout()
    return response


def coordinator_does(client, login, coordinator: User, round_: AllocationRound, action: str) -> str:
    """The coordinator presses one of the round's buttons; returns the page it leads to."""
    login(coordinator)
    response = client.post(f"/coordinator/rounds/{round_.id}/{action}")
    assert response.status_code == 302, response.status_code
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    login.logout()
    return page


def employer_rows(html: str) -> list[tuple[str, str, bool]]:
    """(student id, position, acceptable) of each row of the ranking form, in page order."""
    rows = []
    for n, sid in re.findall(r'name="rows-(\d+)-student_id" type="hidden" value="(\d+)"', html):
        position = re.search(rf'name="rows-{n}-position"[^>]*value="(\d+)"', html).group(1)
        checked = re.search(rf'<input (checked )?class="form-check-input" id="rows-{n}-', html)
        rows.append((sid, position, bool(checked.group(1))))
    return rows


def ranked_round(client, login, p, round_):
    """Everybody ranks; WeBank finds Ho not acceptable for the risk post."""
    rank(client, login, p.chan, round_, [p.payments, p.risk, p.data])
    rank(client, login, p.wong, round_, [p.risk, p.payments, p.data])
    rank(client, login, p.lee, round_, [p.risk, p.data])
    rank(client, login, p.ho, round_, [p.risk, p.payments])
    login(p.webank)
    url = f"/employer/rounds/{round_.id}/postings/{p.risk.id}"
    data = {}
    for n, (sid, position, _ok) in enumerate(employer_rows(client.get(url).get_data(as_text=True))):
        data |= {f"rows-{n}-student_id": sid, f"rows-{n}-position": position}
        if int(sid) != p.ho.profile.id:
            data[f"rows-{n}-acceptable"] = "y"
    assert client.post(url, data=data).status_code == 302
    login.logout()
