"""The chronology of a student: everything the desk knows about them, newest first."""
