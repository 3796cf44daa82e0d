"""Languages (Vietnamese first, English) and how dates and weeks are written on pages."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale, get_translations, gettext

from audio.messages import N_, Message, TranslatableError
from scheduler.config import Label
from scheduler.periods import Week
from web.catalogue import LANGUAGES, TRANSLATIONS


def select_locale() -> str:
    """API: Accept-Language; pages: the user's choice (in the session); else the default."""
    if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
        best = request.accept_languages.best_match(LANGUAGES)
        if best:
            return str(best)
    else:
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


def translate(message: Message | TranslatableError) -> str:
    """A domain message or error in the reader's language (page: the user's; API: the header's)."""
    return message.render(get_translations().gettext, lang())


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
    label: str = gettext("Week %(n)s", n=week.week)  # flask_babel is untyped
    return label + f" ({week.monday:%d/%m}–{week.sunday:%d/%m/%Y})"


def fmt_time(instant: dt.datetime | None) -> str:
    """Local HH:MM of an aware instant."""
    if instant is None:
        return ""
    zone = current_app.config["LOA_SETTINGS"].zone
    return f"{instant.astimezone(zone):%H:%M}"


def fmt_time_seconds(instant: dt.datetime | None) -> str:
    """Local HH:MM:SS of an aware instant (proof of air)."""
    if instant is None:
        return ""
    zone = current_app.config["LOA_SETTINGS"].zone
    return f"{instant.astimezone(zone):%H:%M:%S}"


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
    return found.in_language(lang())


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
        hhmmss=fmt_time_seconds,
        datetime_local=fmt_datetime,
    )
    app.jinja_env.globals.update(lang=lang, label=label, LANGUAGES=LANGUAGES)
