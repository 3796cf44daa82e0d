"""Programme classes: programmes reduced to which rules' programme filters they pass.

A class is (bit mask of rules whose topic/type/language/duration filters the programme passes,
and its language when a rule asks for the channel's own language). The few classes go into a
temporary table so one SQL aggregate can group airings by class instead of by programme.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from content.models import Programme, ProgrammeTopic
from scheduler.config import CHANNEL_LANGUAGE, Rule

_META = MetaData()
CLASS_TABLE = Table(
    "loa_tmp_programme_class",
    _META,
    Column("programme_id", Integer, primary_key=True),
    Column("cls", Integer, nullable=False),
    Column("secs", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)


@dataclass(frozen=True)
class ProgrammeFacts:
    """A programme reduced to what rule filters look at."""

    id: int
    programme_type: str
    language: str
    seconds: int
    topics: frozenset[str]


def load_programmes(session: Session) -> list[ProgrammeFacts]:
    """All programmes with their topics, as plain facts."""
    topics: dict[int, set[str]] = defaultdict(set)
    for pid, topic in session.execute(select(ProgrammeTopic.programme_id, ProgrammeTopic.topic)):
        topics[pid].add(topic)
    stmt = select(
        Programme.id, Programme.programme_type, Programme.language, Programme.duration_seconds
    )
    return [
        ProgrammeFacts(pid, ptype, lang, secs, frozenset(topics.get(pid, ())))
        for pid, ptype, lang, secs in session.execute(stmt)
    ]


def passes_programme_filters(rule: Rule, p: ProgrammeFacts) -> bool:
    """Topic (any of), type, fixed language and duration filters, on the programme itself.

    For a rule naming the channel's own language, a non-Vietnamese programme passes here and
    its language is checked per channel later.
    """
    if rule.topics and not p.topics.intersection(rule.topics):
        return False
    if rule.programme_types and p.programme_type not in rule.programme_types:
        return False
    if rule.languages:
        fixed = {c for c in rule.languages if c != CHANNEL_LANGUAGE}
        if p.language not in fixed and not (rule.uses_channel_language and p.language != "vi"):
            return False
    minutes = p.seconds / 60
    if rule.min_duration_minutes is not None and minutes < rule.min_duration_minutes:
        return False
    return rule.max_duration_minutes is None or minutes <= rule.max_duration_minutes


@dataclass
class Classes:
    """Class ids per programme, and per class the rules it passes and its language."""

    by_programme: dict[int, tuple[int, int]]  # programme id -> (class id, seconds)
    rules_of: dict[int, tuple[int, ...]]  # class id -> indexes of rules it passes
    language_of: dict[int, str | None]  # class id -> language (for channel-language rules)


def classify(rules: list[Rule], programmes: list[ProgrammeFacts]) -> Classes:
    """Group programmes into classes; programmes passing no rule get no class."""
    lang_rules = [i for i, r in enumerate(rules) if r.uses_channel_language]
    keys: dict[tuple[int, str | None], int] = {}
    by_programme: dict[int, tuple[int, int]] = {}
    for p in programmes:
        mask = 0
        for i, rule in enumerate(rules):
            if passes_programme_filters(rule, p):
                mask |= 1 << i
        if not mask:
            continue
        lang = p.language if any(mask >> i & 1 for i in lang_rules) else None
        cls = keys.setdefault((mask, lang), len(keys) + 1)
        by_programme[p.id] = (cls, p.seconds)
    rules_of = {
        cls: tuple(i for i in range(len(rules)) if mask >> i & 1) for (mask, _), cls in keys.items()
    }
    language_of = {cls: lang for (_, lang), cls in keys.items()}
    return Classes(by_programme, rules_of, language_of)


def fill_class_table(conn: Connection, classes: Classes) -> None:
    """(Re)create the session's temporary class table and load it."""
    conn.execute(text(f"DROP TABLE IF EXISTS {CLASS_TABLE.name}"))
    CLASS_TABLE.create(conn)
    rows = [
        {"programme_id": pid, "cls": cls, "secs": secs}
        for pid, (cls, secs) in classes.by_programme.items()
    ]
    if rows:
        conn.execute(insert(CLASS_TABLE), rows)
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"ANALYZE {CLASS_TABLE.name}"))


def drop_class_table(conn: Connection) -> None:
    """Drop the temporary class table."""
    conn.execute(text(f"DROP TABLE IF EXISTS {CLASS_TABLE.name}"))
