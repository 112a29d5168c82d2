"""The LVS text block: fixed lines, no internal-only fields."""

from __future__ import annotations

from datetime import date

from app.desk.export.lvs import LvsRecord


def test_text_block_has_date_author_category_summary_and_agreements() -> None:
    record = LvsRecord(
        day=date(2026, 11, 23),
        student_number="123456",
        student_name="Lotte de Groot",
        class_name="2B",
        location="ZS",
        author="Samira Bakker",
        category="Gesprek met leerling – motivatie",
        summary="Over de lessen gesproken.",
        agreements="Elke vrijdag bijpraten.",
    )
    assert record.text() == (
        "Datum: 23-11-2026\n"
        "Auteur: Samira Bakker (SchoolFit)\n"
        "Categorie: Gesprek met leerling – motivatie\n"
        "\n"
        "Samenvatting:\n"
        "Over de lessen gesproken.\n"
        "\n"
        "Afspraken:\n"
        "Elke vrijdag bijpraten.\n"
    )


def test_without_agreements_the_block_is_left_out() -> None:
    record = LvsRecord(date(2026, 1, 5), "1", "A", "1A", "HK", "B", "C", "D", "")
    assert "Afspraken" not in record.text()
