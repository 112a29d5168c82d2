"""The reason-code mapping and the rule settings (add and flush; the view
or command commits)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select, update

from app.absence.figures import forget_figures
from app.absence.settings import (
    CodeMeaning,
    RuleSettings,
    SettingsError,
    authorised_for,
    kind_for,
    load_default_codes,
    load_rule_settings,
    normalise_code,
)
from app.core.sql import rows_affected
from app.core.vocabulary import AbsenceCategory
from app.exceptions import DomainError
from app.extensions import db
from app.models import AbsenceCode, AbsenceRecord, User

# --------------------------------------------------------------------------------------------
# Settings (config/ files, chosen by the app configuration)
# --------------------------------------------------------------------------------------------


def rule_settings() -> RuleSettings:
    """The thresholds in force: ``ABSENCE_RULES_FILE`` or config/absence_rules.toml."""
    cache = current_app.extensions.setdefault("schoolfit_absence", {})
    path = current_app.config["ABSENCE_RULES_FILE"]
    if cache.get("rules_path") != path or "rules" not in cache:
        try:
            cache["rules"] = load_rule_settings(path)
        except SettingsError as error:
            raise DomainError(
                gettext("De verzuimregels zijn niet te lezen: %(error)s", error=error)
            ) from None
        cache["rules_path"] = path
    rules: RuleSettings = cache["rules"]
    return rules


def default_codes() -> dict[str, CodeMeaning]:
    cache = current_app.extensions.setdefault("schoolfit_absence", {})
    path = current_app.config["ABSENCE_CODES_FILE"]
    if cache.get("codes_path") != path or "codes" not in cache:
        try:
            cache["codes"] = load_default_codes(path)
        except SettingsError as error:
            raise DomainError(
                gettext("De verzuimcodes zijn niet te lezen: %(error)s", error=error)
            ) from None
        cache["codes_path"] = path
    codes: dict[str, CodeMeaning] = cache["codes"]
    return codes


# --------------------------------------------------------------------------------------------
# Reason codes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeRow:
    meaning: CodeMeaning
    source: str  # "standaard" (config/), "aangepast" (changed in the app), "toegevoegd"
    in_use: int = 0


def effective_codes() -> dict[str, CodeMeaning]:
    """The mapping in force: config/absence_codes.toml, overridden by codes set in the app."""
    mapping = dict(default_codes())
    for row in db.session.scalars(select(AbsenceCode)):
        mapping[row.code] = CodeMeaning(
            row.code, AbsenceCategory(row.category), row.authorised, row.description
        )
    return mapping


def code_table() -> list[CodeRow]:
    defaults = default_codes()
    overrides = {row.code for row in db.session.scalars(select(AbsenceCode))}
    usage = dict(
        db.session.execute(
            select(AbsenceRecord.code, func.count()).group_by(AbsenceRecord.code)
        ).all()
    )
    rows = []
    for code, meaning in sorted(effective_codes().items()):
        source = (
            "standaard"
            if code not in overrides
            else ("aangepast" if code in defaults else "toegevoegd")
        )
        rows.append(CodeRow(meaning, source, usage.get(code, 0)))
    return rows


def _apply_code(meaning: CodeMeaning) -> int:
    """Give stored registrations with this code the code's (new) meaning."""
    changed = rows_affected(
        update(AbsenceRecord)
        .where(AbsenceRecord.code == meaning.code)
        .where(AbsenceRecord.kind == kind_for(meaning.category).value)
        .values(category=meaning.category.value, authorised=meaning.authorised)
    )
    if changed:
        forget_figures()  # the stored day figures were computed with the old meaning
    return changed


def _code_usage(code: str) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(AbsenceRecord).where(AbsenceRecord.code == code)
        )
        or 0
    )


def _refuse_kind_change(code: str, old: AbsenceCategory, new: AbsenceCategory) -> None:
    """Registrations keep their kind (absent, late, sent out): it is part of their natural key."""
    if kind_for(old) != kind_for(new) and (in_use := _code_usage(code)):
        raise DomainError(
            gettext(
                (
                    "Code %(code)s staat al in %(in_use)s registraties als '%(label)s'; "
                    "die kunnen niet van soort veranderen (afwezig, te laat, verwijderd). "
                    "Kies een nieuwe code, of importeer het verzuim opnieuw."
                ),
                code=code,
                in_use=in_use,
                label=old.label,
            ),
            field="category",
        )


def set_code(
    code: str, category: str, *, description: str = "", authorised: bool = False, user: User
) -> tuple[CodeMeaning, int]:
    """Add or change a reason code; registrations already stored with it follow. Returns the
    meaning and the number of stored registrations that changed."""
    code = normalise_code(code)
    if not code or len(code) > 10 or not code.replace("-", "").replace("_", "").isalnum():
        raise DomainError(
            gettext("Een code bestaat uit 1 tot 10 letters of cijfers."), field="code"
        )
    try:
        chosen = AbsenceCategory(category)
    except ValueError:
        raise DomainError(gettext("Kies wat de code betekent."), field="category") from None
    meaning = CodeMeaning(code, chosen, authorised_for(chosen, authorised), description.strip())
    current = effective_codes().get(code)
    if current is not None:
        _refuse_kind_change(code, current.category, chosen)
    row = db.session.scalar(select(AbsenceCode).where(AbsenceCode.code == code))
    if row is None:
        row = AbsenceCode(code=code)
        db.session.add(row)
    row.category = meaning.category.value
    row.authorised = meaning.authorised
    row.description = meaning.description[:80]
    row.updated_by = user
    db.session.flush()
    return meaning, _apply_code(meaning)


def reset_code(code: str) -> tuple[CodeMeaning | None, int]:
    """Undo a change made in the app: back to config/, or gone when the app added it (refused
    while registrations use it)."""
    code = normalise_code(code)
    row = db.session.scalar(select(AbsenceCode).where(AbsenceCode.code == code))
    if row is None:
        raise DomainError(gettext("Code %(code)s is niet in de app aangepast.", code=code))
    default = default_codes().get(code)
    if default is None and (in_use := _code_usage(code)):
        raise DomainError(
            gettext(
                (
                    "Code %(code)s wordt gebruikt in %(in_use)s registraties en kan niet "
                    "weg. Verander desnoods wat hij betekent."
                ),
                code=code,
                in_use=in_use,
            )
        )
    if default is not None:
        _refuse_kind_change(code, AbsenceCategory(row.category), default.category)
    db.session.delete(row)
    db.session.flush()
    return default, (_apply_code(default) if default else 0)


# --------------------------------------------------------------------------------------------
# School calendar
# --------------------------------------------------------------------------------------------
