"""The report a locatieleider hands to a board (issue 21, item 12): the one-page summary first
(page and PDF), one number format per language in the page, the PDF and the CSV files, every
word of the PDF inside the page, and the period form with pickers shown one kind at a time."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app.core.vocabulary import Role
from app.models import User
from tests import report_helpers as rh
from tests.pdf_helpers import pdf_words, words_outside_margins

NOVEMBER = "locatie=ZS&van=2026-11-01&tot=2026-11-30"
WHOLE_GROUP = "locatie=alle&van=2026-11-01&tot=2026-11-30"


def _fresh_auth(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["reauth_at"] = int(time.time()) + 3600


def _english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"


def _zs_floor_in(world: rh.World, first: tuple[int, int, int], last: tuple[int, int, int]) -> int:
    from datetime import date

    return sum(
        1 for f in world.floor if f.location == "ZS" and date(*first) <= f.at.date() <= date(*last)
    )


# -- the summary --------------------------------------------------------------------------------


def test_the_page_opens_with_the_summary(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World
) -> None:
    login_as(Role.LOCATIELEIDER, ("ZS",))
    html = client.get(f"/rapportage/bekijk?{NOVEMBER}").get_data(as_text=True)
    # The summary is the first section, before the floor figures.
    assert 0 < html.index('id="samenvatting"') < html.index('id="tabel-vloer-soort"')
    summary = html.split('id="samenvatting"')[1].split("</section>")[0]
    assert "1 oktober 2026 – 31 oktober 2026" in summary  # the previous period, in words
    assert "1 november 2025 – 30 november 2025" in summary  # the same period last year
    # ZS had one floor entry in October and many in November: it moved, in signs and words.
    november = _zs_floor_in(world, (2026, 11, 1), (2026, 11, 30))
    assert f"Vloerregistraties: {november}, ↑ hoger dan de vorige periode (1" in summary
    table = summary.split('id="tabel-samenvatting"')[1].split("</table>")[0]
    assert "↑ hoger" in table
    # A count of students of 1 to 4 reads "<5" in every period (floor entries are staff work).
    for label in ("Leerlingen met een vlag", "Casussen geopend", "Oudercontacten", "Huisbezoeken"):
        row = table.split(f'<th scope="row">{label}</th>')[1].split("</tr>")[0]
        assert not re.search(r'class="num">[1-4]</td>', row), label


def test_the_summary_table_is_a_csv_too(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    _fresh_auth(client)
    rows = _csv(client.get(f"/rapportage/csv/samenvatting?{NOVEMBER}").data, ";")
    assert rows[0] == [
        "Kerncijfer",
        "Deze periode",
        "Vorige periode",
        "Zelfde periode vorig jaar",
        "Verandering t.o.v. vorige periode",
        "Richting",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    november = _zs_floor_in(world, (2026, 11, 1), (2026, 11, 30))
    assert by_name["Vloerregistraties"][1:3] == [str(november), "1"]
    assert by_name["Vloerregistraties"][5] == "↑ hoger"
    absence_rate = by_name["Ongeoorloofde uren per 100 leerlingen per schoolweek"][1]
    assert re.fullmatch(r"\d+,\d", absence_rate), absence_rate


# -- one number format per language -------------------------------------------------------------


def _csv(data: bytes, delimiter: str) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")  # UTF-8 with a BOM: Excel reads the accents right
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_csv_for_dutch_and_english_excel_keeps_its_columns(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    _fresh_auth(client)
    dutch = _csv(client.get(f"/rapportage/csv/vergelijking?{WHOLE_GROUP}").data, ";")
    _english(client)
    english = _csv(client.get(f"/rapportage/csv/vergelijking?{WHOLE_GROUP}").data, ",")
    assert len(dutch[0]) == len(english[0]) == 9
    assert [row[0] for row in dutch[1:]] == [row[0] for row in english[1:]]
    zs_nl = next(row for row in dutch if row[0] == "ZS")
    zs_en = next(row for row in english if row[0] == "ZS")
    entries = _zs_floor_in(world, (2026, 11, 1), (2026, 11, 30)) * 100 / rh.STUDENTS["ZS"]
    assert zs_nl[2] == f"{entries:.1f}".replace(".", ",")
    assert zs_en[2] == f"{entries:.1f}"
    for row in dutch[1:]:
        assert not any(re.fullmatch(r"\d+\.\d+", cell) for cell in row), row
    for row in english[1:]:
        assert not any(re.fullmatch(r"\d+,\d+", cell) for cell in row), row


def test_no_mixed_decimals_on_the_page_or_in_the_pdf(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World, tmp_path: Path
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    _fresh_auth(client)
    for language, wrong, right in (("nl", ".", ","), ("en", ",", ".")):
        decimal, other = rf"\d+{re.escape(right)}\d", rf"\d+{re.escape(wrong)}\d"
        if language == "en":
            _english(client)
        html = client.get(f"/rapportage/bekijk?{WHOLE_GROUP}").get_data(as_text=True)
        cells = re.findall(r'<td class="num">([^<]*)</td>', html)
        assert any(re.fullmatch(decimal, cell) for cell in cells), language
        assert not [cell for cell in cells if re.search(other, cell)], language
        pdf = tmp_path / f"{language}.pdf"
        pdf.write_bytes(client.get(f"/rapportage/pdf?{WHOLE_GROUP}").data)
        words = [w.text for w in pdf_words(pdf)]
        assert any(re.fullmatch(decimal, w) for w in words), language
        assert not [w for w in words if re.fullmatch(other, w)], language
    assert "3 November 2026" not in html  # (the period reads in words in the reader's language)
    assert "1 November 2026 – 30 November 2026" in html


# -- the PDF fits the page ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_word_of_the_pdf_is_inside_the_page(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: rh.World,
    tmp_path: Path,
    language: str,
) -> None:
    """The whole group's report (six locations side by side, the widest table): no word past
    the left or right margin of its page; the summary alone on page 1; the locations' table on
    a landscape page."""
    login_as(Role.BEHEER, ("ZS",))
    _fresh_auth(client)
    if language == "en":
        _english(client)
    pdf = tmp_path / "rapportage.pdf"
    pdf.write_bytes(client.get(f"/rapportage/pdf?{WHOLE_GROUP}").data)
    outside = words_outside_margins(pdf)
    assert outside == [], [(w.page, w.text, round(w.x_max)) for w in outside]
    words = pdf_words(pdf)
    first_page = " ".join(w.text for w in words if w.page == 1)
    summary, observations = (
        ("Samenvatting", "Observaties")
        if language == "nl"
        else (
            "Summary",
            "Observations",
        )
    )
    assert summary in first_page and observations not in first_page
    heading = "Locaties per 100 leerlingen" if language == "nl" else "Locations per 100 students"
    pages = {w.page for w in words if w.text == heading.split()[0]}
    landscape = {w.page for w in words if w.landscape}
    assert pages & landscape, "the locations' table is on a landscape page"
    # Only the wide sections are: the section after the locations' table is portrait again.
    climate = "Klimaat" if language == "nl" else "Climate"
    assert {w.page for w in words if w.text == climate}.isdisjoint(landscape)
    assert not words[0].landscape  # the report itself stays portrait


# -- the period form ------------------------------------------------------------------------------


def test_the_form_has_pickers_and_shows_one_kind_at_a_time(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World
) -> None:
    login_as(Role.LOCATIELEIDER, ("ZS",))
    html = client.get("/rapportage/").get_data(as_text=True)
    assert 'type="month"' in html and html.count('type="date"') == 2
    assert '<fieldset data-period-kinds="maand">' in html  # the default kind, shown
    assert '<fieldset data-period-kinds="anders" hidden>' in html
    assert '<fieldset data-period-kinds="periode schooljaar" hidden>' in html
    # Every field has a default (a choice of kind alone makes a report without JavaScript).
    assert re.search(r'name="van" type="date" value="\d{4}-\d{2}-01"', html)
    assert "<script>" not in html and " style=" not in html
    assert 'src="/static/js/report-period.js"' in html
    # Without JavaScript: the button brings the chosen kind's fields.
    html = client.get("/rapportage/?locatie=ZS&soort=anders&stap=1").get_data(as_text=True)
    assert '<fieldset data-period-kinds="anders">' in html
    assert '<fieldset data-period-kinds="maand" hidden>' in html
    # The picker's value (ISO) and a typed Dutch date are both accepted.
    response = client.get("/rapportage/?locatie=ZS&soort=anders&van=2026-11-03&tot=20-11-2026")
    assert response.headers["Location"].endswith("locatie=ZS&van=2026-11-03&tot=2026-11-20")


@pytest.mark.parametrize(
    ("query", "dutch", "english"),
    [
        (
            "soort=anders&van=31-02-2026&tot=2026-11-01",
            "&#39;31-02-2026&#39; is geen geldige begindatum",
            "&#39;31-02-2026&#39; is not a valid start date",
        ),
        ("soort=anders&van=2026-11-01&tot=", "Vul de einddatum in", "Fill in the end date"),
        (
            "soort=anders&van=2026-11-30&tot=2026-11-01",
            "De begindatum (30-11-2026) ligt na de einddatum (01-11-2026).",
            "The start date (30-11-2026) is after the end date (01-11-2026).",
        ),
        ("soort=maand&maand=november", "is geen maand", "is not a month"),
        ("soort=schooljaar&schooljaar=2026", "is geen schooljaar", "is not a school year"),
    ],
)
def test_bad_dates_get_a_clear_message_in_the_readers_language(
    client: FlaskClient,
    login_as: Callable[..., User],
    query: str,
    dutch: str,
    english: str,
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    response = client.get(f"/rapportage/?locatie=ZS&{query}")
    assert response.status_code == 400 and dutch in response.get_data(as_text=True)
    _english(client)
    response = client.get(f"/rapportage/?locatie=ZS&{query}")
    assert response.status_code == 400 and english in response.get_data(as_text=True)


def test_a_bad_date_in_the_report_address_is_refused_in_english_too(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    _english(client)
    response = client.get("/rapportage/bekijk?locatie=ZS&van=2026-11-31&tot=2026-12-31")
    assert response.status_code == 400
    assert "is not a valid start date" in response.get_data(as_text=True)


# -- who may export what (the matrix of docs/reports.md, for the CSV files too) ------------------


@pytest.mark.parametrize(
    ("role", "own", "other", "whole"),
    [
        (Role.TEAMLEIDER, 200, 404, 404),
        (Role.LOCATIELEIDER, 200, 404, 404),
        (Role.BEHEER, 200, 200, 200),
        (Role.MEDEWERKER, 404, 404, 404),
        (Role.COPA, 404, 404, 404),
    ],
)
def test_csv_and_pdf_follow_the_reading_matrix(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: rh.World,
    role: Role,
    own: int,
    other: int,
    whole: int,
) -> None:
    login_as(role, ("ZS",))
    _fresh_auth(client)
    period = "van=2026-11-01&tot=2026-11-30"
    for code, status in (("ZS", own), ("GL", other), ("alle", whole)):
        assert client.get(f"/rapportage/csv/samenvatting?locatie={code}&{period}").status_code == (
            status
        ), (role, code)
    assert client.get(f"/rapportage/pdf?locatie=GL&{period}").status_code == other
