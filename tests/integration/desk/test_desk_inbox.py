"""The afternoon inbox: this morning's own entries and open flags, grouped by student (nameless
ones by zone); triage actions; quarantined entries; the screened-place confirmation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.vocabulary import FlagStatus, Role
from app.extensions import db
from app.floor.services import accept_entries
from app.models import EntryTriage, Flag, Location, QuarantinedEntry, Student, User
from app.models.types import utcnow
from tests.client_helpers import csrf_token_from
from tests.desk_helpers import confirm_screened, floor_item, log_floor
from tests.statement_count import counted_statements


def test_desk_asks_for_a_screened_place_once_per_session(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    response = client.get("/bureau/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/bureau/afgeschermd?next=/bureau/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "afgeschermde plek" in page
    token = csrf_token_from(client, "/bureau/afgeschermd")
    # Not ticking the box: a clear message, still not confirmed.
    refused = client.post("/bureau/afgeschermd", data={"csrf_token": token, "next": "/bureau/"})
    assert refused.status_code == 400
    assert "Bevestig dat niemand kan meekijken." in refused.get_data(as_text=True)
    assert client.get("/bureau/").status_code == 302
    confirmed = client.post(
        "/bureau/afgeschermd", data={"csrf_token": token, "confirm": "y", "next": "/bureau/"}
    )
    assert confirmed.headers["Location"] == "/bureau/"
    assert client.get("/bureau/").status_code == 200
    # A new session (sign out and in) asks again.
    client.post("/logout", data={"csrf_token": token})
    with client.session_transaction() as session:
        assert "desk_screened_at" not in session


def test_off_site_next_is_ignored(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    token = csrf_token_from(client, "/bureau/afgeschermd")
    response = client.post(
        "/bureau/afgeschermd",
        data={"csrf_token": token, "confirm": "y", "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/bureau/start"


def test_inbox_groups_by_student_and_zone(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    zs = locations["ZS"]
    lotte = make_student("ZS", first_name="Lotte", last_name="Visser")
    amir = make_student("ZS", first_name="Amir", last_name="Haddou")
    log_floor(
        staff,
        floor_item(zs, "vlag", students=(lotte.leerlingnummer,), note="zat te huilen"),
        floor_item(zs, "gesprek", topic="motivatie", students=(amir.leerlingnummer,)),
        floor_item(zs, "contact", zone="kantine"),
        floor_item(zs, "groep", zone="kantine", head_count=8),
        floor_item(zs, "spanning", zone="gang", severity="hoog", note="duwen bij de trap"),
    )
    # A colleague's entries are not in my inbox.
    colleague = make_user(Role.MEDEWERKER, ("ZS",))
    log_floor(
        colleague,
        floor_item(zs, "vlag", students=(amir.leerlingnummer,), note="notitie-van-een-ander"),
    )

    html = client.get("/bureau/").get_data(as_text=True)
    assert "Lotte Visser" in html and "Amir Haddou" in html
    assert "zat te huilen" in html and "duwen bij de trap" in html
    assert "notitie-van-een-ander" not in html
    # The nameless contact and group moment need no follow-up: counted, not items to work.
    assert "3 te verwerken" in html
    assert "1 contact, 1 groepsmoment (8 leerlingen)" in html
    # Flagged students first, then zones (the tension in the corridor).
    assert html.index("Lotte Visser") < html.index("Amir Haddou") < html.index("duwen bij de trap")
    assert "registraties in kantine afsluiten" not in html
    assert "Open vlag" in html


def test_open_flags_of_earlier_days_stay_in_the_inbox(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS", first_name="Fenna", last_name="Mulder")
    log_floor(
        staff,
        floor_item(
            locations["ZS"],
            students=(student.leerlingnummer,),
            minutes_ago=3 * 24 * 60,
            note="oude vlag",
        ),
    )
    html = client.get("/bureau/").get_data(as_text=True)
    assert "Fenna Mulder" in html and "oude vlag" in html and "eerdere dag" in html
    # ...and the day it came from is listed as not yet worked out.
    assert "Nog niet verwerkt van eerdere dagen" in html


def test_close_with_a_reason_handles_the_flag(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    (entry,) = log_floor(staff, floor_item(locations["ZS"], students=(student.leerlingnummer,)))
    # Empty reason: a clear message, nothing stored.
    response = client.post(
        f"/bureau/inbox/{entry.id}/afsluiten", data={"csrf_token": token, "reason": "  "}
    )
    assert response.status_code == 302
    assert "Geef kort aan waarom." in client.get("/bureau/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EntryTriage)) == 0
    # Too long: refused too.
    client.post(
        f"/bureau/inbox/{entry.id}/afsluiten", data={"csrf_token": token, "reason": "x" * 201}
    )
    assert "Hoogstens 200 tekens." in client.get("/bureau/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EntryTriage)) == 0

    response = client.post(
        f"/bureau/inbox/{entry.id}/afsluiten",
        data={"csrf_token": token, "reason": "opgelost op de vloer", "next": "/bureau/"},
    )
    assert response.headers["Location"] == f"/bureau/#item-e{entry.id}"
    triage = db.session.scalar(select(EntryTriage))
    assert triage is not None and triage.close_reason == "opgelost op de vloer"
    assert triage.done_by_id == staff.id and triage.outcome is not None
    flag = db.session.scalar(select(Flag))
    assert flag is not None and flag.status == FlagStatus.AFGEHANDELD
    assert flag.handled_by_id == staff.id and "opgelost op de vloer" in flag.handled_note
    html = client.get("/bureau/").get_data(as_text=True)
    assert "0 te verwerken · 1 verwerkt" in html
    assert "Alles is verwerkt" in html

    # Reopening puts it back, with its flag.
    client.post(f"/bureau/inbox/{entry.id}/heropenen", data={"csrf_token": token})
    assert db.session.get(Flag, flag.id).status == FlagStatus.OPEN
    assert "1 te verwerken" in client.get("/bureau/").get_data(as_text=True)


def test_marks_for_report_and_teamleider_toggle(
    client: FlaskClient, staff: User, token: str, locations: dict[str, Location]
) -> None:
    (entry,) = log_floor(staff, floor_item(locations["ZS"], "contact", note="rustige aula"))
    client.post(f"/bureau/inbox/{entry.id}/markeer/rapportage", data={"csrf_token": token})
    client.post(f"/bureau/inbox/{entry.id}/markeer/teamleider", data={"csrf_token": token})
    triage = db.session.scalar(select(EntryTriage))
    assert triage is not None and triage.for_report and triage.for_teamleider
    assert triage.for_report_at is not None and triage.done_at is None
    client.post(f"/bureau/inbox/{entry.id}/markeer/teamleider", data={"csrf_token": token})
    triage = db.session.scalar(select(EntryTriage))
    assert triage is not None and not triage.for_teamleider and triage.for_teamleider_at is None
    assert (
        client.post(
            f"/bureau/inbox/{entry.id}/markeer/iets", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_bulk_close_of_nameless_entries(
    client: FlaskClient, staff: User, token: str, locations: dict[str, Location]
) -> None:
    entries = log_floor(
        staff,
        floor_item(locations["ZS"], "contact", zone="kantine"),
        floor_item(locations["ZS"], "contact", zone="kantine"),
    )
    response = client.post(
        "/bureau/inbox/afsluiten",
        data={
            "csrf_token": token,
            "reason": "geen vervolg nodig",
            "entry": [str(e.id) for e in entries],
        },
    )
    assert response.status_code == 302
    done = db.session.scalars(select(EntryTriage).where(EntryTriage.done_at.is_not(None))).all()
    assert len(done) == 2


def test_actions_on_someone_elses_entry_answer_404(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_user: Callable[..., User],
) -> None:
    colleague = make_user(Role.MEDEWERKER, ("ZS",))
    (entry,) = log_floor(colleague, floor_item(locations["ZS"], "contact"))
    for path in (
        f"/bureau/inbox/{entry.id}/afsluiten",
        f"/bureau/inbox/{entry.id}/heropenen",
        f"/bureau/inbox/{entry.id}/markeer/rapportage",
    ):
        assert client.post(path, data={"csrf_token": token, "reason": "x"}).status_code == 404
    # Bulk close refuses the whole request when one entry is not mine.
    mine = log_floor(staff, floor_item(locations["ZS"], "contact"))[0]
    client.post(
        "/bureau/inbox/afsluiten",
        data={"csrf_token": token, "reason": "x", "entry": [str(mine.id), str(entry.id)]},
    )
    assert db.session.scalar(select(func.count()).select_from(EntryTriage)) == 0


def test_quarantined_entries_appear_and_can_be_resolved(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
) -> None:
    accept_entries(staff, [floor_item(locations["ZS"], "vlag", students=("999999",))])
    db.session.commit()
    item = db.session.scalar(select(QuarantinedEntry))
    assert item is not None
    html = client.get("/bureau/").get_data(as_text=True)
    assert "Niet verwerkt bij het versturen" in html
    assert item.reason in html and "999999" in html
    response = client.post(
        f"/bureau/quarantaine/{item.id}", data={"csrf_token": token, "resolution": ""}
    )
    assert db.session.get(QuarantinedEntry, item.id).resolved_at is None
    response = client.post(
        f"/bureau/quarantaine/{item.id}",
        data={"csrf_token": token, "resolution": "leerling zit op HK, doorgegeven"},
    )
    assert response.status_code == 302
    resolved = db.session.get(QuarantinedEntry, item.id)
    assert resolved.resolved_at is not None and resolved.resolved_by_id == staff.id
    assert "Niet verwerkt bij het versturen" not in client.get("/bureau/").get_data(as_text=True)


def test_inbox_is_for_staff_only(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    confirm_screened(client)
    assert client.get("/bureau/").status_code == 403


def test_inbox_day_parameter(client: FlaskClient, staff: User) -> None:
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    assert client.get(f"/bureau/?dag={yesterday}").status_code == 200
    assert client.get("/bureau/?dag=2001-01-01").status_code == 404
    assert client.get("/bureau/?dag=morgen").status_code == 404


def test_inbox_query_count_does_not_grow_with_rows(
    app: Flask,
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    zs = locations["ZS"]

    def add(n: int) -> None:
        students = [make_student("ZS") for _ in range(n)]
        log_floor(
            staff,
            *[floor_item(zs, "vlag", students=(s.leerlingnummer,)) for s in students],
            *[floor_item(zs, "contact", zone="gang") for _ in range(n)],
        )

    add(2)
    with counted_statements() as few:
        assert client.get("/bureau/").status_code == 200
    add(12)
    with counted_statements() as many:
        html = client.get("/bureau/").get_data(as_text=True)
    assert "14 te verwerken" in html and "14 contacten" in html
    assert len(many) == len(few), "\n".join(many)
    assert 5 <= len(few) <= 20


def test_quarantine_payload_is_shown_readably(
    client: FlaskClient, staff: User, locations: dict[str, Location]
) -> None:
    db.session.add(
        QuarantinedEntry(
            uuid=None,
            staff_id=staff.id,
            reason="registratie zonder geldige uuid",
            payload=json.dumps({"kind": "gesprek", "topic": "motivatie", "note": "<b>x</b>"}),
        )
    )
    db.session.commit()
    html = client.get("/bureau/").get_data(as_text=True)
    assert "Gesprek" in html and "motivatie" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert re.search(r"registratie zonder geldige uuid", html)


def test_a_flag_on_two_students_is_handled_per_student(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    from app.core.localtime import local_today
    from app.desk.common import open_case_of

    first = make_student("ZS", first_name="Eerste", last_name="Leerling")
    second = make_student("ZS", first_name="Tweede", last_name="Leerling")
    (entry,) = log_floor(
        staff,
        floor_item(
            locations["ZS"],
            "vlag",
            flag_type="conflict",
            students=(first.leerlingnummer, second.leerlingnummer),
        ),
    )
    url = f"/bureau/leerling/{first.leerlingnummer}/verslag/nieuw?melding={entry.id}"
    client.post(
        url,
        data={
            "csrf_token": token,
            "held_on": local_today().isoformat(),
            "with_whom": ["leerling"],
            "topics": ["gedrag"],
            "summary": "ruzie uitgepraat",
        },
    )
    flags = {f.student_id: f.status for f in db.session.scalars(select(Flag))}
    assert flags == {first.id: FlagStatus.AFGEHANDELD, second.id: FlagStatus.OPEN}
    html = client.get("/bureau/").get_data(as_text=True)
    open_part = html.split("Verwerkt (")[0]
    # The second student's group is open; the first one's is not (the entry names both).
    assert f'id="g-s{second.id}"' in open_part and f'id="g-s{first.id}"' not in open_part
    # Closing the entry for the second student handles the rest.
    client.post(
        f"/bureau/inbox/{entry.id}/afsluiten", data={"csrf_token": token, "reason": "ook besproken"}
    )
    assert {f.status for f in db.session.scalars(select(Flag))} == {FlagStatus.AFGEHANDELD}
    assert open_case_of(first.id) is None


def test_an_entry_about_two_students_is_one_item_and_nameless_counts_are_counts(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    zs = locations["ZS"]
    bram = make_student("ZS", first_name="Bram", last_name="Aalders")
    cem = make_student("ZS", first_name="Cem", last_name="Bakir")
    (tension,) = log_floor(
        staff,
        floor_item(
            zs,
            "spanning",
            zone="gang",
            severity="middel",
            students=(bram.leerlingnummer, cem.leerlingnummer),
            note="duwen-bij-de-kluisjes",
        ),
    )
    log_floor(
        staff,
        floor_item(zs, "contact", zone="aula"),
        floor_item(zs, "contact", zone="aula"),
        floor_item(zs, "groep", zone="kantine", head_count=6),
        floor_item(zs, "groep", zone="kantine", head_count=4),
    )
    html = client.get("/bureau/").get_data(as_text=True)
    # The tension is one item (under the first student), not a copy per student.
    assert html.count("duwen-bij-de-kluisjes") == 1
    assert html.count(f'data-item-key="e{tension.id}"') == 1
    assert "met 2 leerlingen" in html
    # Nameless contacts and group moments: one line of counts, no items, nothing to work out.
    assert "2 contacten, 2 groepsmomenten (10 leerlingen)" in html
    assert "aula 2, kantine 2" in html
    assert "1 te verwerken" in html
    assert len(re.findall(r'<li class="inbox-item[ "]', html)) == 1
    # A flag on both students is handled per student: one item for each open flag.
    (flag_entry,) = log_floor(
        staff,
        floor_item(zs, "vlag", students=(bram.leerlingnummer, cem.leerlingnummer)),
    )
    html = client.get("/bureau/").get_data(as_text=True)
    assert html.count(f'data-item-key="e{flag_entry.id}"') == 2
