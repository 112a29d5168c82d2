"""Incidents with several students, each in a role (Wet veiligheid op school)."""
