"""The periodic report in a real Chromium: choose a month from the menu, read the figures with
their charts, edit and save the qualitative text, and no console errors or CSP violations."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from app.core.vocabulary import Role
from app.models import User
from tests import report_helpers as rh
from tests.e2e.browser_helpers import LiveServer, sign_in


def test_team_leader_makes_a_month_report_and_writes_the_text(
    page: Page,
    live_server: LiveServer,
    world: rh.World,
    make_user: Callable[..., User],
    console_errors: list[str],
) -> None:
    reader = make_user(Role.TEAMLEIDER, ("ZS",))
    sign_in(page, live_server.url, reader.email)
    page.get_by_role("link", name="Rapportage").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Periodieke rapportage")
    page.get_by_label("Maand (JJJJ-MM)").fill("2026-11")
    page.get_by_label("Maand", exact=True).check()
    page.get_by_role("button", name="Rapportage maken").click()
    expect(page).to_have_url(
        f"{live_server.url}/rapportage/bekijk?locatie=ZS&van=2026-11-01&tot=2026-11-30"
    )
    expect(page.locator(".report-scope")).to_contain_text("1 november 2026 – 30 november 2026")
    # Charts carry an accessible name; the numbers sit in tables beside them.
    expect(page.get_by_role("img", name="Vloerregistraties per soort")).to_be_visible()
    expect(page.locator("#tabel-casussen-status")).to_contain_text("<5")
    expect(page.locator("#uitkomst")).to_contain_text("geen bewijs van effect")

    text = page.get_by_label("Tekst van het kwalitatieve deel")
    assert "observatie gesprek" in text.input_value()
    text.fill("November: rustiger in de aula, de kantine vraagt aandacht.")
    page.get_by_role("button", name="Tekst opslaan").click()
    expect(page.locator(".flash-success")).to_contain_text("opgeslagen")
    expect(page.get_by_label("Tekst van het kwalitatieve deel")).to_have_value(
        "November: rustiger in de aula, de kantine vraagt aandacht."
    )
    assert console_errors == []
