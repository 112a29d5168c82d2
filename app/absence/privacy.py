"""Absence data in a subject-access export and in an erasure (app/privacy/subject.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from app.absence.figures import erase_figures
from app.core.sql import rows_affected
from app.extensions import db
from app.models import (
    AbsenceFigures,
    AbsenceRecord,
    AbsenceSignal,
    AbsenceUnauthorisedDay,
    DuoMelding,
    Student,
)
from app.privacy.sections import Section, plain

# The absence tables with a student column, covered by the functions below.
# absence_figures is derived from absence_record (day totals) and goes with it; the access
# export shows the registrations themselves.
# absence_figures and absence_unauthorised_day are derived from the registrations (shown as
# those) and erased with them (erase_figures).
ABSENCE_TABLES = {
    "absence_record",
    "absence_signal",
    "absence_figures",
    "absence_unauthorised_day",
    "duo_melding",
}


def absence_section(student: Student) -> Section:

    records = db.session.scalars(
        select(AbsenceRecord)
        .where(AbsenceRecord.student_id == student.id)
        .order_by(AbsenceRecord.day, AbsenceRecord.slot)
    )
    return Section(
        "verzuim",
        "Verzuimregistraties (uit het leerlingvolgsysteem)",
        [
            {
                "dag": plain(r.day),
                "tot_en_met": plain(r.last_day),
                "lesuur": r.first_hour,
                "tot_lesuur": r.last_hour,
                "begin": plain(r.starts_at),
                "eind": plain(r.ends_at),
                "soort": r.kind,
                "code": r.code,
                "omschrijving": r.description,
                "betekenis": r.category,
                "geoorloofd": r.authorised,
                "geimporteerd_op": plain(r.imported_at),
            }
            for r in records
        ],
    )


def signal_section(student: Student) -> Section:

    signals = db.session.scalars(
        select(AbsenceSignal)
        .where(AbsenceSignal.student_id == student.id)
        .order_by(AbsenceSignal.triggered_on)
    )
    return Section(
        "verzuimsignalen",
        "Verzuimsignalen",
        [
            {
                "signaal": s.rule,
                "variant": s.variant,
                "van": plain(s.window_start),
                "tot_en_met": plain(s.window_end),
                "gesignaleerd_op": plain(s.triggered_on),
                "uren": s.hours,
                "dagen": s.days,
                "ziekmeldingen": s.episodes,
                "aantal": s.count,
                "melden_uiterlijk": plain(s.due_on),
                "actief": s.active,
                "afgehandeld_op": plain(s.acknowledged_at),
                "afgehandeld_door": s.acknowledged_by.name if s.acknowledged_by else "",
                "notitie": s.acknowledgement_note,
            }
            for s in signals
        ],
    )


def duo_section(student: Student) -> Section:
    meldingen = db.session.scalars(
        select(DuoMelding)
        .where(DuoMelding.student_id == student.id)
        .order_by(DuoMelding.reported_on)
    )
    return Section(
        "duo_meldingen",
        "Meldingen bij DUO (verzuimloket)",
        [
            {
                "gemeld_op": plain(m.reported_on),
                "door": m.reported_by.name if m.reported_by else "",
                "kenmerk": m.reference,
                "van": plain(m.window_start),
                "tot_en_met": plain(m.window_end),
                "uren": m.hours,
                "vervolgmelding": m.follow_up,
                "leerplichtambtenaar": m.leerplicht_contact,
                "contact_op": plain(m.contacted_on),
                "verzuimgesprek_op": plain(m.conversation_on),
                "verzuimgesprek": m.conversation_note,
            }
            for m in meldingen
        ],
    )


def erase_absence(student: Student) -> int:
    """Delete the student's absence registrations, signals and DUO meldingen."""
    rows_affected(delete(DuoMelding).where(DuoMelding.student_id == student.id))
    signals = rows_affected(delete(AbsenceSignal).where(AbsenceSignal.student_id == student.id))
    records = rows_affected(delete(AbsenceRecord).where(AbsenceRecord.student_id == student.id))
    erase_figures([student.id])
    return (signals or 0) + (records or 0)


def purge_absence_of_leavers(cutoff: datetime, dry_run: bool) -> int:
    """Retention (docs/privacy.md: absence data 5 years after the student leaves): delete the
    registrations and signals of students who left before ``cutoff``. Shaped as an
    ``app.privacy.retention.RetentionRule.apply``; returns the number of rows (to be) deleted."""
    leavers = select(Student.id).where(Student.left_at.is_not(None), Student.left_at < cutoff)
    total = 0
    if not dry_run:  # derived from the registrations: not counted as rows of their own
        for derived in (AbsenceFigures, AbsenceUnauthorisedDay):
            db.session.execute(delete(derived).where(derived.student_id.in_(leavers)))
    for model in (DuoMelding, AbsenceSignal, AbsenceRecord):
        condition = model.student_id.in_(leavers)
        if dry_run:
            total += (
                db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
            )
        else:
            total += rows_affected(delete(model).where(condition))
    return total
