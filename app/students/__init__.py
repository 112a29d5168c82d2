"""Students: the list, a student's page, and the import from the student information system."""
