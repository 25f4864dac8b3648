"""Institutions are named in the reader's script on pages, choices and dashboards."""

from __future__ import annotations

from datetime import date

import pytest

from web.extensions import db
from web.services.applications import apply

NAMES = {
    "zh_Hant_HK": "香港中文大學",
    "zh_Hans_CN": "香港中文大学",
    "en": "The Chinese University of Hong Kong",
}


@pytest.mark.parametrize("locale", list(NAMES))
def test_a_students_university_is_named_in_the_chosen_language(client, make, login, locale):
    student = make.student()
    student.profile.university = "CUHK"
    db.session.commit()
    login(student)
    client.post("/language", data={"locale": locale, "next": "/student/profile"})
    assert NAMES[locale] in client.get("/student/profile").get_data(as_text=True)
    form = client.get("/student/profile/edit").get_data(as_text=True)
    assert f"{NAMES[locale]} (CUHK)" in form


@pytest.mark.parametrize("locale", list(NAMES))
def test_the_dashboard_names_universities_in_the_chosen_language(app, client, make, login, locale):
    student = make.student()
    student.profile.university = "CUHK"
    posting = make.posting()
    db.session.commit()
    with app.test_request_context():
        apply(
            student.profile,
            posting,
            "I would like to join the risk team this summer.",
            today=date.today(),
            transfer_consent=True,
        )
    db.session.commit()
    login(make.coordinator())
    client.post("/language", data={"locale": locale})
    assert NAMES[locale] in client.get("/coordinator/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "required"),
    [("zh_Hant_HK", "此欄位是必需的"), ("zh_Hans_CN", "该字段是必填字段"), ("en", "required")],
)
def test_wtforms_own_messages_follow_the_script(client, locale, required):
    client.post("/language", data={"locale": locale})
    page = client.post("/auth/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert required in page
