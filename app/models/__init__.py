"""Every model, imported here so the metadata (and Alembic) knows every table."""

from app.models.absence import (
    AbsenceCode,
    AbsenceEvaluation,
    AbsenceFigures,
    AbsenceFiguresBasis,
    AbsenceImport,
    AbsenceRecord,
    AbsenceSignal,
    AbsenceUnauthorisedDay,
    DuoMelding,
)
from app.models.account import LoginThrottle, UserIdentity, UserSession
from app.models.alerts import Alert, AlertReceipt, PushOutbox, PushSubscription
from app.models.audit import AuditEvent
from app.models.calendar import NonSchoolPeriod, SchoolYear
from app.models.climate import ClimateCheck
from app.models.desk import (
    CallAttempt,
    CaseNote,
    CaseStatusChange,
    Casus,
    ConversationReport,
    DetentionAttendance,
    DetentionSession,
    EntryTriage,
    Handover,
    HandoverSlot,
    HomeVisit,
    ParentCall,
)
from app.models.digest import DigestDelivery
from app.models.floor import Flag, FloorEntry, QuarantinedEntry, floor_entry_student
from app.models.imports import ImportRun
from app.models.org import BreakTime, Location, User, Zone, user_location
from app.models.pulse import Peiling, PeilingAnswer, PeilingDevice
from app.models.report import FloorTally, FloorZoneTally, ReportMark, ReportText
from app.models.safeguarding import (
    ChainPartner,
    Incident,
    IncidentStudent,
    MeldcodeMember,
    MeldcodeRecord,
    MeldcodeTraject,
    Referral,
)
from app.models.student import Student, StudentImportUpload
from app.models.submission import FormSubmission

__all__ = [
    "Alert",
    "AlertReceipt",
    "ChainPartner",
    "DuoMelding",
    "Incident",
    "IncidentStudent",
    "MeldcodeMember",
    "MeldcodeRecord",
    "MeldcodeTraject",
    "PushOutbox",
    "PushSubscription",
    "Referral",
    "ClimateCheck",
    "AbsenceCode",
    "AbsenceEvaluation",
    "AbsenceFigures",
    "AbsenceFiguresBasis",
    "AbsenceImport",
    "AbsenceRecord",
    "AbsenceSignal",
    "AbsenceUnauthorisedDay",
    "NonSchoolPeriod",
    "SchoolYear",
    "AuditEvent",
    "BreakTime",
    "CallAttempt",
    "CaseNote",
    "CaseStatusChange",
    "Casus",
    "ConversationReport",
    "DetentionAttendance",
    "DetentionSession",
    "DigestDelivery",
    "EntryTriage",
    "Flag",
    "FormSubmission",
    "FloorEntry",
    "FloorTally",
    "FloorZoneTally",
    "Handover",
    "HandoverSlot",
    "HomeVisit",
    "ImportRun",
    "Location",
    "LoginThrottle",
    "ParentCall",
    "Peiling",
    "PeilingAnswer",
    "PeilingDevice",
    "QuarantinedEntry",
    "ReportMark",
    "ReportText",
    "Student",
    "StudentImportUpload",
    "User",
    "UserIdentity",
    "UserSession",
    "Zone",
    "floor_entry_student",
    "user_location",
]
