from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.vocabulary import EntryKind, FlagStatus, FlagType, Role
from app.extensions import db
from app.floor.services import BatchError, accept_entries
from app.models import AuditEvent, Flag, FloorEntry, QuarantinedEntry, Student, User
from tests.client_helpers import login
from tests.db_helpers import count
from tests.floor_helpers import entry, floor_csrf


def post(client: FlaskClient, entries: object, token: str | None = None) -> object:
    headers = {"X-CSRFToken": token or floor_csrf(client)}
    return client.post("/api/floor/entries", json={"entries": entries}, headers=headers)


def test_a_batch_of_every_kind_is_stored(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    zs = locations["ZS"]
    lotte = make_student("ZS", first_name="Lotte")
    amir = make_student("HK", first_name="Amir")
    batch = [
        entry(zs),
        entry(zs, "gesprek", topic="motivatie", students=[lotte.leerlingnummer]),
        entry(zs, "groep", head_count=12, zone="kantine"),
        entry(
            zs,
            "spanning",
            severity="hoog",
            students=[lotte.leerlingnummer, amir.leerlingnummer],
            note="duwen bij de trap",
        ),
        entry(zs, "deescalatie", outcome="doorverwezen"),
        entry(zs, "vlag", flag_type="opvolgen", students=[amir.leerlingnummer], made_offline=True),
    ]
    response = post(client, batch)
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["stored"] * 6
    entries = db.session.scalars(select(FloorEntry).order_by(FloorEntry.id)).all()
    assert [e.kind for e in entries] == [EntryKind(b["kind"]) for b in batch]
    assert entries[0].students == [] and entries[0].staff_id == staff.id
    assert entries[2].head_count == 12 and entries[2].zone.name == "kantine"
    assert {s.id for s in entries[3].students} == {lotte.id, amir.id}
    assert entries[3].note == "duwen bij de trap"
    assert entries[5].made_offline is True
    flag = db.session.scalar(select(Flag))
    assert flag is not None
    assert (flag.student_id, flag.flag_type, flag.status, flag.raised_by_id, flag.entry_id) == (
        amir.id,
        FlagType.OPVOLGEN,
        FlagStatus.OPEN,
        staff.id,
        entries[5].id,
    )
    assert flag.location_id == amir.location_id


def test_retries_are_idempotent(client: FlaskClient, staff: User, locations: dict) -> None:
    batch = [entry(locations["ZS"]) for _ in range(3)]
    token = floor_csrf(client)
    first = post(client, batch, token).get_json()["results"]
    second = post(client, batch, token).get_json()["results"]
    third = post(client, batch[:1] + [entry(locations["ZS"])], token).get_json()["results"]
    assert [r["status"] for r in first] == ["stored"] * 3
    assert [r["status"] for r in second] == ["duplicate"] * 3
    assert [r["status"] for r in third] == ["duplicate", "stored"]
    assert count(FloorEntry) == 4


def test_uuid_case_does_not_make_a_duplicate(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    item = entry(locations["ZS"])
    post(client, [item])
    shouted = {**item, "uuid": item["uuid"].upper()}
    assert post(client, [shouted]).get_json()["results"][0]["status"] == "duplicate"
    assert count(FloorEntry) == 1


def test_one_invalid_entry_is_quarantined_and_the_rest_stored(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    gone = make_student("ZS")
    gone.active = False
    db.session.commit()
    good = [entry(locations["ZS"]), entry(locations["ZS"], "groep", head_count=3)]
    bad = entry(
        locations["ZS"],
        "vlag",
        flag_type="zorg",
        students=[gone.leerlingnummer],
        note="zag er verdrietig uit",
    )
    results = post(client, [good[0], bad, good[1]]).get_json()["results"]
    assert [r["status"] for r in results] == ["stored", "quarantined", "stored"]
    assert "staat niet meer ingeschreven" in results[1]["reason"]
    assert count(FloorEntry) == 2 and count(Flag) == 0
    kept = db.session.scalar(select(QuarantinedEntry))
    assert kept is not None and kept.uuid == bad["uuid"] and kept.staff_id == staff.id
    assert "zag er verdrietig uit" in kept.payload  # nothing is lost
    # A retry of the quarantined entry answers the same, and is not stored twice.
    again = post(client, [bad]).get_json()["results"][0]
    assert again == results[1]
    assert count(QuarantinedEntry) == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"kind": "ruzie"}, "onbekende soort registratie 'ruzie'"),
        ({"zone_id": 999_999}, "onbekende zone"),
        ({"occurred_at": "gisteren"}, "ongeldig tijdstip"),
        ({"occurred_at": "2026-01-01T09:00:00"}, "tijdstip zonder tijdzone"),
        ({"occurred_at": (datetime.now(UTC) + timedelta(hours=2)).isoformat()}, "in de toekomst"),
        (
            {"occurred_at": (datetime.now(UTC) - timedelta(days=30)).isoformat()},
            "ouder dan 21 dagen",
        ),
        ({"note": "x" * 501}, "langer dan 500 tekens"),
        ({"note": 12}, "notitie is geen tekst"),
        ({"kind": "gesprek"}, "onvolledig: onderwerp ontbreekt"),
        ({"kind": "gesprek", "topic": "huiswerk"}, "onbekende onderwerp 'huiswerk'"),
        ({"kind": "groep"}, "onvolledig: aantal leerlingen ontbreekt"),
        ({"kind": "groep", "head_count": 0}, "aantal leerlingen"),
        ({"kind": "groep", "head_count": "5"}, "aantal leerlingen"),
        ({"kind": "spanning", "severity": "extreem"}, "onbekende ernst"),
        ({"kind": "deescalatie"}, "onvolledig: uitkomst ontbreekt"),
        ({"kind": "vlag", "flag_type": "zorg"}, "onvolledig: leerling ontbreekt"),
        ({"kind": "vlag"}, "onvolledig: leerling, soort vlag ontbreken"),
        ({"kind": "vlag", "flag_type": "boos", "students": ["1"]}, "onbekende soort vlag"),
        ({"students": "100"}, "ongeldige leerlingenlijst"),
        ({"students": ["999999"]}, "leerling 999999 hoort niet"),
    ],
)
def test_bad_entries_are_quarantined_with_a_clear_reason(
    client: FlaskClient, staff: User, locations: dict, changes: dict, reason: str
) -> None:
    item = entry(locations["ZS"]) | changes
    result = post(client, [item]).get_json()["results"][0]
    assert result["status"] == "quarantined"
    assert reason in result["reason"]
    assert count(FloorEntry) == 0 and count(QuarantinedEntry) == 1


