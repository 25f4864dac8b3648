"""`flask demo` loads a small programme with logins for the three roles."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from web.extensions import db
from web.models import Application, Posting


def logins_from(path: Path) -> dict[str, tuple[str, str]]:
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    return {role: (email, password) for role, email, password in (r.split() for r in rows)}


def test_demo_loads_data_and_prints_working_logins(app, runner, client, login, tmp_path):
    app.config["DEMO_LOGINS_FILE"] = str(tmp_path / "demo-logins.txt")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    logins = logins_from(tmp_path / "demo-logins.txt")
    assert set(logins) == {"coordinator", "employer", "student"}
    for role, (email, password) in logins.items():
        assert email in result.output and password in result.output
        response = login(email, password)
        assert response.status_code == 302, role
        assert f"/{role}/" in response.headers["Location"]
        login.logout()
    assert db.session.scalar(select(func.count(Posting.id))) >= 3
    statuses = set(db.session.scalars(select(Application.status)))
    assert {"submitted", "shortlisted", "interview", "offered"} <= statuses
    # Weeks of history, so that the dashboard's median time in each stage means something.
    login(*logins["coordinator"])
    page = client.get("/coordinator/").get_data(as_text=True)
    times = page[page.index("Median time in each stage") :]
    medians = re.findall(r">\s*([\d.]+ (?:minutes|hours|days))\s*<", times)
    assert medians and all(m.endswith("days") for m in medians), medians


def test_running_the_demo_again_changes_only_the_passwords(app, runner, login, tmp_path):
    app.config["DEMO_LOGINS_FILE"] = str(tmp_path / "demo-logins.txt")
    runner.invoke(args=["demo"])
    before = db.session.scalar(select(func.count(Application.id)))
    old = logins_from(tmp_path / "demo-logins.txt")
    assert runner.invoke(args=["demo"]).exit_code == 0
    new = logins_from(tmp_path / "demo-logins.txt")
    assert db.session.scalar(select(func.count(Application.id))) == before
    assert old["student"][1] != new["student"][1]
    assert login(*old["student"]).status_code == 200  # the old password no longer works
