"""Students answering a peiling: anonymity, one answer per device, bad input, rate limiting."""

from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, inspect, select

from app.core.localtime import local_today
from app.extensions import db, limiter
from app.models import Location, Peiling, PeilingAnswer, PeilingDevice, User
from app.pulse.statements import SCALE_VALUES
from tests.pulse_helpers import (
    KEYS,
    answer_page_token,
    close,
    form_data,
    full_answers,
    make_peiling,
)

USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) PulseTestBrowser/1.0"
STUDENT_ADDRESS = "198.51.100.23"


@pytest.fixture
def peiling(app: Flask, teamleider: User, locations: dict[str, Location]) -> Peiling:
    return make_peiling(app, teamleider, locations["ZS"])


def path_of(peiling: Peiling) -> str:
    return f"/p/{peiling.code}"


def answer(
    client: FlaskClient, peiling: Peiling, answers: dict | None = None, **kwargs: object
) -> object:
    token = answer_page_token(client, path_of(peiling))
    return client.post(path_of(peiling), data=form_data(answers or full_answers(), token), **kwargs)


def stored_answers() -> int:
    return db.session.scalar(select(func.count()).select_from(PeilingAnswer)) or 0


def stored_devices() -> int:
    return db.session.scalar(select(func.count()).select_from(PeilingDevice)) or 0


# -- anonymity ---------------------------------------------------------------------------------


def test_answering_stores_nothing_that_identifies_the_student(
    app: Flask, client: FlaskClient, peiling: Peiling
) -> None:
    token = answer_page_token(client, path_of(peiling))
    device_cookie = client.get_cookie(f"sf_peiling_{peiling.code}", path="/p/")
    assert device_cookie is not None
    device_token = device_cookie.value
    before = datetime.now().astimezone()
    response = client.post(
        path_of(peiling),
        data=form_data(full_answers(5, veilig_pauze=2), token),
        headers={"User-Agent": USER_AGENT},
        environ_base={"REMOTE_ADDR": STUDENT_ADDRESS},
    )
    assert response.status_code == 302

    # The answer table has exactly these columns: nothing about who, where from or when.
    columns = {c["name"]: c for c in inspect(db.engine).get_columns("peiling_answer")}
    assert set(columns) == {"id", "peiling_id", "statement", "value"}
    device_columns = {c["name"] for c in inspect(db.engine).get_columns("peiling_device")}
    assert device_columns == {"peiling_id", "device_hash"}

    rows = db.session.execute(select(PeilingAnswer.__table__)).mappings().all()
    devices = db.session.execute(select(PeilingDevice.__table__)).mappings().all()
    assert len(rows) == len(KEYS) and len(devices) == 1
    assert {r["statement"]: r["value"] for r in rows} == full_answers(5, veilig_pauze=2)
    forbidden = [
        STUDENT_ADDRESS,
        "127.0.0.1",
        USER_AGENT,
        "PulseTestBrowser",
        device_token,
        before.date().isoformat(),
        local_today().isoformat(),
    ]
    for row in [*rows, *devices]:
        for name, value in row.items():
            assert not isinstance(value, datetime | date), (name, value)
            for secret in forbidden:
                assert secret not in str(value), (name, value)
    # Keys are random, not a sequence that tells the order of answering.
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids) and all(len(i) == 32 and not i.isdigit() for i in ids)
    # The register holds a keyed hash: not the token, and not its plain SHA-256 either.
    import hashlib

    stored_hash = devices[0]["device_hash"]
    assert stored_hash != hashlib.sha256(device_token.encode()).hexdigest()
    assert len(stored_hash) == 64
    # Nothing in the register points at answer rows, nothing in the answers at the register.
    assert not ({str(v) for r in rows for v in r.values()} & {stored_hash})


def test_the_device_cookie_is_random_http_only_and_scoped_to_the_pulse(
    client: FlaskClient, peiling: Peiling
) -> None:
    response = client.get(path_of(peiling))
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("sf_peiling_"))
    assert "HttpOnly" in header and "Path=/p/" in header and "SameSite=Lax" in header
    assert "Expires=" in header
    other = client.application.test_client()
    other.get(path_of(peiling))
    first = client.get_cookie(f"sf_peiling_{peiling.code}", path="/p/")
    second = other.get_cookie(f"sf_peiling_{peiling.code}", path="/p/")
    assert first and second and first.value != second.value and len(first.value) >= 40


def test_the_answer_page_is_public_and_never_cached(client: FlaskClient, peiling: Peiling) -> None:
    response = client.get(path_of(peiling))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hoe is het op school?" in html and "anoniem" in html
    assert response.headers["Cache-Control"] == "no-store"
    # No staff service worker or manifest on a student's phone, no inline script.
    assert "js/app.js" not in html and "manifest" not in html
    assert "<script>" not in html and "style=" not in html
    for key in KEYS:
        assert f'name="s_{key}"' in html