def test_malformed_uuid_is_kept_too(client: FlaskClient, staff: User, locations: dict) -> None:
    results = post(client, [entry(locations["ZS"]) | {"uuid": "not-a-uuid"}, "garbage"]).get_json()
    assert [r["status"] for r in results["results"]] == ["quarantined", "quarantined"]
    assert results["results"][0]["uuid"] == "not-a-uuid"
    assert count(QuarantinedEntry) == 2


def test_another_locations_student_and_zone_are_refused(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    other = make_student("GL")
    results = post(
        client,
        [
            entry(locations["ZS"], "gesprek", topic="gedrag", students=[other.leerlingnummer]),
            entry(locations["GL"]),
        ],
    ).get_json()["results"]
    assert [r["status"] for r in results] == ["quarantined", "quarantined"]
    assert (
        f"leerling {other.leerlingnummer} hoort niet (meer) bij jouw locaties"
        in results[0]["reason"]
    )
    assert "locatie GL hoort niet (meer) bij jouw account" in results[1]["reason"]
    assert count(FloorEntry) == 0


@pytest.mark.parametrize("body", [{"entries": "x"}, {"entries": None}, {}, []])
def test_unusable_batch_answers_400_and_stores_nothing(
    client: FlaskClient, staff: User, body: object
) -> None:
    response = client.post(
        "/api/floor/entries", json=body, headers={"X-CSRFToken": floor_csrf(client)}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] in {"bad_batch", "bad_request"}
    assert count(QuarantinedEntry) == 0


def test_batch_size_is_limited(client: FlaskClient, staff: User, locations: dict) -> None:
    response = post(client, [entry(locations["ZS"]) for _ in range(101)])
    assert response.status_code == 400
    assert "hoogstens 100" in response.get_json()["message"]
    assert count(FloorEntry) == 0


def test_nul_characters_never_reach_the_database(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    """PostgreSQL refuses NUL in text: they are dropped, the rest is stored or kept as usual."""
    with_nul = entry(locations["ZS"], "spanning", severity="laag", note="ruzie\x00 bij kassa")
    response = post(client, [with_nul, {"uuid": "\x00"}])
    assert response.status_code == 200, response.get_data(as_text=True)
    statuses = [r["status"] for r in response.get_json()["results"]]
    assert statuses == ["stored", "quarantined"]
    stored = db.session.scalar(select(FloorEntry))
    assert stored is not None and stored.note == "ruzie bij kassa"


def test_wrong_content_type(client: FlaskClient, staff: User) -> None:
    response = client.post(
        "/api/floor/entries", data="entries=1", headers={"X-CSRFToken": floor_csrf(client)}
    )
    assert response.status_code == 415


def test_csrf_and_login_are_required(
    client: FlaskClient, locations: dict, make_user: Callable[..., User]
) -> None:
    item = entry(locations["ZS"])
    response = client.post("/api/floor/entries", json={"entries": [item]})
    assert response.status_code == 401
    assert response.get_json()["error"] == "login_required"
    assert client.get("/api/floor/csrf").status_code == 401
    login(client, make_user(Role.MEDEWERKER).email)
    no_token = client.post("/api/floor/entries", json={"entries": [item]})
    assert no_token.status_code == 400 and no_token.get_json()["error"] == "csrf"
    wrong = client.post(
        "/api/floor/entries", json={"entries": [item]}, headers={"X-CSRFToken": "forged"}
    )
    assert wrong.status_code == 400
    assert count(FloorEntry) == 0


@pytest.mark.parametrize("role", [r for r in Role if r != Role.MEDEWERKER])
def test_floor_api_is_for_staff_on_the_floor(
    client: FlaskClient, login_as: Callable[..., User], role: Role
) -> None:
    login_as(role)
    for path in (
        "/api/floor/context",
        "/api/floor/today",
        "/api/floor/students",
    ):
        response = client.get(path)
        assert response.status_code == 403, (role, path)
        assert response.is_json
    # A CSRF token holds no data: every signed-in user may fetch one (the push subscription
    # API of the menu's "Meldingen aan" uses it too).
    assert client.get("/api/floor/csrf").get_json()["token"]


def test_today_lists_only_own_entries_without_notes_or_names(
    client: FlaskClient,
    staff: User,
    locations: dict,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS", first_name="Lotte", last_name="de Groot")
    colleague = make_user(Role.MEDEWERKER, ("ZS",))
    accept_entries(colleague, [entry(locations["ZS"], "contact")])
    db.session.commit()
    post(
        client,
        [
            entry(
                locations["ZS"],
                "spanning",
                severity="middel",
                students=[student.leerlingnummer],
                note="geheim",
            )
        ],
    )
    data = client.get("/api/floor/today").get_json()
    assert len(data["entries"]) == 1
    only = data["entries"][0]
    assert only["kind"] == "spanning" and only["detail"] == "middel"
    assert only["students"] == [{"n": student.leerlingnummer, "i": "L.D.", "c": "2B", "l": "ZS"}]
    raw = client.get("/api/floor/today").get_data(as_text=True)
    assert "geheim" not in raw and "Lotte" not in raw and "Groot" not in raw


def test_student_index_and_search_never_carry_names(
    client: FlaskClient, staff: User, make_student: Callable[..., Student]
) -> None:
    make_student("ZS", first_name="Lotte", last_name="Visser", class_name="2B")
    make_student("HK", first_name="Amir", last_name="Haddou", class_name="3A")
    make_student("GL", first_name="Zoë", last_name="Bakker", class_name="1A")
    index = client.get("/api/floor/students")
    assert {s["i"] for s in index.get_json()["students"]} == {"L.V.", "A.H."}
    found = client.get("/api/floor/students/search?q=lot").get_json()["students"]
    assert [s["i"] for s in found] == ["L.V."]
    assert client.get("/api/floor/students/search?q=zo").get_json()["students"] == []
    for response in (index, client.get("/api/floor/students/search?q=lot")):
        text = response.get_data(as_text=True)
        assert "Lotte" not in text and "Visser" not in text and "Haddou" not in text
        assert response.headers["Cache-Control"] == "no-store"


def test_revealing_a_name_is_audited_and_scoped(
    client: FlaskClient, staff: User, make_student: Callable[..., Student]
) -> None:
    own = make_student("ZS", first_name="Lotte", last_name="Visser")
    other = make_student("GL")
    response = client.get(f"/api/floor/students/{own.leerlingnummer}/name")
    assert response.get_json()["name"] == "Lotte Visser"
    assert client.get(f"/api/floor/students/{other.leerlingnummer}/name").status_code == 404
    events = db.session.scalars(select(AuditEvent)).all()
    assert [(e.action, e.student_id) for e in events] == [("reveal_name", own.id)]


def test_context_lists_own_locations_and_active_zones(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    zone = next(z for z in locations["ZS"].zones if z.name == "fietsenstalling")
    zone.active = False
    db.session.commit()
    data = client.get("/api/floor/context").get_json()
    assert [loc["code"] for loc in data["locations"]] == ["HK", "ZS"]
    zs = next(loc for loc in data["locations"] if loc["code"] == "ZS")
    assert "fietsenstalling" not in [z["name"] for z in zs["zones"]]
    assert zs["zones"][0]["name"] == "aula"


def test_shell_is_public_cacheable_and_free_of_personal_data(
    client: FlaskClient, staff: User, make_student: Callable[..., Student]
) -> None:
    make_student("ZS", first_name="Lotte", last_name="Visser")
    logged_in = client.get("/vloer/")
    assert logged_in.status_code == 200
    assert logged_in.headers["Cache-Control"] == "no-cache"
    html = logged_in.get_data(as_text=True)
    assert staff.name not in html and staff.email not in html and "Lotte" not in html
    assert "csrf" not in html.lower()
    with client.session_transaction() as session:
        session.clear()
    anonymous = client.get("/vloer/").get_data(as_text=True)
    assert anonymous == html  # the same for everybody: safe to cache


def test_pages_with_personal_data_are_no_store(
    client: FlaskClient, staff: User, make_student: Callable[..., Student]
) -> None:
    student = make_student("ZS")
    for path in ("/leerlingen/", f"/leerlingen/{student.leerlingnummer}", "/api/floor/today"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_medewerker_starts_on_the_floor(client: FlaskClient, staff: User) -> None:
    assert (
        client.get("/", headers={"User-Agent": "Mozilla/5.0 (iPhone) Mobile"}).headers["Location"]
        == "/vloer/"
    )


def test_service_worker_is_served_from_the_root_with_a_content_version(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    body = response.get_data(as_text=True)
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "__SHELL_VERSION__" not in body and "__SHELL_URLS__" not in body
    assert '"/vloer/"' in body and '"/static/js/floor/app.js"' in body
    for url in ("/vloer/", "/offline", "/manifest.webmanifest", "/static/js/floor/sync.js"):
        assert client.get(url).status_code == 200, url


def test_manifest(client: FlaskClient) -> None:
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    assert manifest["start_url"] == "/vloer/" and manifest["display"] == "standalone"
    assert manifest["lang"] == "nl"
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_service_direct_batch_error(staff: User) -> None:
    with pytest.raises(BatchError):
        accept_entries(staff, {"not": "a list"})
