"""An English browser picks Traditional Chinese from the navbar and keeps it after login."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Journey, unique_email

PASSWORD = "harbour-lantern-quiet-47"


@pytest.mark.parametrize("journey", [("en", "desktop")], ids=["en-desktop"], indirect=True)
def test_visitor_switches_to_traditional_chinese(journey: Journey) -> None:
    email = unique_email("office", "programme.example.org")
    journey.server.flask("users", "create-coordinator", email, input=f"{PASSWORD}\n" * 2)
    page = journey.page
    journey.go("/auth/login")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    journey.choose_language("zh_Hant_HK")
    assert journey.t("Log in") != "Log in", "the zh_Hant_HK catalogue lacks 'Log in'"
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(page).to_have_url(journey.server.url + "/auth/login")
    expect(page.locator("h1")).to_have_text(journey.t("Log in"))
    journey.shot("chosen")

    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(page.get_by_role("button", name=journey.t("Account"))).to_be_visible()
    journey.go("/coordinator/employers")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    journey.shot("logged-in")
