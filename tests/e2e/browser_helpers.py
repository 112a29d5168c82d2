"""What the browser tests share: the viewports, the live server's handle and signing in on the
login page."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from playwright.sync_api import Page

from tests.client_helpers import PASSWORD

# The user agents live with the crawl (integration tests need them without a browser).
from tests.crawl_helpers import LAPTOP_AGENT as LAPTOP_AGENT
from tests.crawl_helpers import PHONE_AGENT as PHONE_AGENT

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 800}


@dataclass
class LiveServer:
    url: str
    app: Flask
    hits: dict[str, int] = field(default_factory=dict)


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("networkidle")
