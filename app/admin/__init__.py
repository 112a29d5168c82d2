"""Functional management (beheer): users, locations and zones, imports."""
