"""Languages (Vietnamese first, English) and how dates and weeks are written on pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask, current_app, session
from flask_babel import Babel, get_locale, gettext

from scheduler.config import Label
from scheduler.periods import Week

LANGUAGES = ("vi", "en")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """The user's choice (kept in the session), else the configured default (Vietnamese)."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return str(current_app.config["LOA_SETTINGS"].locale.language)


def lang() -> str:
    """The current page language code."""
    return str(get_locale() or "vi")


def fmt_date(day: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy, in every language."""
    if day is None:
        return ""
    return f"{day:%d/%m/%Y}"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def fmt_day(day: dt.date | None) -> str:
    """'Thứ Hai 30/11/2026' ('Monday 30/11/2026'): schedules are read by weekday."""
    if day is None:
        return ""
    return f"{gettext(WEEKDAYS[day.weekday()])} {day:%d/%m/%Y}"


def fmt_week(week: Week) -> str:
    """'Tuần 48 (23/11–29/11/2026)' (or 'Week 48 (...)' in English)."""
    return gettext("Week %(n)s", n=week.week) + f" ({week.monday:%d/%m}–{week.sunday:%d/%m/%Y})"


def fmt_time(instant: dt.datetime | None) -> str:
    """Local HH:MM of an aware instant."""
    if instant is None:
        return ""
    zone = current_app.config["LOA_SETTINGS"].zone
    return f"{instant.astimezone(zone):%H:%M}"


def fmt_datetime(instant: dt.datetime | None) -> str:
    """Local dd/mm/yyyy HH:MM of an aware instant."""
    if instant is None:
        return ""
    zone = current_app.config["LOA_SETTINGS"].zone
    return f"{instant.astimezone(zone):%d/%m/%Y %H:%M}"


def label(labels: dict[str, Label], code: str | None) -> str:
    """A configured code's name in the page language (the code itself if unknown)."""
    if code is None:
        return ""
    found = labels.get(code)
    if found is None:
        return code
    return found.en if lang() == "en" else found.vi


def init_i18n(app: Flask) -> None:
    """Flask-Babel with the compiled catalogues shipped in web/translations."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        ddmmyyyy=fmt_date,
        weekday_date=fmt_day,
        week_label=fmt_week,
        hhmm=fmt_time,
        datetime_local=fmt_datetime,
    )
    app.jinja_env.globals.update(lang=lang, label=label, LANGUAGES=LANGUAGES)