# -- one answer per device -----------------------------------------------------------------------


def test_a_second_answer_from_the_same_device_is_refused(
    app: Flask, client: FlaskClient, peiling: Peiling
) -> None:
    token = answer_page_token(client, path_of(peiling))  # the page stays open in a tab
    assert client.post(path_of(peiling), data=form_data(full_answers(), token)).status_code == 302
    assert client.get(f"/p/{peiling.code}/bedankt").status_code == 200
    again = client.get(path_of(peiling))
    assert again.status_code == 200
    assert "al ingevuld" in again.get_data(as_text=True)
    assert 'name="s_' not in again.get_data(as_text=True)  # no form to fill in again
    # Posting anyway (an old tab) is refused with the same message; nothing more stored.
    response = client.post(path_of(peiling), data=form_data(full_answers(1), token))
    assert response.status_code == 409
    assert "al ingevuld" in response.get_data(as_text=True)
    assert stored_answers() == len(KEYS) and stored_devices() == 1


def test_a_new_device_is_accepted(app: Flask, client: FlaskClient, peiling: Peiling) -> None:
    assert answer(client, peiling).status_code == 302
    other_phone = app.test_client()
    assert answer(other_phone, peiling, full_answers(2)).status_code == 302
    assert stored_answers() == 2 * len(KEYS) and stored_devices() == 2


def test_the_same_token_cannot_answer_twice_even_at_the_service(
    app: Flask, peiling: Peiling
) -> None:
    from app.pulse.services import AlreadyAnswered, new_device_token, submit_answers

    token = new_device_token(peiling)
    with app.test_request_context():
        submit_answers(peiling, token, full_answers())
        with pytest.raises(AlreadyAnswered):
            submit_answers(peiling, token, full_answers(1))
    assert stored_devices() == 1 and stored_answers() == len(KEYS)


def test_without_the_device_cookie_nothing_is_stored(client: FlaskClient, peiling: Peiling) -> None:
    token = answer_page_token(client, path_of(peiling))
    client.delete_cookie(f"sf_peiling_{peiling.code}", path="/p/")
    response = client.post(path_of(peiling), data=form_data(full_answers(), token))
    assert response.status_code == 400
    assert "cookies toe" in response.get_data(as_text=True)
    assert stored_answers() == 0
    # A fresh cookie came with the page, so sending again works.
    assert client.get_cookie(f"sf_peiling_{peiling.code}", path="/p/") is not None
    response = client.post(path_of(peiling), data=form_data(full_answers(), token))
    assert response.status_code == 302


def test_a_lower_case_link_leads_to_the_same_peiling(client: FlaskClient, peiling: Peiling) -> None:
    response = client.get(f"/p/{peiling.code.lower()}")
    assert response.status_code == 308
    assert response.headers["Location"].endswith(path_of(peiling))


# -- bad input ------------------------------------------------------------------------------


def test_missing_answers_are_refused_with_a_clear_message(
    client: FlaskClient, peiling: Peiling
) -> None:
    token = answer_page_token(client, path_of(peiling))
    partial = {KEYS[0]: 4, KEYS[1]: 5}
    response = client.post(path_of(peiling), data=form_data(partial, token))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "nog niet verstuurd" in html
    assert html.count("Kies een antwoord bij deze uitspraak.") == len(KEYS) - 2
    assert 'value="4" checked' in html  # what was filled in stays filled in
    assert stored_answers() == 0 and stored_devices() == 0


@pytest.mark.parametrize("bad", ["0", "6", "-1", "99", "vier", "4.5", "1e1", " ", "4\x00"])
def test_out_of_range_values_are_refused(client: FlaskClient, peiling: Peiling, bad: str) -> None:
    token = answer_page_token(client, path_of(peiling))
    answers: dict[str, object] = full_answers()
    answers[KEYS[2]] = bad
    response = client.post(path_of(peiling), data=form_data(answers, token))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    messages = ("Dit antwoord bestaat niet", "Kies een antwoord bij deze uitspraak.")
    if "\x00" in bad:  # refused for every form before it is read (app/errors.py)
        messages = ("De invoer bevat een ongeldig teken",)
    assert any(message in html for message in messages)
    assert stored_answers() == 0 and stored_devices() == 0


