from collections import Counter
from datetime import date

from app.absence.charts import bar_chart
from app.absence.counting import Registration
from app.absence.rules import evaluate_student
from app.absence.settings import RuleSettings, load_default_codes
from app.core.schoolcalendar import HOLIDAYS_2026_2027_ZUID, SchoolCalendar
from app.demo.synthetic_absence import MAGISTER_HEADER, generate, magister_csv, profiles_for

CALENDAR = SchoolCalendar.simple(
    ["2026-2027"], [(p.starts_on, p.ends_on, p.name) for p in HOLIDAYS_2026_2027_ZUID]
)
YEAR = (date(2026, 8, 1), date(2027, 7, 31))
STUDENTS = [str(n) for n in range(700001, 700201)]


def test_generator_is_deterministic_and_stays_on_school_days() -> None:
    first = generate(STUDENTS, CALENDAR, *YEAR, seed=7)
    again = generate(list(reversed(STUDENTS)), CALENDAR, *YEAR, seed=7)
    assert first == again
    assert first != generate(STUDENTS, CALENDAR, *YEAR, seed=8)
    assert all(CALENDAR.is_school_day(row.day) for row in first)
    assert [r.day for r in first] == sorted(r.day for r in first)
    # A year of data: a few dozen registrations per student on average.
    assert 20 * len(STUDENTS) < len(first) < 100 * len(STUDENTS)
    assert {row.code for row in first} <= set(load_default_codes())


def test_profiles_are_mixed_and_mostly_ordinary() -> None:
    counts = Counter(profiles_for(STUDENTS).values())
    assert counts["gewoon"] > len(STUDENTS) * 0.7
    assert len(counts) >= 5


def test_profiles_produce_the_signals_they_stand_for() -> None:
    profiles = {
        "1": "thuiszitter",
        "2": "langdurig_ziek",
        "3": "laatkomer",
        "4": "maandag",
        "5": "vaak_ziek",
    }
    rows = generate(list(profiles), CALENDAR, *YEAR, profiles=profiles)
    meaning = load_default_codes()
    rules_by_student = {}
    for number in profiles:
        registrations = [
            Registration(
                first_day=r.day,
                category=meaning[r.code].category.value,
                first_hour=r.lesson,
                authorised=meaning[r.code].authorised,
            )
            for r in rows
            if r.leerlingnummer == number
        ]
        findings = evaluate_student(registrations, CALENDAR, YEAR[1], RuleSettings())
        rules_by_student[profiles[number]] = {(f.rule, f.variant) for f in findings}
    assert ("lrv", "") in rules_by_student["thuiszitter"]
    assert ("langdurig_ziek", "") in rules_by_student["langdurig_ziek"]
    assert ("te_laat", "") in rules_by_student["laatkomer"]
    assert ("patroon", "maandag") in rules_by_student["maandag"]
    assert ("frequent_ziek", "") in rules_by_student["vaak_ziek"]


def test_magister_csv() -> None:
    rows = generate(STUDENTS[:5], CALENDAR, *YEAR)
    data = magister_csv(rows)
    lines = data.decode("cp1252").split("\r\n")
    assert lines[0] == MAGISTER_HEADER
    assert len(lines) == len(rows) + 2  # header and the final line ending
    assert lines[1].count(";") == 7


def test_bar_chart_keeps_the_threshold_on_the_chart() -> None:
    chart = bar_chart([(date(2026, 9, 7), 4.0), (date(2026, 9, 14), 20.0)], 16)
    assert chart.threshold_y is not None and 0 < chart.threshold_y < chart.baseline_y
    assert [bar.over for bar in chart.bars] == [False, True]
    assert chart.bars[1].height > chart.bars[0].height
    assert bar_chart([], 16).bars == []
