"""A student registers, fills a profile, finds an internship, applies and sees the stage."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import Journey, LiveServer, unique_email

PASSWORD = "harbour-lantern-quiet-47"


def load_seeds(server: LiveServer) -> None:
    server.flask("seeds", "import", "seeds/demo")


def test_student_registers_applies_and_follows(journey: Journey) -> None:
    load_seeds(journey.server)
    page, t = journey.page, journey.t
    email = unique_email("wing.yan.lau")
    journey.go("/auth/register")
    journey.fill("#email", email)
    journey.fill("#full_name", "Lau Wing Yan")
    journey.fill("#password", PASSWORD)
    journey.fill("#confirm", PASSWORD)
    page.locator("summary", has_text=t("Read the full statement")).click()
    page.check("#agree")
    journey.shot("register")
    page.click("#submit")
    expect(page.locator("h1")).to_have_text(t("Check your email"))
    journey.shot("check-email")
    journey.go(journey.server.confirmation_link(email))
    page.fill("#password", PASSWORD)
    journey.shot("confirm")
    page.click("#submit")
    expect(page.locator("h1")).to_have_text(t("Edit your profile"))

    page.select_option("#university", "HKU")
    journey.fill("#programme", "BEng Computer Science")
    page.select_option("#year_of_study", "3")
    journey.fill("#graduation_year", "2028")
    journey.fill("#skills-0-name", "Python")
    page.select_option("#skills-0-level", "4")
    journey.fill("#skills-1-name", "機器學習")
    journey.fill("#skills-2-name", "SQL")
    page.select_option("#languages-0-language", "cantonese")
    page.select_option("#languages-0-level", "5")
    journey.fill("#available_from", "2027-06-01")
    journey.fill("#available_to", "2027-08-31")
    journey.shot("profile-form")
    page.click("#submit")
    expect(page.locator(".alert-success")).to_contain_text(t("Your profile is saved."))
    expect(page.locator("body")).to_contain_text("機器學習")
    journey.shot("profile")

    journey.go("/postings?q=risk")
    journey.shot("search")
    page.locator(".list-group-item").first.click()
    expect(page.locator("h2", has_text=t("How you match"))).to_be_visible()
    journey.shot("posting")
    journey.fill("#cover_note", "I built a credit scorecard in Python for my final-year project.")
    consent = (
        "I agree that Talent Bridge sends the data listed above to %(firm)s in "
        "Shenzhen, mainland China, so that the firm can consider my application."
    )
    expect(page.locator("label[for=transfer_consent]")).to_contain_text(journey.pattern(consent))
    page.check("#transfer_consent")
    page.click("#submit")
    expect(page.locator(".alert-success")).to_contain_text(
        journey.pattern("Your application to %(firm)s is sent.")
    )
    expect(page.locator(".badge", has_text=t("Submitted")).first).to_be_visible()
    journey.shot("application")

    journey.go("/student/applications")
    expect(page.locator("table")).to_contain_text(t("Submitted"))
    journey.shot("applications")
