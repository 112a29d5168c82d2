"""The floor's student search (issue 21, item 4): the chosen location first with its code on
every result, names found with or without their tussenvoegsel and accents, in any order, and
only students of the user's own locations; the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Location, Student, User
from tests.statement_count import counted_statements


def search(client: FlaskClient, q: str, location: Location | None = None) -> list[dict]:
    url = f"/api/floor/students/search?q={q}"
    if location is not None:
        url += f"&location={location.id}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()["students"]


def numbers(found: list[dict]) -> list[str]:
    return [s["n"] for s in found]


def test_the_chosen_location_comes_first_and_every_result_shows_its_code(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    # Two students called Esra A., at ZS and at HK: the same initials and class.
    zs = make_student("ZS", first_name="Esra", last_name="Aydın", class_name="2B")
    hk = make_student("HK", first_name="Esra", last_name="Akbulut", class_name="2B")
    at_hk = search(client, "esra", locations["HK"])
    assert numbers(at_hk) == [hk.leerlingnummer, zs.leerlingnummer]
    assert [(s["i"], s["c"], s["l"]) for s in at_hk] == [("E.A.", "2B", "HK"), ("E.A.", "2B", "ZS")]
    at_zs = search(client, "esra", locations["ZS"])
    assert numbers(at_zs) == [zs.leerlingnummer, hk.leerlingnummer]
    # A better match elsewhere still comes after the chosen location's students.
    exact = make_student("ZS", first_name="Esra", last_name="Esra", class_name="1A")
    assert numbers(search(client, "esra", locations["HK"]))[0] == hk.leerlingnummer
    assert exact.leerlingnummer in numbers(search(client, "esra", locations["HK"]))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("boer", "boer"),
        ("de boer", "boer"),
        ("Boer, de", "boer"),
        ("DE BOER", "boer"),
        ("deboer", "boer"),
        ("van den heuvel", "heuvel"),
        ("heuvel", "heuvel"),
        ("Heuvel, van den", "heuvel"),
        ("van den Heuvel", "heuvel"),
        ("'t hart", "hart"),
        ("Hart, 't", "hart"),
        ("t hart", "hart"),
        ("Ozdemir", "ozdemir"),
        ("Özdemir", "ozdemir"),
        ("Eloise", "eloise"),
        ("ÉLOÏSE", "eloise"),
        ("çelik", "celik"),
        ("Celik", "celik"),
        ("o'brien", "obrien"),
        ("obrien", "obrien"),
    ],
)
def test_names_are_found_with_or_without_tussenvoegsel_and_accents(
    client: FlaskClient,
    staff: User,
    locations: dict,
    make_student: Callable[..., Student],
    query: str,
    expected: str,
) -> None:
    made = {
        "boer": make_student("ZS", first_name="Sanne", tussenvoegsel="de", last_name="Boer"),
        "heuvel": make_student(
            "ZS", first_name="Daan", tussenvoegsel="van den", last_name="Heuvel"
        ),
        "hart": make_student("ZS", first_name="Jip", tussenvoegsel="'t", last_name="Hart"),
        "ozdemir": make_student("ZS", first_name="Emre", last_name="Özdemir"),
        "eloise": make_student("HK", first_name="Éloïse", last_name="Martin"),
        "celik": make_student("HK", first_name="Mert", last_name="Çelik"),
        "obrien": make_student("HK", first_name="Liam", last_name="O'Brien"),
        # Near misses that must rank below the name meant.
        "boersma": make_student("ZS", first_name="Dewi", last_name="Boersma"),
        "dennis": make_student("ZS", first_name="Dennis", last_name="Boerhave"),
        "hartman": make_student("ZS", first_name="Tijn", last_name="Hartman"),
    }
    found = search(client, query, locations["ZS"])
    assert found, query
    assert found[0]["n"] == made[expected].leerlingnummer, (query, found)
    text = str(found)
    for student in made.values():  # initials, never names
        assert student.last_name not in text and student.first_name not in text


def test_the_whole_tussenvoegsel_ranks_above_a_word_that_starts_alike(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    dekker = make_student("ZS", first_name="Demi", last_name="Boer")  # "de" starts Demi
    boer = make_student("ZS", first_name="Sanne", tussenvoegsel="de", last_name="Boer")
    assert numbers(search(client, "de boer", locations["ZS"])) == [
        boer.leerlingnummer,
        dekker.leerlingnummer,
    ]


def test_class_and_number_are_searched_too(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    a = make_student("ZS", first_name="Lotte", last_name="Visser", class_name="H2B")
    b = make_student("ZS", first_name="Lars", last_name="Vos", class_name="3A")
    assert numbers(search(client, "h2b")) == [a.leerlingnummer]
    assert numbers(search(client, b.leerlingnummer)) == [b.leerlingnummer]
    assert numbers(search(client, "vos 3a")) == [b.leerlingnummer]


def test_only_students_of_the_users_own_locations_are_found(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    own = make_student("ZS", first_name="Sanne", tussenvoegsel="de", last_name="Boer")
    other = make_student("GL", first_name="Sanne", tussenvoegsel="de", last_name="Boer")
    left = make_student("HK", first_name="Sanne", tussenvoegsel="de", last_name="Boer")
    left.active = False
    db.session.commit()
    # Naming a location the user does not have changes nothing and leaks nothing.
    for location in (None, locations["ZS"], locations["GL"]):
        assert numbers(search(client, "de boer", location)) == [own.leerlingnummer]
    assert search(client, other.leerlingnummer, locations["GL"]) == []
    assert client.get("/api/floor/students/search?q=boer&location=abc").status_code == 400


def test_punctuation_alone_finds_nothing(
    client: FlaskClient, staff: User, make_student: Callable[..., Student]
) -> None:
    make_student("ZS")
    assert search(client, "%%") == []
    assert search(client, "__") == []
    assert search(client, "'.") == []


def test_a_renamed_student_is_found_by_the_new_name(
    client: FlaskClient, staff: User, make_student: Callable[..., Student]
) -> None:
    student = make_student("ZS", first_name="Sanne", last_name="Jansen")
    student.tussenvoegsel = "van der"
    student.last_name = "Wâl"
    db.session.commit()
    assert numbers(search(client, "Wal, van der")) == [student.leerlingnummer]
    assert search(client, "jansen") == []


def test_one_search_is_a_few_statements_whatever_it_finds(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    for index in range(8):
        make_student("ZS" if index % 2 else "HK", first_name="Sanne", last_name=f"Boer{index}")
    client.get("/api/floor/students/search?q=boer")  # the session's own statements settle
    with counted_statements() as statements:
        found = search(client, "boer", locations["HK"])
    assert len(found) == 8
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5, selects
