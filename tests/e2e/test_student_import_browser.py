"""The student import in a real Chromium at a laptop viewport: upload, the preview with the
student who has open work, a confirmation that needs the box ticked, and the import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import Student, User
from tests.e2e.browser_helpers import LAPTOP, LiveServer, sign_in
from tests.student_import_helpers import csv_bytes, open_all_work, student_line


def test_upload_preview_and_confirm(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    students = [
        make_student("ZS", leerlingnummer=str(1001 + n), first_name=f"Kind{n}", last_name="Zuid")
        for n in range(20)
    ]
    open_all_work(make_user(Role.MEDEWERKER, ("ZS",)), students[-1])
    lines = [student_line(students[0], roepnaam="Anders")]
    lines += [student_line(s) for s in students[1:-1]]
    export = tmp_path / "leerlingen.csv"
    export.write_bytes(csv_bytes(*lines))
    admin = make_user(Role.BEHEER, ("ZS",))

    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/beheer/leerlingen/import")
    page.get_by_label("Exportbestand (CSV of .xlsx)").set_input_files(str(export))
    page.get_by_role("button", name="Voorbeeld bekijken").click()

    expect(page.get_by_role("heading", name="Voorbeeld van de import")).to_be_visible()
    expect(page.get_by_text("Er is nog niets veranderd.")).to_be_visible()
    work = page.locator("table").filter(has_text="Open werk")
    expect(work).to_contain_text("Kind19 Zuid")
    expect(work).to_contain_text("overdracht wacht op COPA")
    renamed = page.locator("table").filter(has_text="Wordt").first
    expect(renamed).to_contain_text("Anders Zuid (2B, ZS)")
    expect(page.get_by_role("alert")).to_contain_text("1 leerling(en) met lopend werk")

    # Without the box ticked nothing happens.
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("Vink aan dat u de leerlingen met lopend werk")).to_be_visible()
    assert db.session.scalar(select(Student).where(Student.leerlingnummer == "1020")).active

    page.get_by_label(
        "Ik heb de leerlingen met lopend werk en de aantallen per locatie gezien"
    ).check()
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("Import klaar: 0 nieuw, 1 bijgewerkt, 18 ongewijzigd")).to_be_visible()
    db.session.expire_all()
    gone = db.session.scalar(select(Student).where(Student.leerlingnummer == "1020"))
    assert gone is not None and gone.active is False
    renamed_student = db.session.scalar(select(Student).where(Student.leerlingnummer == "1001"))
    assert renamed_student is not None and renamed_student.first_name == "Anders"
    assert console_errors == []
