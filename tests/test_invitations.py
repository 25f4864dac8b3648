"""Invitation links: imported students claim their accounts once, before the link expires."""

from __future__ import annotations

import csv
import io
import time

import itsdangerous
import pytest
from sqlalchemy import select

from tests.seedfiles import SEEDS
from web.extensions import db
from web.models import AuditEntry, User

STRONG = "lantern-harbour-quiet-42"


@pytest.fixture
def imported(runner):
    result = runner.invoke(args=["seeds", "import", str(SEEDS / "demo")])
    assert result.exit_code == 0, result.output


def links(runner, tmp_path) -> dict[str, str]:
    out = tmp_path / "invitations.csv"
    result = runner.invoke(args=["seeds", "invitations", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    return {row["email"]: row["link"] for row in rows}


def path_of(link: str) -> str:
    return link.removeprefix("http://127.0.0.1:5000")


def test_the_command_exports_one_link_per_unclaimed_student(runner, tmp_path, imported, make):
    make.student("self.registered@hku.example.edu.hk")  # has a password: no link
    found = links(runner, tmp_path)
    assert len(found) == 12
    assert "self.registered@hku.example.edu.hk" not in found
    link = found["s0001.leung@hku.example.edu.hk"]
    assert link.startswith("http://127.0.0.1:5000/auth/claim/")
    header = (tmp_path / "invitations.csv").read_text().splitlines()[0]
    assert header == "email,full_name,link,expires"
    assert "export.invitations" in db.session.scalars(select(AuditEntry.action)).all()
    printed = runner.invoke(args=["seeds", "invitations", "--base-url", "https://tb.example.org"])
    assert "https://tb.example.org/auth/claim/" in printed.output


def test_claiming_sets_the_password_and_logs_the_student_in(client, runner, tmp_path, imported):
    link = path_of(links(runner, tmp_path)["s0002.wu@cuhk.example.edu.hk"])
    page = client.get(link)
    assert page.status_code == 200 and "s0002.wu@cuhk.example.edu.hk" in page.get_data(True)
    weak = client.post(link, data={"password": "s0002.wu@cuhk", "confirm": "s0002.wu@cuhk"})
    assert weak.status_code == 200 and "too easy to guess" in weak.get_data(True)
    response = client.post(link, data={"password": STRONG, "confirm": STRONG})
    assert response.status_code == 302 and response.headers["Location"].endswith("/student/")
    assert client.get("/student/").status_code == 200  # logged in
    user = db.session.scalar(select(User).where(User.email == "s0002.wu@cuhk.example.edu.hk"))
    assert user.check_password(STRONG)
    assert user.profile.discoverable is False  # claiming does not publish the profile
    assert "s0002.wu@cuhk.example.edu.hk" not in links(runner, tmp_path)


def test_a_link_works_only_once(client, runner, tmp_path, imported, login):
    link = path_of(links(runner, tmp_path)["s0001.leung@hku.example.edu.hk"])
    client.post(link, data={"password": STRONG, "confirm": STRONG})
    login.logout()
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    replay = client.post(link, data={"password": "another-quiet-harbour-7", "confirm": "x"})
    assert replay.status_code == 400
    user = db.session.scalar(select(User).where(User.email == "s0001.leung@hku.example.edu.hk"))
    assert user.check_password(STRONG)


def test_an_expired_link_is_refused(client, runner, tmp_path, imported, monkeypatch):
    three_weeks_ago = int(time.time()) - 21 * 24 * 3600
    monkeypatch.setattr(
        itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: three_weeks_ago
    )
    link = path_of(links(runner, tmp_path)["s0001.leung@hku.example.edu.hk"])
    monkeypatch.undo()
    response = client.get(link)
    assert response.status_code == 400
    assert "The link has expired." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        lambda token: "eyJ1IjoxLCJmIjoiIn0." + token.split(".", 1)[1],  # another payload
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_link_is_refused(client, runner, tmp_path, imported, tamper):
    link = path_of(links(runner, tmp_path)["s0001.leung@hku.example.edu.hk"])
    prefix, token = link.rsplit("/", 1)
    response = client.get(f"{prefix}/{tamper(token)}")
    assert response.status_code == 400
    assert "The link is not valid." in response.get_data(as_text=True)
    posted = client.post(f"{prefix}/{tamper(token)}", data={"password": STRONG, "confirm": STRONG})
    assert posted.status_code == 400


def test_coordinators_download_the_links_in_the_portal(client, make, login, imported):
    login(make.coordinator())
    response = client.post("/coordinator/exports/invitations.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 12 and all("/auth/claim/" in row["link"] for row in rows)
    login.logout()
    claimed = client.post(path_of(rows[0]["link"]), data={"password": STRONG, "confirm": STRONG})
    assert claimed.status_code == 302
