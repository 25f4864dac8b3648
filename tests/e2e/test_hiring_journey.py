"""A new employer registers, is approved, posts, shortlists, interviews and offers; the
student accepts."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import Journey, unique_email

PASSWORD = "harbour-lantern-quiet-47"
CONSENT = (
    "I agree that Talent Bridge sends the data listed above to %(firm)s in "
    "Shenzhen, mainland China, so that the firm can consider my application."
)


def register_student(tab: Journey) -> None:
    page = tab.page
    email = unique_email("ka.ho.wong")
    tab.go("/auth/register")
    tab.fill("#email", email)
    tab.fill("#full_name", "Wong Ka Ho")
    tab.fill("#password", PASSWORD)
    tab.fill("#confirm", PASSWORD)
    page.check("#agree")
    page.click("#submit")
    confirm(tab, email)
    page.select_option("#university", "CUHK")
    tab.fill("#skills-0-name", "python")
    page.select_option("#skills-0-level", "4")
    tab.fill("#skills-1-name", "Solidity")
    page.select_option("#skills-1-level", "3")
    page.select_option("#languages-0-language", "english")
    page.select_option("#languages-0-level", "4")
    page.click("#submit")
    expect(page.locator(".alert-success")).to_contain_text(tab.t("Your profile is saved."))


def confirm(tab: Journey, email: str) -> None:
    """Open the link the sign-up emailed and confirm with the password."""
    expect(tab.page.locator("h1")).to_have_text(tab.t("Check your email"))
    tab.go(tab.server.confirmation_link(email))
    tab.page.fill("#password", PASSWORD)
    tab.page.click("#submit")


def test_employer_hires_through_the_portal(journey: Journey) -> None:
    server, t = journey.server, journey.t
    tag = uuid.uuid4().hex[:6]
    employer_email = unique_email("recruiter", "ledger.example.com")
    coordinator_email = unique_email("office", "programme.example.org")
    server.flask("users", "create-coordinator", coordinator_email, input=f"{PASSWORD}\n" * 2)

    # 1. A new employer registers its firm and waits for approval.
    employer = journey.page
    journey.go("/auth/register/employer")
    journey.fill("#email", employer_email)
    journey.fill("#job_title", "Campus recruiter")
    employer.select_option("#firm_id", "0")
    journey.fill("#new_firm_name", f"Qianhai Ledger Labs {tag}")
    journey.fill("#new_firm_name_zh", "前海账本实验室")
    journey.fill("#password", PASSWORD)
    journey.fill("#confirm", PASSWORD)
    employer.check("#agree")
    employer.click("#submit")
    confirm(journey, employer_email)
    expect(employer.locator("h1")).to_have_text(t("Your account is awaiting approval"))
    journey.shot("pending")

    # 2. The coordinator approves it.
    office = journey.new_tab("coordinator")
    office.go("/auth/login")
    office.page.fill("#email", coordinator_email)
    office.page.fill("#password", PASSWORD)
    office.page.click("#submit")
    office.go("/coordinator/employers")
    row = office.page.locator("tr", has_text=employer_email)
    row.get_by_role("button", name=office.t("Approve")).click()
    expect(office.page.locator(".alert-success")).to_contain_text(
        office.pattern("%(email)s can now act for %(firm)s.", email=employer_email)
    )
    office.shot("approved")

    # 3. The employer posts an internship.
    start = date.today() + timedelta(days=120)
    journey.go("/employer/postings/new")
    journey.fill("#title", f"Blockchain Engineering Intern {tag}")
    journey.fill("#description", "Build smart contracts for trade-finance settlement.")
    journey.fill("#location", "Shenzhen, Qianhai")
    journey.fill("#start_date", start.isoformat())
    journey.fill("#end_date", (start + timedelta(days=70)).isoformat())
    journey.fill("#capacity", "1")
    journey.fill("#deadline", (date.today() + timedelta(days=30)).isoformat())
    journey.fill("#required-0-name", "Solidity")
    employer.select_option("#required-0-level", "3")
    journey.fill("#required-1-name", "Python")
    employer.select_option("#required-1-level", "3")
    employer.select_option("#languages-0-language", "english")
    journey.shot("posting-form")
    employer.click("#publish")
    saved = "Posting %(ref)s is saved."
    expect(employer.locator(".alert-success")).to_contain_text(journey.pattern(saved))
    ref = journey.parse(saved, employer.locator(".alert-success").inner_text())["ref"]
    posting_url = employer.url

    # 4. A student applies.
    student = journey.new_tab("student")
    register_student(student)
    student.go(f"/postings/{ref}")
    student.fill("#cover_note", "I have written Solidity contracts for a campus hackathon.")
    expect(student.page.locator("label[for=transfer_consent]")).to_contain_text(
        student.pattern(CONSENT, firm=f"Qianhai Ledger Labs {tag} (前海账本实验室)")
    )
    student.page.check("#transfer_consent")
    student.page.click("#submit")
    expect(student.page.locator(".alert-success")).to_contain_text(
        student.pattern("Your application to %(firm)s is sent.")
    )

    # 5. The employer reads the ranked shortlist with its reasons.
    employer.goto(posting_url)
    expect(employer.locator("body")).to_contain_text("Wong Ka Ho")
    expect(employer.locator("body")).to_contain_text(
        t("%(met)d of %(total)d requirements met", met=2, total=2)
    )
    employer.locator("summary", has_text=t("Why this rank")).first.click()
    journey.shot("shortlist")

    # 6. ... invites the student to an interview, then makes an offer.
    employer.get_by_role("link", name=t("Review application")).first.click()
    interview_day = (date.today() + timedelta(days=7)).isoformat()
    employer.fill("#interview-day", interview_day)
    employer.fill("#interview-at", "10:30")
    journey.fill("#interview-location", "https://meet.example.com/ledger-interview")
    employer.get_by_role("button", name=t("Invite to interview")).click()
    expect(employer.locator("body")).to_contain_text(journey.pattern("%(when)s (Hong Kong time)"))
    journey.shot("interview")
    employer.get_by_role("button", name=t("Make an offer")).click()
    expect(employer.locator("body")).to_contain_text(
        t("Offer made; waiting for the student’s answer.")
    )
    journey.shot("offer")

    # 7. The student sees the interview and the offer, and accepts.
    student.go("/student/applications")
    student.page.locator("table a").first.click()
    expect(student.page.locator("body")).to_contain_text("10:30")
    expect(
        student.page.get_by_role("link", name=student.t("Add to calendar (.ics)"))
    ).to_be_visible()
    student.shot("offer")
    student.page.get_by_role("button", name=student.t("Accept the offer")).click()
    expect(student.page.locator(".alert-success").first).to_contain_text(
        student.t("You accepted the offer. Congratulations!")
    )
    student.shot("accepted")
