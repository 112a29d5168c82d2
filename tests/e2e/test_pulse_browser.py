"""The leerlingpeiling in Chromium on a phone: a student answers, and staff share the link."""

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import PeilingAnswer, PeilingDevice, User
from app.pulse.statements import CURRENT_QUESTIONNAIRE, statements_for
from tests.e2e.browser_helpers import LiveServer, sign_in
from tests.pulse_helpers import make_peiling


def test_a_student_answers_once_on_a_phone(
    app: Flask,
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    locations: dict,
    console_errors: list[str],
) -> None:
    teamleider = make_user(Role.TEAMLEIDER, ("ZS",))
    peiling = make_peiling(app, teamleider, locations["ZS"])
    statements = statements_for(CURRENT_QUESTIONNAIRE)
    link = f"{live_server.url}/p/{peiling.code}"

    page.goto(link)  # as after scanning the QR code: no login
    expect(page.get_by_role("heading", name="Hoe is het op school?")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    # No staff service worker on a student's phone.
    assert page.evaluate("navigator.serviceWorker.controller") is None

    # Sending with one statement open shows what is missing, and keeps what was chosen.
    with app.test_request_context():
        texts = [str(s.text) for s in statements]
    groups = [page.get_by_role("group", name=text) for text in texts]
    for group in groups[:-1]:
        group.get_by_text("Mee eens", exact=True).click()
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Je antwoorden zijn nog niet verstuurd.")).to_be_visible()
    expect(groups[-1].get_by_text("Kies een antwoord bij deze uitspraak.")).to_be_visible()
    expect(groups[0].get_by_label("Mee eens", exact=True)).to_be_checked()

    option = groups[-1].locator("label", has_text="Helemaal mee eens")
    box = option.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized tap target
    option.click()
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("heading", name="Bedankt!")).to_be_visible()
    expect(page.get_by_text("Kindertelefoon")).to_be_visible()

    page.goto(link)  # re-open the link on the same phone
    expect(page.get_by_role("heading", name="Al ingevuld")).to_be_visible()
    expect(page.get_by_text("al ingevuld op dit apparaat")).to_be_visible()
    expect(page.get_by_role("button", name="Versturen")).to_have_count(0)

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PeilingDevice)) == 1
    assert db.session.scalar(select(func.count()).select_from(PeilingAnswer)) == len(statements)
    assert live_server.hits.get(f"POST /p/{peiling.code}") == 2
    assert console_errors == []


def test_staff_open_a_peiling_and_print_the_poster(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    locations: dict,
    console_errors: list[str],
) -> None:
    teamleider = make_user(Role.TEAMLEIDER, ("ZS",))
    sign_in(page, live_server.url, teamleider.email)
    page.get_by_role("link", name="Peiling en klimaat").first.click()
    expect(page.get_by_role("heading", name="Leerlingpeilingen")).to_be_visible()
    page.get_by_role("link", name="Nieuwe peiling").click()
    page.get_by_role("button", name="Peiling openen").click()
    expect(page.get_by_text("Peiling geopend.")).to_be_visible()

    qr = page.get_by_role("img", name="QR-code naar")
    expect(qr).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.pulse-qr').naturalWidth > 0")
    link = page.get_by_label("Korte link").input_value()
    assert link.startswith(f"{live_server.url}/p/")

    page.get_by_role("link", name="Poster voor de aula").click()
    expect(page.get_by_role("heading", name="Hoe is het op school?")).to_be_visible()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()  # shown by the script
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Afdrukken")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("img.pulse-poster-qr")).to_be_visible()

    # Closing asks first; dismissing keeps it open, accepting closes it.
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Terug").click()
    # The dialog is the script's; a tap before it ran gets the server's question instead
    # (the integration tests walk that one).
    page.wait_for_load_state()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Peiling nu sluiten").click()
    expect(page.get_by_role("button", name="Peiling nu sluiten")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Peiling nu sluiten").click()
    expect(page.get_by_text("Peiling gesloten.")).to_be_visible()
    expect(page.get_by_role("button", name="Peiling nu sluiten")).to_have_count(0)
    assert console_errors == []


def test_a_made_up_device_token_is_refused_and_replaced_by_the_servers(
    app: Flask,
    page: Page,
    context: BrowserContext,
    live_server: LiveServer,
    make_user: Callable[..., User],
    locations: dict,
    console_errors: list[str],
) -> None:
    teamleider = make_user(Role.TEAMLEIDER, ("ZS",))
    peiling = make_peiling(app, teamleider, locations["ZS"])
    link = f"{live_server.url}/p/{peiling.code}"
    page.goto(link)
    expect(page.get_by_role("heading", name="Hoe is het op school?")).to_be_visible()
    # The phone's cookie swapped for one the client made up (well-formed, as the old ones were).
    cookie = next(c for c in context.cookies() if c["name"] == f"sf_peiling_{peiling.code}")
    context.add_cookies([{**cookie, "value": "A" * 43}])
    for group in page.locator("fieldset.pulse-statement").all():
        group.get_by_text("Mee eens", exact=True).click()
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("geen geldige code van dit apparaat")).to_be_visible()
    expect(
        page.locator("fieldset.pulse-statement").first.get_by_label("Mee eens", exact=True)
    ).to_be_checked()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PeilingAnswer)) == 0
    page.get_by_role("button", name="Versturen").click()  # with the token the server just gave
    expect(page.get_by_role("heading", name="Bedankt!")).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("heading", name="Al ingevuld")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PeilingDevice)) == 1
    assert console_errors == []
