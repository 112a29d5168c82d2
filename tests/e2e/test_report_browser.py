"""The periodic report in a real Chromium: choose a month from the menu, read the figures with
their charts, edit and save the qualitative text, and no console errors or CSP violations; on a
locatieleider's laptop (1366×768) choose own dates with the picker, find the summary first and
download a PDF whose every word is inside the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from app.core.vocabulary import Role
from app.models import User
from tests import report_helpers as rh
from tests.e2e.browser_helpers import LAPTOP_AGENT, LiveServer, sign_in
from tests.pdf_helpers import pdf_words, words_outside_margins

BOARD_LAPTOP = {"width": 1366, "height": 768}


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
    page.get_by_label("Maand", exact=True).check()
    page.get_by_label("Kies de maand").fill("2026-11")
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


def test_locatieleider_picks_dates_reads_the_summary_and_downloads_a_fitting_pdf(
    browser: Browser,
    live_server: LiveServer,
    world: rh.World,
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    reader = make_user(Role.LOCATIELEIDER, ("ZS",))
    context = browser.new_context(
        viewport=BOARD_LAPTOP,
        user_agent=LAPTOP_AGENT,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        accept_downloads=True,
    )
    errors: list[str] = []
    try:
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, live_server.url, reader.email)
        page.goto(f"{live_server.url}/rapportage/")
        # One kind at a time: the month's field, not the dates' or the school year's.
        expect(page.get_by_label("Kies de maand")).to_be_visible()
        expect(page.get_by_label("Van", exact=True)).to_be_hidden()
        expect(page.get_by_label("Kies het schooljaar")).to_be_hidden()
        expect(page.get_by_role("button", name="Velden voor deze keuze tonen")).to_be_hidden()
        page.get_by_label("Periode van het schooljaar").check()
        expect(page.get_by_label("Kies het schooljaar")).to_be_visible()
        expect(page.get_by_label("Kies de periode")).to_be_visible()
        expect(page.get_by_label("Kies de maand")).to_be_hidden()
        page.get_by_label("Eigen datums").check()
        start, end = page.get_by_label("Van", exact=True), page.get_by_label("Tot en met")
        expect(start).to_be_visible()
        assert start.get_attribute("type") == end.get_attribute("type") == "date"
        start.fill("2026-11-02")  # the picker's value
        end.fill("2026-11-27")
        page.get_by_role("button", name="Rapportage maken").click()
        expect(page).to_have_url(
            f"{live_server.url}/rapportage/bekijk?locatie=ZS&van=2026-11-02&tot=2026-11-27"
        )
        # The summary first, its heading on the first screen, directions in words.
        first = page.locator(".report-section").first
        expect(first).to_have_id("samenvatting")
        expect(page.get_by_role("heading", name="Samenvatting")).to_be_in_viewport()
        expect(first.locator(".report-points")).to_contain_text("hoger dan de vorige periode")
        expect(first).to_contain_text(["2 november 2026", "27 november 2026"][0][:1])
        with page.expect_download() as download_info:
            page.get_by_role("link", name="PDF downloaden").click()
        pdf = tmp_path / "rapportage.pdf"
        download_info.value.save_as(pdf)
        assert pdf.read_bytes()[:5] == b"%PDF-"
        words = pdf_words(pdf)
        assert "Samenvatting" in {w.text for w in words if w.page == 1}
        outside = words_outside_margins(pdf)
        assert outside == [], [(w.page, w.text, round(w.x_max)) for w in outside]
        assert errors == []
    finally:
        context.close()
