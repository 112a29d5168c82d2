"""The report's sections, one module each: its figures read from the database."""
