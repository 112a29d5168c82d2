import re
from collections.abc import Callable

from flask.testing import FlaskClient

from app.access import find_visible_student, students_visible_to
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Student, User

CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]*"')


def test_rule_sees_only_own_locations(
    make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    user = make_user(Role.MEDEWERKER, ("ZS", "HK"))
    zs = make_student("ZS")
    hk = make_student("HK")
    gl = make_student("GL")
    visible = set(db.session.scalars(students_visible_to(user)))
    assert visible == {zs, hk}
    assert find_visible_student(user, gl.leerlingnummer) is None
    assert find_visible_student(user, hk.leerlingnummer) == hk


def test_other_location_answers_404_like_a_missing_student(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    own = make_student("ZS", first_name="Eigen")
    other = make_student("GL", first_name="Ander")
    assert client.get(f"/leerlingen/{own.leerlingnummer}").status_code == 200
    other_response = client.get(f"/leerlingen/{other.leerlingnummer}")
    missing_response = client.get("/leerlingen/999999999")
    assert other_response.status_code == 404
    assert missing_response.status_code == 404

    # The same page but for the path echoed in the language switch: nothing tells them apart.
    # The CSRF tokens differ when the requests straddle a second (their signature holds the time).
    def comparable(html: str, number: str) -> str:
        return CSRF_VALUE.sub('name="csrf_token" value=""', html.replace(number, "N"))

    other_html = comparable(other_response.get_data(as_text=True), other.leerlingnummer)
    assert other_html == comparable(missing_response.get_data(as_text=True), "999999999")


def test_list_shows_only_own_locations(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    make_student("ZS", last_name="Zichtbaar")
    make_student("GL", last_name="Onzichtbaar")
    html = client.get("/leerlingen/").get_data(as_text=True)
    assert "Zichtbaar" in html
    assert "Onzichtbaar" not in html
    html = client.get("/leerlingen/?q=onzicht").get_data(as_text=True)
    assert "Onzichtbaar" not in html


def test_inactive_students_are_hidden_from_the_list(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    student = make_student("ZS", last_name="Vertrokken")
    student.active = False
    db.session.commit()
    assert "Vertrokken" not in client.get("/leerlingen/").get_data(as_text=True)


def test_every_role_is_bound_by_the_rule(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    other = make_student("GL")
    for role in Role:
        with client.session_transaction() as session:
            session.clear()
        login_as(role, ("ZS",))
        assert client.get(f"/leerlingen/{other.leerlingnummer}").status_code == 404, role


def test_viewing_a_student_is_audited(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    from app.models import AuditEvent

    user = login_as(Role.TEAMLEIDER, ("ZS",))
    student = make_student("ZS")
    client.get(f"/leerlingen/{student.leerlingnummer}")
    events = db.session.scalars(db.select(AuditEvent)).all()
    assert [(e.user_id, e.action, e.object_type, e.student_id) for e in events] == [
        (user.id, "view", "student", student.id)
    ]
    assert events[0].client_address == "127.0.0.1"
