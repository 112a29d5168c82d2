"""The report pages, PDF, CSV and the command line: access per role, bad input, suppression in
every output, the audit trail, the editable qualitative text."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import AuditEvent, Location, ReportText, User, Zone
from tests import report_helpers as rh
from tests.client_helpers import csrf_token_from
from tests.csv_helpers import HOSTILE_NAMES, cells, formula_cells

NOVEMBER = "locatie=ZS&van=2026-11-01&tot=2026-11-30"


def _fresh_auth(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["reauth_at"] = int(time.time()) + 3600


# -- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MEDEWERKER, Role.COPA])
def test_other_roles_get_404(
    client: FlaskClient, login_as: Callable[..., User], role: Role
) -> None:
    login_as(role, ("ZS",))
    for path in ("/rapportage/", f"/rapportage/bekijk?{NOVEMBER}", f"/rapportage/pdf?{NOVEMBER}"):
        assert client.get(path).status_code == 404, path
    assert "Rapportage" not in client.get("/").get_data(as_text=True)


def test_signed_out_goes_to_login(client: FlaskClient, locations: dict[str, Location]) -> None:
    response = client.get(f"/rapportage/bekijk?{NOVEMBER}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.TEAMLEIDER, Role.LOCATIELEIDER])
def test_own_location_only(
    client: FlaskClient, login_as: Callable[..., User], locations: dict[str, Location], role: Role
) -> None:
    from app.demo.absence import seed_school_year

    seed_school_year("2026-2027")
    db.session.commit()
    login_as(role, ("ZS",))
    page = client.get("/rapportage/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="ZS"' in html and 'value="GL"' not in html and 'value="alle"' not in html
    assert client.get(f"/rapportage/bekijk?{NOVEMBER}").status_code == 200
    other = client.get("/rapportage/bekijk?locatie=GL&van=2026-11-01&tot=2026-11-30")
    unknown = client.get("/rapportage/bekijk?locatie=QQ&van=2026-11-01&tot=2026-11-30")
    assert other.status_code == unknown.status_code == 404
    assert "Onbekende locatie: &#39;GL&#39;" in other.get_data(as_text=True)
    assert "Onbekende locatie: &#39;QQ&#39;" in unknown.get_data(as_text=True)
    whole = client.get("/rapportage/bekijk?locatie=alle&van=2026-11-01&tot=2026-11-30")
    assert whole.status_code == 404


def test_beheer_sees_every_location_and_the_whole_group(
    client: FlaskClient, login_as: Callable[..., User], locations: dict[str, Location]
) -> None:
    login_as(Role.BEHEER, ("HK",))  # beheer: every location, whatever it is assigned to
    html = client.get("/rapportage/").get_data(as_text=True)
    assert 'value="alle"' in html and 'value="GL"' in html
    assert (
        client.get("/rapportage/bekijk?locatie=GL&van=2026-11-01&tot=2026-11-30").status_code == 200
    )
    whole = client.get("/rapportage/bekijk?locatie=alle&van=2026-11-01&tot=2026-11-30")
    assert whole.status_code == 200
    assert "Hele groep" in whole.get_data(as_text=True)


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("locatie=ZS&soort=anders&van=2026-11-30&tot=2026-11-01", 400, "ligt na de einddatum"),
        (
            "locatie=ZS&soort=anders&van=30-02-2026&tot=2026-11-01",
            400,
            "is geen geldige begindatum",
        ),
        ("locatie=ZS&soort=anders&van=&tot=2026-11-01", 400, "Vul de begindatum in"),
        ("locatie=ZS&soort=maand&maand=2026-13", 400, "is geen maand"),
        ("locatie=ZS&soort=schooljaar&schooljaar=2026", 400, "is geen schooljaar"),
        ("locatie=ZS&soort=periode&schooljaar=2026-2027&periode=4", 400, "periode 1, 2 of 3"),
        ("locatie=ZS&soort=anders&van=2025-01-01&tot=2026-11-01", 400, "hoogstens een jaar"),
        ("locatie=XX&soort=maand&maand=2026-11", 404, "Onbekende locatie: &#39;XX&#39;"),
    ],
)
def test_bad_input_gives_a_clear_dutch_message(
    client: FlaskClient,
    login_as: Callable[..., User],
    query: str,
    status: int,
    message: str,
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    response = client.get(f"/rapportage/?{query}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_the_form_resolves_month_term_and_year(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.LOCATIELEIDER, ("ZS",))
    cases = {
        "soort=maand&maand=2026-11": "van=2026-11-01&tot=2026-11-30",
        "soort=periode&schooljaar=2026-2027&periode=2": "van=2026-12-01&tot=2027-03-31",
        "soort=schooljaar&schooljaar=2026-2027": "van=2026-08-01&tot=2027-07-31",
        "soort=anders&van=03-11-2026&tot=2026-11-20": "van=2026-11-03&tot=2026-11-20",
    }
    for query, target in cases.items():
        response = client.get(f"/rapportage/?locatie=ZS&{query}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/rapportage/bekijk?locatie=ZS&{target}")


# -- the page, PDF and CSV on the synthetic world ---------------------------------------------


def test_page_shows_figures_with_suppression_and_is_audited(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World
) -> None:
    user = login_as(Role.TEAMLEIDER, ("ZS",))
    response = client.get(f"/rapportage/bekijk?{NOVEMBER}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Charts are SVG with a title and a description, the numbers in a table beside them.
    assert html.count('<svg class="report-chart"') >= 5
    assert re.search(r"<title id=\"[\w-]+-title\">", html) and "<desc id=" in html
    assert 'id="tabel-casussen-status"' in html
    # 2 cases preventief at the end of November: "<5", never "2".
    status_table = html.split('id="tabel-casussen-status"')[1].split("</table>")[0]
    assert "&lt;5" in status_table
    assert not re.search(r'class="num">[1-4]</td>', status_table)
    # The association, plainly labelled.
    assert "samenhang, geen bewijs van effect" in html
    # No student's name or number on the page.
    for student in world.students["ZS"]:
        assert student.last_name not in html
        assert not re.search(rf"\b{student.leerlingnummer}\b", html)
    assert "<script>" not in html and " style=" not in html  # CSP: nothing inline
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.user_id == user.id, AuditEvent.object_type == "report")
    )
    assert event is not None and event.action == "view"
    assert event.object_id == "ZS 2026-11-01..2026-11-30"


def test_pdf_renders_and_converts_to_png(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World, tmp_path: Path
) -> None:
    user = login_as(Role.LOCATIELEIDER, ("ZS",))
    _fresh_auth(client)
    response = client.get(f"/rapportage/pdf?{NOVEMBER}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data[:5] == b"%PDF-"
    assert "rapportage-ZS-2026-11-01-2026-11-30.pdf" in response.headers["Content-Disposition"]
    pdf = tmp_path / "rapportage.pdf"
    pdf.write_bytes(response.data)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed: scripts/ensure-system-deps.sh"
    subprocess.run(
        [pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 1000 for p in pages)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert "Periodieke rapportage" in text and "<5" in text
    actions = db.session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.user_id == user.id, AuditEvent.action == "export"
        )
    ).all()
    assert actions == ["pdf"]


def test_exports_ask_for_the_password_again(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    with client.session_transaction() as session:
        session["reauth_at"] = 0
    response = client.get(f"/rapportage/pdf?{NOVEMBER}")
    assert response.status_code == 302 and "/herbevestigen" in response.headers["Location"]


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_per_table_with_suppression(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    _fresh_auth(client)
    response = client.get(f"/rapportage/csv/oudercontact?{NOVEMBER}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = dict(_csv_rows(response.data)[1:])
    assert rows["Oudercontacten (taken aangemaakt)"] == "6"
    assert rows["Bereikt (gesproken of teruggebeld)"] == "<5"  # 4 parents reached
    assert rows["Tolk nodig"] == "<5"
    assert rows["Aandeel bereikt"] == "67%"
    kinds = _csv_rows(client.get(f"/rapportage/csv/vloer-soort?{NOVEMBER}").data)
    assert kinds[0] == ["Soort", "Aantal"]
    total = sum(
        1 for f in world.floor if f.location == "ZS" and rh.PERIOD[0] <= f.at.date() <= rh.PERIOD[1]
    )
    assert kinds[-1] == ["Totaal", str(total)]
    assert client.get(f"/rapportage/csv/bestaat-niet?{NOVEMBER}").status_code == 404
    details = db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "export").order_by(AuditEvent.id)
    ).all()
    assert details == ["csv oudercontact", "csv vloer-soort"]


def test_csv_neutralises_hostile_zone_names(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World
) -> None:
    """Zone names are typed by beheer and end up in the report's floor table."""
    zones = db.session.scalars(
        select(Zone).join(Location).where(Location.code == "ZS").order_by(Zone.id)
    ).all()
    for zone, name in zip(zones, HOSTILE_NAMES, strict=False):
        zone.name = name[:60]
    db.session.commit()
    login_as(Role.TEAMLEIDER, ("ZS",))
    _fresh_auth(client)
    response = client.get(f"/rapportage/csv/vloer-zone?{NOVEMBER}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and formula_cells(text) == []
    shown = {row[0] for row in cells(text)[1:]}
    assert shown & {f"'{name[:60]}" for name in HOSTILE_NAMES}


def test_qualitative_text_is_edited_saved_and_exported(
    client: FlaskClient, login_as: Callable[..., User], world: rh.World
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get(f"/rapportage/bekijk?{NOVEMBER}").get_data(as_text=True)
    # The draft comes from the marked observations, grouped by theme and location.
    assert "observatie gesprek" in html and "— ZS" in html
    token = csrf_token_from(client, f"/rapportage/bekijk?{NOVEMBER}")
    body = "In november was het rustig in de aula.\nDe kantine vraagt aandacht."
    response = client.post(
        "/rapportage/tekst",
        data={
            "csrf_token": token,
            "locatie": "ZS",
            "van": "2026-11-01",
            "tot": "2026-11-30",
            "body": body,
        },
    )
    assert response.status_code == 302 and "#kwalitatief" in response.headers["Location"]
    saved = db.session.scalar(select(ReportText))
    assert saved is not None and saved.scope == "ZS" and saved.body == body
    _fresh_auth(client)
    pdf = client.get(f"/rapportage/pdf?{NOVEMBER}").data
    assert pdf[:5] == b"%PDF-"
    # Someone else's location: 404, and nothing saved.
    response = client.post(
        "/rapportage/tekst",
        data={"csrf_token": token, "locatie": "GL", "van": "2026-11-01", "tot": "2026-11-30"},
    )
    assert response.status_code == 404
    assert db.session.scalars(select(ReportText)).all() == [saved]


# -- the command line ---------------------------------------------------------------------------


def test_cli_writes_pdf_and_csv(runner: FlaskCliRunner, world: rh.World, tmp_path: Path) -> None:
    out = tmp_path / "rapport.pdf"
    result = runner.invoke(
        args=[
            "report",
            "--location",
            "ZS",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "pdf",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
    folder = tmp_path / "csv"
    result = runner.invoke(
        args=[
            "report",
            "--all",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "csv",
            "--out",
            str(folder),
        ]
    )
    assert result.exit_code == 0, result.output
    from app.reports.presenting import TABLE_NAMES

    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(TABLE_NAMES)
    comparison = _csv_rows((folder / "vergelijking.csv").read_bytes())
    assert [row[0] for row in comparison[1:]] == ["CS", "GL", "HK", "VM", "Wind", "ZS"]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "report").order_by(AuditEvent.id)
    ).all()
    assert [(e.detail, e.client_address, e.user_id) for e in events] == [
        ("cli pdf", "cli", None),
        ("cli csv", "cli", None),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--location", "XX", "--from", "2026-11-01", "--to", "2026-11-30"], "Onbekende locatie"),
        (["--all", "--from", "2026-11-30", "--to", "2026-11-01"], "ligt na de einddatum"),
        (["--all", "--from", "1-11", "--to", "2026-11-30"], "geen geldige begindatum"),
        (["--from", "2026-11-01", "--to", "2026-11-30"], "--location CODE of --all"),
    ],
)
def test_cli_bad_input(
    runner: FlaskCliRunner,
    locations: dict[str, Location],
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    result = runner.invoke(args=["report", *args, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert message in result.output


def test_the_page_speaks_english_when_chosen(
    client: FlaskClient, login_as: Callable[..., User], locations: dict[str, Location]
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get(f"/rapportage/bekijk?{NOVEMBER}").get_data(as_text=True)
    assert "Periodic report" in html and "Outcome indicator" in html
    assert "association, not proof of effect" in html
