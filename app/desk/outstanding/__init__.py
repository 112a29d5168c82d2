"""A staff member's outstanding actions ("openstaand")."""
