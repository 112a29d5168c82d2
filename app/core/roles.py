"""Who does what: every set of roles the app checks, named once.

The view decorators (``roles_required``), the menu (``app.navigation``) and the access rules
(``app.access``) all take their roles from here; templates never list roles, they ask
``may_open(endpoint)`` or an access helper. The authorization matrix test reads the decorators.
"""

from __future__ import annotations

from app.core.vocabulary import Role

ALL_ROLES = frozenset(Role)

# The floor screen and its sync API: staff who work in the corridors in the morning.
FLOOR_STAFF = frozenset({Role.MEDEWERKER})
# Desk work on the own floor entries (the inbox).
DESK_STAFF = frozenset({Role.MEDEWERKER})
# Roles that work on cases: open them, write reports, plan calls and visits, hand over to COPA.
CASE_WORKERS = frozenset({Role.MEDEWERKER, Role.TEAMLEIDER})
# Roles that may read cases at all (COPA only the ones handed over to it).
CASE_READERS = CASE_WORKERS | {Role.COPA}
# Who may go on a home visit or supervise the detention class.
VISIT_STAFF = frozenset({Role.MEDEWERKER, Role.TEAMLEIDER, Role.COPA, Role.LOCATIELEIDER})
# Who may configure the weekly handover moments of their locations.
SLOT_MANAGERS = frozenset({Role.TEAMLEIDER, Role.COPA, Role.LOCATIELEIDER, Role.BEHEER})
# Who acknowledges an absence signal (the people who follow it up).
SIGNAL_ACKNOWLEDGERS = CASE_READERS
# Management reading: the daily digest, the periodic report, the pulse results.
MANAGEMENT_READERS = frozenset({Role.TEAMLEIDER, Role.LOCATIELEIDER, Role.BEHEER})
DIGEST_READERS = MANAGEMENT_READERS
REPORT_READERS = MANAGEMENT_READERS
PULSE_READERS = MANAGEMENT_READERS
# Who may open or close a leerlingpeiling.
PULSE_OPENERS = frozenset({Role.TEAMLEIDER, Role.BEHEER})
# Functional management: users, locations, imports, calendar, audit log.
BEHEER = frozenset({Role.BEHEER})
# The digest e-mail goes to these roles of a location.
DIGEST_RECIPIENTS = frozenset({Role.TEAMLEIDER})

# --- safeguarding (issue 23) ---
# Urgent alerts (web push, e-mail fallback): team leaders for floor alerts, the
# aandachtsfunctionaris for Meldcode signals. The alerts page and the push subscription are
# theirs.
ALERT_RECIPIENTS = frozenset({Role.TEAMLEIDER, Role.AANDACHTSFUNCTIONARIS})
FLOOR_ALERT_RECIPIENTS = frozenset({Role.TEAMLEIDER})
MELDCODE_ALERT_RECIPIENTS = frozenset({Role.AANDACHTSFUNCTIONARIS})
# The Meldcode: the aandachtsfunctionaris coordinates (owns trajecten, adds people by name);
# staff who work with students may open one (a signal) and see that one exists.
MELDCODE_COORDINATORS = frozenset({Role.AANDACHTSFUNCTIONARIS})
MELDCODE_SIGNALLERS = CASE_READERS | MELDCODE_COORDINATORS
# Incidents with several students, referrals to chain partners, the DUO melding: case work.
INCIDENT_WORKERS = CASE_WORKERS
REFERRAL_WORKERS = CASE_WORKERS
DUO_RECORDERS = CASE_WORKERS
# The list of chain partners is kept by functional management.
PARTNER_MANAGERS = BEHEER
