import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import Student, User
from app.students.importing import ImportNeedsConfirmation, import_students
from app.students.services import ImportRejected
from tests.client_helpers import csrf_token_from
from tests.student_import_helpers import confirmation

HEADER = "leerlingnummer;roepnaam;tussenvoegsel;achternaam;klas;locatie;mentor"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def count_students() -> int:
    return db.session.scalar(select(func.count(Student.id))) or 0


def test_import_creates_updates_and_deactivates(locations: dict) -> None:
    first = import_students(
        csv_bytes(
            "1001;Lotte;;de Groot;2B;ZS;ABC",
            "1002;Amir;;Haddou;2B;ZS;ABC",
            "1003;Jesse;van;Dijk;3A;HK;DEF",
        ),
        "x.csv",
    )
    db.session.commit()
    assert (first.created, first.updated, first.deactivated) == (3, 0, 0)
    second_file = csv_bytes("1001;Lotte;;de Groot;3B;ZS;ABC", "1004;Ilse;;Smit;1A;ZS;")
    # Half of ZS's active students would go: not without a confirmation.
    with pytest.raises(ImportNeedsConfirmation) as caught:
        import_students(second_file, "x.csv")
    assert "ZS: 1 van de 2 actieve leerlingen (50%) worden gedeactiveerd" in caught.value.message
    db.session.rollback()
    assert count_students() == 3
    second = import_students(second_file, "x.csv", confirm=True)
    db.session.commit()
    assert (second.created, second.updated, second.deactivated) == (1, 1, 1)
    amir = db.session.scalar(select(Student).where(Student.leerlingnummer == "1002"))
    jesse = db.session.scalar(select(Student).where(Student.leerlingnummer == "1003"))
    assert amir is not None and amir.active is False and amir.left_at is not None
    assert jesse is not None and jesse.active is True  # HK was not in the file
    assert count_students() == 4  # never deleted
    third = import_students(csv_bytes("1002;Amir;;Haddou;2B;ZS;ABC"), "x.csv", full=False)
    assert third.reactivated == 1


def test_somtoday_comma_bom_and_cp1252(locations: dict) -> None:
    header = "leerlingnummer,roepnaam,tussenvoegsel,achternaam,klas,locatie,mentor"
    data = b"\xef\xbb\xbf" + csv_bytes("2001,Zoë,,Öztürk,1A,GL,XYZ", header=header)
    assert import_students(data, "s.csv").created == 1
    magister = csv_bytes(
        "2002;Noël;;Müller;1A;GL;XYZ",
        header="Stamnr;Voornaam;Voorvoegsel;Achternaam;Stamgroep;Vestiging;Mentor",
        encoding="cp1252",
    )
    import_students(magister, "m.csv", full=False)
    student = db.session.scalar(select(Student).where(Student.leerlingnummer == "2002"))
    assert student is not None and student.first_name == "Noël" and student.last_name == "Müller"


def test_xlsx_import(locations: dict) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append([3001, "Sem", None, "Bos", "2A", "VM", "ABC"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_students(buffer.getvalue(), "leerlingen.xlsx").created == 1


def test_bad_rows_change_nothing_and_are_listed(locations: dict) -> None:
    import_students(csv_bytes("1001;Lotte;;de Groot;2B;ZS;ABC"), "x.csv")
    db.session.commit()
    with pytest.raises(ImportRejected) as caught:
        import_students(
            csv_bytes(
                "1001;Lotte;;de Groot;4B;ZS;ABC",  # fine on its own
                "1005;;;Jansen;2B;ZS;ABC",  # no first name
                "1006;Tess;;Vos;2B;XX;ABC",  # unknown location
                "1005;Tess;;Vos;2B;ZS;ABC",  # duplicate number
                "12 34;Tess;;Vos;2B;ZS;ABC",  # bad number
            ),
            "x.csv",
        )
    message = caught.value.message
    assert "Regel 3: roepnaam ontbreekt" in message
    assert "Regel 4: onbekende locatie 'XX'" in message
    assert "Regel 5: leerlingnummer 1005 staat ook op regel 3" in message
    assert "Regel 6: leerlingnummer '12 34' is ongeldig" in message
    db.session.rollback()
    student = db.session.scalar(select(Student).where(Student.leerlingnummer == "1001"))
    assert student is not None and student.class_name == "2B"
    assert count_students() == 1


def test_cli_import(runner: FlaskCliRunner, locations: dict, tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes("1001;Lotte;;de Groot;2B;ZS;ABC"))
    result = runner.invoke(args=["import-students", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 nieuw" in result.output
    path.write_bytes(csv_bytes("1001;Lotte;;de Groot;2B;QQ;ABC"))
    result = runner.invoke(args=["import-students", str(path)])
    assert result.exit_code != 0
    assert "Regel 2: onbekende locatie 'QQ'" in result.output


def upload(client: FlaskClient, data: bytes, filename: str = "export.csv") -> object:
    token = csrf_token_from(client, "/beheer/leerlingen/import")
    return client.post(
        "/beheer/leerlingen/import",
        data={"csrf_token": token, "full": "y", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_upload_page_shows_a_preview_and_imports_after_the_confirmation(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.BEHEER)
    response = upload(client, csv_bytes("1001;Lotte;;de Groot;2B;ZS;ABC"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/beheer/leerlingen/import/voorbeeld"
    assert count_students() == 0  # nothing yet
    preview = client.get("/beheer/leerlingen/import/voorbeeld").get_data(as_text=True)
    assert "Er is nog niets veranderd." in preview
    response = client.post("/beheer/leerlingen/import/bevestigen", data=confirmation(preview))
    assert response.status_code == 302
    assert count_students() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Het bestand is leeg."),
        (
            csv_bytes("1001|Lotte", header="leerlingnummer|roepnaam|achternaam|klas|locatie"),
            "scheidingsteken",
        ),
        (
            csv_bytes("1001;Lotte;ZS", header="leerlingnummer;roepnaam;locatie"),
            "Kolom(men) niet gevonden: achternaam, klas",
        ),
        (
            csv_bytes("1001;Lotte;;de Groot;2B;ZS;A", "1001;Lotte;;de Groot;2B;ZS;A"),
            "staat ook op regel 2",
        ),
        ("leerlingnummer;roepnaam\n1;x\n".encode("utf-16"), "UTF-16"),
        (b"\n\n", "leeg"),
    ],
)
def test_upload_errors_are_clear_and_change_nothing(
    client: FlaskClient, login_as: Callable[..., User], data: bytes, message: str
) -> None:
    login_as(Role.BEHEER)
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_students() == 0


def test_wrong_file_type_is_refused(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.BEHEER)
    response = upload(client, b"%PDF-1.4", "export.pdf")
    assert response.status_code == 400
    assert "Alleen .csv, .txt of .xlsx." in response.get_data(as_text=True)


def test_oversized_upload_is_refused_with_a_message(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.BEHEER)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    big = csv_bytes(*[f"{i};Naam;;Achter;1A;ZS;X" for i in range(100_000)])
    assert len(big) > 2 * 1024 * 1024
    response = upload(client, big)
    assert response.status_code == 413
    assert "te groot (maximaal 2 MB)" in response.get_data(as_text=True)
    assert count_students() == 0
