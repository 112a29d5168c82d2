"""Home visits (huisbezoeken)."""
