"""Retention periods for the purge tests: one table, so a new rule is added in one place (the
purge asks for every rule's period, and a missing one fails every purge test)."""

from __future__ import annotations

DAYS: dict[str, int] = {
    "anonymous_floor_entries": 730,
    "named_floor_entries": 365,
    "handled_flags": 365,
    "quarantined_entries": 90,
    "climate_checks": 730,
    "closed_cases": 730,
    "desk_records_without_case": 365,
    "students_who_left": 730,
    "absence_of_leavers": 1825,
    "peiling_devices": 0,
    "audit_log": 1825,
    "form_submissions": 2,
    "student_import_uploads": 1,
    "import_reports": 90,
    "alerts": 90,
    "push_subscriptions": 365,
    "closed_meldcode_trajecten": 1825,
    "named_incidents": 365,
    "anonymous_incidents": 730,
    "closed_referrals": 730,
}
