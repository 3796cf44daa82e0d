"""Readers of exports in each language, with the shipped catalogues (as the entry points build)."""

from __future__ import annotations

from scheduler.compliance.labels import Reader
from web.catalogue import catalogue

VI = Reader("vi", catalogue("vi").gettext)
EN = Reader("en", catalogue("en").gettext)
