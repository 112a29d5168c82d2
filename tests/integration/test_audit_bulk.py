"""A page's audit events go in one statement: the statements of a list page must not grow with
the students it shows (on SQLite the ORM sends one INSERT per added event)."""

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit import record_many
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Student, User
from app.models.audit import AuditEvent
from tests.absence_helpers import add_lateness_signal
from tests.statement_count import counted_statements


def test_record_many_writes_each_event_in_one_statement(
    app: object, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    user = make_user(Role.MEDEWERKER, ("ZS",))
    students = [make_student("ZS") for _ in range(5)]
    db.session.commit()
    with counted_statements() as statements:
        written = record_many(
            user,
            "view",
            "absence_signal",
            [(s.leerlingnummer, s) for s in students[:4]] + [("los", students[4].id)],
            detail="x" * 600,
            address="10.0.0.7",
        )
    assert written == 5
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1, statements
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.student_id for e in events] == [s.id for s in students]
    assert [e.object_id for e in events] == [s.leerlingnummer for s in students[:4]] + ["los"]
    assert {(e.user_id, e.action, e.object_type, e.client_address) for e in events} == {
        (user.id, "view", "absence_signal", "10.0.0.7")
    }
    assert all(e.at is not None and len(e.detail) == 500 for e in events)


def test_record_many_of_nothing_sends_nothing(app: object) -> None:
    with counted_statements() as statements:
        assert record_many(None, "view", "digest", []) == 0
    assert statements == []


def add_signals(students: list[Student]) -> None:
    for student in students:
        add_lateness_signal(student.id)
    db.session.commit()


def statements_of_signal_list(client: FlaskClient) -> int:
    client.get("/verzuim/")  # warm caches
    with counted_statements() as statements:
        response = client.get("/verzuim/")
    assert response.status_code == 200
    return len(statements)


def test_signal_list_statements_do_not_grow_with_its_students(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    add_signals([make_student("ZS") for _ in range(2)])
    with_two = statements_of_signal_list(client)
    add_signals([make_student("ZS") for _ in range(10)])
    with_twelve = statements_of_signal_list(client)
    assert with_twelve == with_two
    audited = db.session.scalars(
        select(AuditEvent.student_id).where(AuditEvent.object_type == "absence_signal")
    ).all()
    assert len(audited) == 2 * 2 + 2 * 12  # every request audits every student it shows
