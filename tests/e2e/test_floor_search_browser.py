"""The right student on the floor (issue 21, item 4), on a 390×844 and a 375×667 phone: online
search finds names with their tussenvoegsel in any order, the chosen location first and every
result with its location code; offline search works on initials, class and number and says on
screen what it can and cannot find; the chosen student is shown unmistakably, with a way to
change it, before anything is stored."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy import select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import Flag, FloorEntry, Student, User
from tests.e2e.browser_helpers import LiveServer
from tests.e2e.floor_browser_helpers import (
    DUMP_STORAGE,
    PHONE_SIZES,
    expect_sent,
    open_floor,
    phone_page,
    switch_to_english,
    wait_for_service_worker,
)

OFFLINE_NOTE = {
    "nl": "Offline: zoeken op initialen, klas of leerlingnummer — "
    "namen pas weer als je online bent.",
    "en": "Offline: search by initials, class or student number — "
    "names only once you are back online.",
}
sizes = pytest.mark.parametrize("size", PHONE_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    # HK and ZS: the floor opens at HK (the first by code).
    return make_user(Role.MEDEWERKER, ("HK", "ZS"), name="Samira Vloer")


@pytest.fixture
def students(make_student: Callable[..., Student]) -> dict[str, Student]:
    return {
        "de_boer": make_student(
            "ZS", first_name="Sanne", tussenvoegsel="de", last_name="Boer", class_name="2B"
        ),
        "bakker": make_student("HK", first_name="Sanne", last_name="Bakker", class_name="2B"),
        "heuvel": make_student(
            "HK", first_name="Daan", tussenvoegsel="van den", last_name="Heuvel", class_name="3A"
        ),
        "ozdemir": make_student("HK", first_name="Emre", last_name="Özdemir", class_name="1C"),
    }


def options(page: Page) -> list[str]:
    return page.locator("#student-results [role=option]").all_inner_texts()


def fits_width(page: Page, selector: str, width: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


@sizes
def test_online_search_by_surname_with_prefix_and_the_chosen_student_before_storing(
    browser: Browser,
    live_server: LiveServer,
    staff: User,
    students: dict[str, Student],
    size: ViewportSize,
) -> None:
    context, page = phone_page(browser, size)
    try:
        open_floor(page, live_server, staff)
        page.get_by_role("button", name="Vlag").click()
        search = page.get_by_label("Leerling (naam, klas of nummer)")

        # Two S.B. in 2B: the chosen location (HK) first, each with its code and number.
        search.fill("sanne")
        bakker, de_boer = students["bakker"], students["de_boer"]
        expect(page.locator("#student-results [role=option]")).to_have_text(
            [
                f"S.B. · 2B · {bakker.leerlingnummer} · HK",
                f"S.B. · 2B · {de_boer.leerlingnummer} · ZS",
            ]
        )
        expect(page.locator(".twin-note")).to_be_visible()

        for typed, meant in (
            ("Boer, de", de_boer),
            ("de boer", de_boer),
            ("van den heuvel", students["heuvel"]),
            ("Heuvel, van den", students["heuvel"]),
            ("ozdemir", students["ozdemir"]),
        ):
            search.fill(typed)
            expect(page.locator("#student-results [role=option]").first).to_contain_text(
                meant.leerlingnummer
            )

        search.fill("de boer")
        page.get_by_role("option", name=f"S.B. · 2B · {de_boer.leerlingnummer} · ZS").click()
        chosen = page.locator("#student-selected .chosen")
        expect(chosen).to_have_count(1)
        expect(page.locator("#student-chosen-title")).to_be_visible()
        expect(chosen.locator(".chosen-text")).to_have_text(
            f"S.B. · 2B · {de_boer.leerlingnummer} · ZS"
        )
        expect(chosen.locator(".chosen-twin")).to_contain_text("S.B. 2B")  # another S.B. in 2B
        fits_width(page, "#student-selected .chosen", size["width"])

        # Wijzigen: back to the search, nothing chosen, nothing stored.
        chosen.get_by_role("button", name="wijzigen").click()
        expect(chosen).to_have_count(0)
        expect(search).to_be_focused()
        search.fill("bakker")
        page.get_by_role("option", name=f"S.B. · 2B · {bakker.leerlingnummer} · HK").click()
        expect(chosen.locator(".chosen-text")).to_have_text(
            f"S.B. · 2B · {bakker.leerlingnummer} · HK"
        )
        page.get_by_role("button", name="opvolgen").click()
        expect(page.locator("#toast-text")).to_contain_text("Vlag vastgelegd · S.B. 2B")
        expect_sent(page)
        flag = db.session.scalar(select(Flag))
        assert flag is not None and flag.student_id == bakker.id
        body = page.locator("body").inner_text()
        assert "Sanne" not in body and "Bakker" not in body and "Boer" not in body
    finally:
        context.close()


@pytest.mark.parametrize("language", ["nl", "en"])
@sizes
def test_offline_search_by_class_and_number_says_what_it_can_find(
    browser: Browser,
    live_server: LiveServer,
    staff: User,
    students: dict[str, Student],
    size: ViewportSize,
    language: str,
) -> None:
    context, page = phone_page(browser, size)
    try:
        open_floor(page, live_server, staff)
        if language == "en":
            switch_to_english(page, live_server)
        wait_for_service_worker(page)
        context.set_offline(True)
        page.get_by_role("button", name="Gesprek" if language == "nl" else "Conversation").click()
        note = page.locator("#student-offline")
        expect(note).to_be_visible()
        expect(note).to_have_text(OFFLINE_NOTE[language])
        fits_width(page, "#student-offline", size["width"])
        search = page.locator("#student-search")

        search.fill("sanne")  # names are not on the phone
        expect(page.locator("#student-results [role=option]")).to_have_count(0)
        expect(page.locator("#student-results")).to_contain_text(
            "Namen zoeken kan pas weer online"
            if language == "nl"
            else "Searching by name works again"
        )

        search.fill("2b")  # a class: the chosen location (HK) first
        texts = page.locator("#student-results [role=option]")
        expect(texts).to_have_count(2)
        assert options(page)[0].endswith("· HK") and options(page)[1].endswith("· ZS")

        search.fill("s.b. zs")  # initials and a location code
        expect(texts).to_have_count(1)
        expect(texts).to_contain_text(students["de_boer"].leerlingnummer)

        heuvel = students["heuvel"]
        search.fill(heuvel.leerlingnummer)  # a number
        expect(texts).to_have_text([f"D.H. · 3A · {heuvel.leerlingnummer} · HK"])
        texts.first.click()
        chosen = page.locator("#student-selected .chosen")
        expect(chosen.locator(".chosen-text")).to_have_text(
            f"D.H. · 3A · {heuvel.leerlingnummer} · HK"
        )
        page.locator('.chip[data-field="topic"]').first.click()
        page.locator("#save-button").click()
        expect(page.locator("#entry-sheet")).not_to_be_visible()
        stored = page.evaluate(DUMP_STORAGE)
        assert "Heuvel" not in stored and "Daan" not in stored and "Sanne" not in stored

        context.set_offline(False)
        page.locator("#sync-status").click()
        expect_sent(page)
        db.session.expire_all()
        entry = db.session.scalar(select(FloorEntry))
        assert entry is not None and [s.id for s in entry.students] == [heuvel.id]
        assert entry.made_offline is True
        # Back online the note goes and names are found again.
        page.locator(".action[data-kind=gesprek]").click()
        expect(note).to_be_hidden()
        search.fill("van den heuvel")
        expect(page.locator("#student-results [role=option]").first).to_contain_text(
            heuvel.leerlingnummer
        )
    finally:
        context.close()
