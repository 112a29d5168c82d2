"""The handover of a case to COPA and the weekly handover moments."""
