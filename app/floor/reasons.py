"""Why the server did not accept an entry from the floor: stored in Dutch with the quarantined
entry (the desk's history reads the same for everyone), shown in the reader's language on the
phone and at the desk (:func:`app.core.stored_text.translated`). They are module constants so
that every template is known as soon as the app is imported, whichever process shows it."""

from __future__ import annotations

from app.core.stored_text import N_

BAD_DAY = N_("ongeldige dag")
BAD_STUDENT_LIST = N_("ongeldige leerlingenlijst (hoogstens %(max)s)")
BAD_STUDENT_NUMBER = N_("ongeldig leerlingnummer '%(value)s'")
BAD_TIME = N_("ongeldig tijdstip '%(value)s'")
BAD_TIME_CUT = N_("ongeldig tijdstip '%(value)s…'")
BAD_VALUE = N_("ongeldige waarde (%(type)s)")
CLIMATE_CHECK = N_("klimaatcheck: %(reason)s")
CLIMATE_WITHOUT_UUID = N_("klimaatcheck zonder geldige uuid")
DAY_OUT_OF_RANGE = N_("dag ligt buiten de afgelopen 21 dagen")
ENTRY_WITHOUT_UUID = N_("registratie zonder geldige uuid")
FIELD_FLAG_TYPE = N_("soort vlag")
FIELD_HEAD_COUNT = N_("aantal leerlingen")
FIELD_KIND = N_("soort registratie")
FIELD_OUTCOME = N_("uitkomst")
FIELD_SEVERITY = N_("ernst")
FIELD_STUDENTS = N_("leerling")
FIELD_TOPIC = N_("onderwerp")
HEAD_COUNT_OUT_OF_RANGE = N_("aantal leerlingen moet tussen 1 en %(max)s liggen")
INCOMPLETE_MANY = N_("onvolledig: %(names)s ontbreken")
INCOMPLETE_ONE = N_("onvolledig: %(names)s ontbreekt")
KEPT_ON_PHONE = N_("de telefoon bewaart de registratie en verstuurt hem later opnieuw")
LOCATION_NOT_YOURS = N_("locatie %(code)s hoort niet (meer) bij jouw account")
NOTE_NOT_TEXT = N_("notitie is geen tekst")
NOTE_TOO_LONG = N_("notitie is langer dan %(max)s tekens")
NOT_KEPT_WITHOUT_UUID = N_("deze registratie zonder geldige uuid is niet bewaard")
NOT_TEXT = N_("bevat tekens die geen tekst zijn")
NOT_TEXT_UNICODE = N_("bevat tekens die geen tekst zijn (ongeldige unicode)")
REFUSED_OPEN = N_(
    "niet in quarantaine genomen: er staan al %(max)s niet-verwerkte registraties "
    "klaar voor het bureau; %(then)s"
)
REFUSED_PER_HOUR = N_(
    "niet in quarantaine genomen: meer dan %(max)s niet-verwerkbare registraties in "
    "het afgelopen uur; %(then)s"
)
STUDENT_LEFT = N_("leerling %(number)s staat niet meer ingeschreven")
STUDENT_NOT_YOURS = N_("leerling %(number)s hoort niet (meer) bij jouw locaties")
TIME_IN_FUTURE = N_("tijdstip ligt in de toekomst (klopt de klok van de telefoon?)")
TIME_MISSING = N_("tijdstip ontbreekt")
TIME_OUT_OF_CALENDAR = N_("tijdstip '%(value)s' ligt buiten het bereik van de kalender")
TIME_WITHOUT_ZONE = N_("tijdstip zonder tijdzone")
TOO_OLD = N_("registratie is ouder dan 21 dagen")
UNKNOWN_RATING = N_("onbekende klimaatscore '%(value)s'")
UNKNOWN_TYPE = N_("onbekende %(what)s (%(type)s)")
UNKNOWN_VALUE = N_("onbekende %(what)s '%(value)s'")
UNKNOWN_ZONE = N_("onbekende zone")
