"""When a full student import needs an explicit confirmation: pure decisions on plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A full import that deactivates more than this share of a location's active students is more
# likely a partial file (one class, one year) than the complete list.
MAX_DEACTIVATED_SHARE = 0.10


@dataclass(frozen=True)
class LocationShare:
    """What a full import does to one location's active students."""

    code: str
    active: int  # before the import
    deactivated: int

    @property
    def share(self) -> float:
        return self.deactivated / self.active if self.active else 0.0

    @property
    def too_many(self) -> bool:
        return self.share > MAX_DEACTIVATED_SHARE


def percentage(share: float) -> str:
    return f"{share * 100:.0f}%"


def deactivation_risks(shares: Iterable[LocationShare], with_open_work: int) -> list[str]:
    """Why an import must be confirmed (empty: it need not be), in Dutch."""
    risks = []
    if with_open_work:
        risks.append(
            f"{with_open_work} leerling(en) met lopend werk (casus, vlag, overdracht of "
            "verzuimsignaal) worden gedeactiveerd."
        )
    for share in shares:
        if share.too_many:
            risks.append(
                f"{share.code}: {share.deactivated} van de {share.active} actieve leerlingen "
                f"({percentage(share.share)}) worden gedeactiveerd, meer dan "
                f"{percentage(MAX_DEACTIVATED_SHARE)}. Is dit echt de volledige lijst?"
            )
    return risks
