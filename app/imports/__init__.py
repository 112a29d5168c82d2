"""Reading tabular exports (CSV and .xlsx) from the school's student information systems."""
