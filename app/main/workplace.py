"""Where floor staff land after signing in: on the floor on a phone, at the desk on a laptop.

A medewerker works on a phone in the morning (the floor) and at a laptop in the afternoon (the
desk). The device decides, not the clock: a phone (its browser says ``Sec-CH-UA-Mobile: ?1`` or
its user agent names a mobile device) lands on the floor, anything else at the desk. Switching
with the menus' "Naar het bureau" / "Naar de vloer" remembers the choice on that device (a
cookie, a year), so a tablet used on the floor lands on the floor from then on.
"""

from __future__ import annotations

from typing import Final

WORKPLACE_COOKIE: Final = "schoolfit_werkplek"
WORKPLACE_COOKIE_MAX_AGE: Final = 365 * 24 * 3600
FLOOR: Final = "vloer"
DESK: Final = "bureau"
WORKPLACES: Final = (FLOOR, DESK)

_MOBILE_MARKERS = ("mobi", "iphone", "ipod", "windows phone")


def looks_like_phone(user_agent: str, ch_mobile: str | None) -> bool:
    """Whether the browser is a phone: the client hint when it is sent, else the user agent."""
    if ch_mobile is not None and ch_mobile.strip() in ("?1", "?0"):
        return ch_mobile.strip() == "?1"
    agent = user_agent.lower()
    return any(marker in agent for marker in _MOBILE_MARKERS)


def landing_workplace(remembered: str | None, user_agent: str, ch_mobile: str | None) -> str:
    """The workplace (``vloer`` or ``bureau``) a floor staff member starts on with this device."""
    if remembered in WORKPLACES:
        return remembered
    return FLOOR if looks_like_phone(user_agent, ch_mobile) else DESK
