"""Domain errors with user-facing messages; the web maps them to HTTP statuses."""

from __future__ import annotations

from content.errors import N_, LoaError

__all__ = ["N_", "Conflict", "Invalid", "InvalidState", "LoaError", "NotFound", "VersionConflict"]


class NotFound(LoaError):
    """The thing asked for does not exist."""

    code = "not_found"
    http_status = 404


class Conflict(LoaError):
    """The change collides with the current state (duplicate, concurrent edit)."""

    code = "conflict"
    http_status = 409


class VersionConflict(Conflict):
    """The caller edited an older version of the schedule (If-Match mismatch)."""

    code = "version_conflict"
    http_status = 412


class Invalid(LoaError):
    """The input is well-formed but not acceptable."""

    code = "invalid"
    http_status = 422


class InvalidState(Invalid):
    """The object is in a state that does not allow this change."""

    code = "invalid_state"
