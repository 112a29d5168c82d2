"""The pure rules of issue 23, as tables: what alerts whom, backoff and retries, what a push
message may say, the Meldcode access rule, and the DUO melding's follow-up rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.absence.duo_rules import deadline_passed, is_follow_up, reminder_open
from app.access.alerts import may_receive
from app.access.meldcode_rules import MeldcodeAccess, may_signal, meldcode_access
from app.alerts import rules
from app.alerts.keys import b64url_decode, generate_keys, valid_subject
from app.core.vocabulary import AlertKind, Role

R = Role


@pytest.mark.parametrize(
    ("kind", "flag_type", "outcome", "expected"),
    [
        ("vlag", "veiligheid", None, AlertKind.VEILIGHEID),
        ("vlag", "zorg", None, None),
        ("vlag", "thuissituatie", None, None),
        ("deescalatie", None, "doorverwezen", AlertKind.DOORVERWEZEN),
        ("deescalatie", None, "deels", None),
        ("spanning", None, None, None),
        ("contact", None, None, None),
    ],
)
def test_what_alerts(
    kind: str, flag_type: str | None, outcome: str | None, expected: AlertKind | None
) -> None:
    assert rules.floor_alert_kind(kind, flag_type, outcome) == expected


@pytest.mark.parametrize(
    ("role", "kind", "same", "expected"),
    [
        (R.TEAMLEIDER, AlertKind.VEILIGHEID, True, True),
        (R.TEAMLEIDER, AlertKind.VEILIGHEID, False, False),
        (R.TEAMLEIDER, AlertKind.MELDCODE, True, False),
        (R.AANDACHTSFUNCTIONARIS, AlertKind.MELDCODE, True, True),
        (R.AANDACHTSFUNCTIONARIS, AlertKind.DOORVERWEZEN, True, False),
        (R.MEDEWERKER, AlertKind.VEILIGHEID, True, False),
        (R.BEHEER, AlertKind.MELDCODE, True, False),
    ],
)
def test_who_receives(role: Role, kind: AlertKind, same: bool, expected: bool) -> None:
    assert may_receive(role, kind, same) is expected


def test_backoff_grows_and_is_capped() -> None:
    delays = [rules.retry_delay(n) for n in range(1, 9)]
    assert delays[:4] == [timedelta(seconds=s) for s in (5, 15, 45, 135)]
    assert max(delays) == rules.MAX_RETRY and delays == sorted(delays)
    assert not rules.gives_up(rules.MAX_ATTEMPTS - 1) and rules.gives_up(rules.MAX_ATTEMPTS)


@pytest.mark.parametrize(
    ("status", "again"),
    [(None, True), (429, True), (500, True), (503, True), (400, False), (403, False)],
)
def test_which_failures_are_tried_again(status: int | None, again: bool) -> None:
    assert rules.retryable(status) is again
    assert (status in rules.GONE) is False


def test_an_old_entry_is_not_urgent() -> None:
    now = datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert rules.still_urgent(now - timedelta(hours=23), now)
    assert not rules.still_urgent(now - timedelta(hours=25), now)


def test_the_payload_names_only_kind_location_and_link() -> None:
    payload = rules.push_payload(7, AlertKind.MELDCODE, "Nieuw Meldcode-signaal", "HK")
    assert set(payload) == {"kind", "title", "body", "location", "url", "tag"}
    assert payload["body"] == "Nieuw Meldcode-signaal · HK" and payload["url"] == "/meldingen/7"


def test_vapid_keys() -> None:
    keys = generate_keys("mailto:it@school.example")
    assert len(b64url_decode(keys.private_key)) == 32
    public = b64url_decode(keys.public_key)
    assert len(public) == 65 and public[0] == 4
    assert valid_subject("mailto:a@b.nl") and valid_subject("https://school.nl")
    assert not valid_subject("a@b.nl")


FULL = MeldcodeAccess(knows=True, read=True, record=True, manage=True)


@pytest.mark.parametrize(
    ("role", "same", "member", "is_open", "expected"),
    [
        (R.AANDACHTSFUNCTIONARIS, True, False, True, FULL),
        (R.AANDACHTSFUNCTIONARIS, True, False, False, MeldcodeAccess(knows=True, read=True)),
        (R.AANDACHTSFUNCTIONARIS, False, False, True, MeldcodeAccess()),
        (R.MEDEWERKER, True, False, True, MeldcodeAccess(knows=True)),
        (R.MEDEWERKER, True, True, True, MeldcodeAccess(knows=True, read=True, record=True)),
        (R.TEAMLEIDER, True, True, False, MeldcodeAccess(knows=True, read=True)),
        (R.COPA, True, False, True, MeldcodeAccess(knows=True)),
        (R.LOCATIELEIDER, True, True, True, MeldcodeAccess()),
        (R.BEHEER, True, False, True, MeldcodeAccess()),
    ],
)
def test_meldcode_access(
    role: Role, same: bool, member: bool, is_open: bool, expected: MeldcodeAccess
) -> None:
    assert meldcode_access(role, same_location=same, member=member, is_open=is_open) == expected


def test_who_may_record_a_signal() -> None:
    allowed = {r for r in Role if may_signal(r, True)}
    assert allowed == {R.MEDEWERKER, R.TEAMLEIDER, R.COPA, R.AANDACHTSFUNCTIONARIS}
    assert not may_signal(R.MEDEWERKER, False)


@pytest.mark.parametrize(
    ("start", "earlier", "expected"),
    [
        (date(2026, 10, 5), [], False),
        (date(2026, 10, 5), [date(2026, 9, 25)], True),
        (date(2026, 9, 20), [date(2026, 9, 25)], False),  # the same (or a later) window
        (date(2027, 10, 5), [date(2026, 9, 25)], False),  # more than a year ago
    ],
)
def test_a_melding_after_a_melding_is_a_follow_up(
    start: date, earlier: list[date], expected: bool
) -> None:
    assert is_follow_up(start, earlier) is expected


def test_the_reminder_closes_with_the_melding() -> None:
    assert reminder_open("16uur", True, False)
    assert not reminder_open("16uur", True, True)
    assert not reminder_open("16uur", False, False)
    assert not reminder_open("lrv", True, False)


@pytest.mark.parametrize(
    ("due_on", "acknowledged", "passed"),
    [
        (date(2026, 11, 2), False, True),
        (date(2026, 11, 3), False, False),  # due today: not yet passed
        (date(2026, 11, 2), True, False),  # someone dealt with it
        (None, False, False),
    ],
)
def test_a_duo_deadline_has_passed_the_day_after_it_unless_dealt_with(
    due_on: date | None, acknowledged: bool, passed: bool
) -> None:
    assert deadline_passed(due_on, acknowledged, date(2026, 11, 3)) is passed
