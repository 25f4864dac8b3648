"""Students keep a profile: university, programme, skills with levels, languages, dates."""

from __future__ import annotations

from web.extensions import db


def profile_form(**overrides):
    data = {
        "full_name": "Lee Ka Yan",
        "university": "HKUST",
        "programme": "BSc Data Science",
        "year_of_study": "3",
        "graduation_year": "2028",
        "skills-0-name": "Python",
        "skills-0-level": "4",
        "skills-1-name": "機器學習",
        "skills-1-level": "3",
        "skills-2-name": "",
        "skills-2-level": "3",
        "languages-0-language": "cantonese",
        "languages-0-level": "5",
        "languages-1-language": "english",
        "languages-1-level": "4",
        "available_from": "2027-06-01",
        "available_to": "2027-08-31",
        "bio": "I like building data products.",
        "submit": "1",
    }
    data.update(overrides)
    return data


def test_student_fills_the_profile(client, make, login):
    student = make.student(skills=[])
    login(student)
    response = client.post("/student/profile/edit", data=profile_form())
    assert response.status_code == 302
    db.session.refresh(student.profile)
    profile = student.profile
    assert profile.university == "HKUST" and profile.year_of_study == 3
    assert {(s.name, s.level) for s in profile.skills} == {("Python", 4), ("機器學習", 3)}
    assert {(lang.language, lang.level) for lang in profile.languages} == {
        ("cantonese", 5),
        ("english", 4),
    }
    page = client.get("/student/profile").get_data(as_text=True)
    assert "The Hong Kong University of Science and Technology" in page
    assert "機器學習" in page and "Cantonese" in page


def test_saving_again_replaces_skills(client, make, login):
    student = make.student(skills=[("Java", 3), ("Excel", 2)])
    login(student)
    client.post("/student/profile/edit", data=profile_form())
    db.session.refresh(student.profile)
    assert sorted(s.name for s in student.profile.skills) == ["Python", "機器學習"]


def test_profile_validation_messages(client, make, login):
    login(make.student())
    response = client.post(
        "/student/profile/edit",
        data=profile_form(
            full_name="",
            university="Harvard",
            available_from="2027-08-31",
            available_to="2027-06-01",
            graduation_year="1999",
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This field is required" in page
    assert "Not a valid choice" in page
    assert "must come after its start" in page
    assert "Number must be between 2000 and 2100" in page


def test_duplicate_languages_are_refused(client, make, login):
    login(make.student())
    response = client.post(
        "/student/profile/edit", data=profile_form(**{"languages-1-language": "cantonese"})
    )
    assert "Each language may be listed once." in response.get_data(as_text=True)


def test_edit_form_shows_current_values_and_blank_rows(client, make, login):
    login(make.student(skills=[("Python", 4)]))
    page = client.get("/student/profile/edit").get_data(as_text=True)
    assert 'value="Python"' in page
    assert "skills-3-name" in page  # blank rows to add more skills without script


def test_dashboard_nudges_an_incomplete_profile(client, make, login):
    login(make.student(skills=[]))
    assert "Your profile is not complete yet" in client.get("/student/").get_data(as_text=True)
