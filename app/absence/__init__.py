"""Absence: the school calendar, the import of absence exports from the LVS (Magister,
SOMtoday), the high-absence signal rules, the signal list and the student's absence overview."""
