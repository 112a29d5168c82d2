"""Parent calls (oudercontact): planning, attempts, today's list."""