def test_the_service_refuses_bad_answers_too(app: Flask, peiling: Peiling) -> None:
    from app.exceptions import DomainError
    from app.pulse.services import new_device_token, submit_answers

    cases = [
        full_answers(6),
        full_answers(0),
        {**full_answers(), "naam": 3},
        {KEYS[0]: 3},
        {**full_answers(), KEYS[0]: True},
        {**full_answers(), KEYS[0]: 2.0},
    ]
    with app.test_request_context():
        for answers in cases:
            with pytest.raises(DomainError):
                submit_answers(peiling, new_device_token(peiling), answers)
            db.session.rollback()
        with pytest.raises(DomainError, match="cookies"):
            submit_answers(peiling, "kort", full_answers())
    assert stored_answers() == 0 and stored_devices() == 0
    assert {value for value in SCALE_VALUES} == {1, 2, 3, 4, 5}


def test_an_unknown_peiling_says_so(client: FlaskClient, locations: dict) -> None:
    for code in ("ABCDEFGH", "nope", "A" * 40, "0O1IL000"):
        response = client.get(f"/p/{code}")
        assert response.status_code == 404
        assert "Deze peiling bestaat niet" in response.get_data(as_text=True)
    assert stored_answers() == 0


def test_posting_to_an_unknown_peiling_stores_nothing(
    client: FlaskClient, peiling: Peiling
) -> None:
    token = answer_page_token(client, path_of(peiling))
    response = client.post("/p/ABCDEFGH", data=form_data(full_answers(), token))
    assert response.status_code == 404
    assert "Deze peiling bestaat niet" in response.get_data(as_text=True)
    assert stored_answers() == 0


def test_a_closed_peiling_takes_no_answers(
    app: Flask, client: FlaskClient, peiling: Peiling, teamleider: User
) -> None:
    token = answer_page_token(client, path_of(peiling))  # page opened before closing
    close(app, teamleider, peiling)
    response = client.post(path_of(peiling), data=form_data(full_answers(), token))
    assert response.status_code == 409
    assert "Deze peiling is gesloten" in response.get_data(as_text=True)
    page = client.get(path_of(peiling))
    assert "Deze peiling is gesloten" in page.get_data(as_text=True)
    assert 'name="s_' not in page.get_data(as_text=True)
    assert stored_answers() == 0


def test_a_peiling_that_has_not_started_or_has_ended_takes_no_answers(
    app: Flask, client: FlaskClient, teamleider: User, locations: dict
) -> None:
    today = local_today()
    upcoming = make_peiling(app, teamleider, locations["ZS"], starts_on=today + timedelta(days=3))
    ended = make_peiling(app, teamleider, locations["HK"], starts_on=today - timedelta(days=20))
    page = client.get(path_of(upcoming)).get_data(as_text=True)
    assert "Deze peiling begint op" in page and 'name="s_' not in page
    page = client.get(path_of(ended)).get_data(as_text=True)
    assert "Deze peiling is afgelopen" in page and 'name="s_' not in page
    # Posting anyway (with a valid CSRF token from an open page) changes nothing.
    open_one = make_peiling(app, teamleider, locations["GL"])
    csrf = answer_page_token(client, path_of(open_one))
    for peiling, text in ((upcoming, "begint op"), (ended, "afgelopen")):
        response = client.post(path_of(peiling), data=form_data(full_answers(), csrf))
        assert response.status_code == 409
        assert text in response.get_data(as_text=True)
    assert stored_answers() == 0


def test_csrf_is_required_on_the_answer_form(client: FlaskClient, peiling: Peiling) -> None:
    client.get(path_of(peiling))
    response = client.post(path_of(peiling), data=form_data(full_answers()))
    assert response.status_code == 400
    assert stored_answers() == 0


# -- rate limiting --------------------------------------------------------------------------


def test_bursts_are_refused_with_a_dutch_message(
    app: Flask, client: FlaskClient, peiling: Peiling
) -> None:
    app.config["PULSE_ANSWER_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        token = answer_page_token(client, path_of(peiling))
        statuses = [
            client.post(path_of(peiling), data=form_data({KEYS[0]: 1}, token)).status_code
            for _ in range(3)
        ]
        assert statuses == [400, 400, 400]
        response = client.post(path_of(peiling), data=form_data(full_answers(), token))
        assert response.status_code == 429
        html = response.get_data(as_text=True)
        assert "Wacht een minuut" in html and "nog niet opgeslagen" in html
        assert 'value="4" checked' in html  # the answers stay on screen
        assert stored_answers() == 0
        # Looking at the page is not limited, and other addresses are not affected.
        assert client.get(path_of(peiling)).status_code == 200
        other = app.test_client()
        other_token = answer_page_token(other, path_of(peiling))
        response = other.post(
            path_of(peiling),
            data=form_data(full_answers(), other_token),
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
        assert response.status_code == 302
    finally:
        limiter.reset()


def test_a_whole_class_on_one_network_is_not_limited_by_default(
    app: Flask, peiling: Peiling
) -> None:
    limiter.reset()
    for _ in range(30):
        phone = app.test_client()
        assert answer(phone, peiling).status_code == 302
    assert stored_devices() == 30
