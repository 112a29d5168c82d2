"""Errors raised by services, carrying a message fit to show the user."""

from __future__ import annotations

from app.core.stored_text import translated


class DomainError(Exception):
    """A request the domain refuses; ``message`` is a clear message for the user.

    A service writes its message with ``gettext`` (already in the reader's language) or, when
    the message is also stored (an import's history), in Dutch from an ``N_`` template:
    ``raw`` is the message as written (what is stored), ``message`` the reader's language."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.raw = message
        self.field = field

    @property
    def message(self) -> str:
        return translated(self.raw)
