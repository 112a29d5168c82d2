"""Errors raised by services, carrying a message fit to show the user (Dutch)."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; ``str(error)`` is a clear message for the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
