"""The floor screen on small phones (issue 21, item 5): all six actions within the first screen
without a word broken, and the zone chips below them without desk-only zones."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize

from app.core.vocabulary import Role
from app.models import User
from tests.e2e.browser_helpers import LiveServer
from tests.e2e.floor_browser_helpers import PHONE_SIZES, open_floor, phone_page, switch_to_english

ACTIONS = {
    "nl": ["Contact", "Gesprek", "Groep", "Spanning", "De-escalatie", "Vlag"],
    "en": ["Contact", "Conversation", "Group", "Tension", "De-escalation", "Flag"],
}

# Per action button: where it is, whether its content fits its box, and on how many lines its
# title is drawn (a Range gives one rectangle per line box the text occupies).
MEASURE_ACTIONS = """() => Array.from(document.querySelectorAll('.actions .action')).map((b) => {
  const button = b;
  const title = button.querySelector('.action-title');
  const range = document.createRange();
  range.selectNodeContents(title);
  const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
  const box = button.getBoundingClientRect();
  return {
    text: title.textContent, lines: tops.size, top: box.top, bottom: box.bottom,
    left: box.left, right: box.right,
    overflows: button.scrollWidth > button.clientWidth || title.scrollWidth > title.clientWidth,
  };
})"""


@pytest.fixture
def hk_staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.MEDEWERKER, ("HK",), name="Samira Vloer")


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("size", PHONE_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_six_actions_fit_the_first_screen_and_no_word_breaks(
    browser: Browser,
    live_server: LiveServer,
    hk_staff: User,
    size: ViewportSize,
    language: str,
    tmp_path: Path,
) -> None:
    context, page = phone_page(browser, size)
    try:
        open_floor(page, live_server, hk_staff)
        if language == "en":
            switch_to_english(page, live_server)
        assert page.evaluate("() => window.scrollY") == 0
        actions = page.evaluate(MEASURE_ACTIONS)
        assert [a["text"] for a in actions] == ACTIONS[language]
        for action in actions:
            assert action["top"] >= 0 and action["bottom"] <= size["height"], action
            assert action["left"] >= 0 and action["right"] <= size["width"], action
            assert action["lines"] == 1, action  # "De-/escalatie" would be two
            assert not action["overflows"], action

        # The zone chips sit below the actions (where the thumb reaches), without desk-only zones.
        chips = page.locator("#zones button")
        names = chips.all_inner_texts()
        assert names[:3] == ["aula", "gang", "kantine"]
        assert "huisbezoek" not in names and "telefonisch" not in names
        flag_bottom = page.locator(".action-flag").bounding_box()
        zones_top = page.locator("#zones").bounding_box()
        assert flag_bottom and zones_top
        assert zones_top["y"] >= flag_bottom["y"] + flag_bottom["height"]
        shots = os.environ.get("FLOOR_SCREENSHOTS")
        if shots:  # for looking at them: FLOOR_SCREENSHOTS=/some/dir
            name = f"floor-{size['width']}x{size['height']}-{language}.png"
            page.screenshot(path=str(Path(shots) / name))
    finally:
        context.close()
