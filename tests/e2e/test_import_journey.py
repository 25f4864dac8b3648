"""A coordinator uploads a seed file with an error, reads the error table, uploads the fix."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import Journey, unique_email

PASSWORD = "harbour-lantern-quiet-47"
HEADER = "name,name_zh,city,website,contact_email,description\n"


def test_coordinator_fixes_a_bad_seed_file(journey: Journey, tmp_path: Path) -> None:
    email = unique_email("office", "programme.example.org")
    journey.server.flask("users", "create-coordinator", email, input=f"{PASSWORD}\n" * 2)
    tag = uuid.uuid4().hex[:6]
    firm = f"Nanshan Quant {tag}"
    journey.user_content(firm, "firms.csv", "firms-fixed.csv")
    bad = tmp_path / "firms.csv"
    bad.write_text(
        HEADER + f"{firm},南山量化,Shenzhen,https://quant.example.com,not-an-email,Quant\n",
        encoding="utf-8",
    )
    page = journey.page
    journey.go("/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")

    journey.go("/coordinator/imports/upload")
    page.set_input_files("#files", str(bad))
    page.click("#submit")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("contact_email")
    expect(errors).to_contain_text("not-an-email")
    expect(errors.locator("tbody td").nth(1)).to_have_text("2")  # the spreadsheet row
    journey.shot("errors")

    good = tmp_path / "firms-fixed.csv"
    good.write_text(
        HEADER + f"{firm},南山量化,Shenzhen,https://quant.example.com,"
        "hr@quant.example.com,Quant research\n",
        encoding="utf-8",
    )
    journey.go("/coordinator/imports/upload")
    page.set_input_files("#files", str(good))
    page.click("#submit")
    journey.shot("preview")
    page.get_by_role("button", name=journey.t("Import these files")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        journey.t(
            "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
            created=1,
            updated=0,
            unchanged=0,
        )
    )
    journey.shot("imported")
    journey.go("/coordinator/firms")
    expect(page.locator("body")).to_contain_text(firm)
