"""The people's roles: web accounts have one, notification recipients are chosen by one."""

from __future__ import annotations

ROLES = ("admin", "planner", "broadcaster", "supervisor")
