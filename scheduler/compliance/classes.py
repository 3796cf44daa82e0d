"""Programme facts and the relation that lets SQL filter airings by rule.

Each programme that passes at least one rule's programme-level filters (topics, type, fixed
language, duration) gets a row (programme id, bit mask of those rules, language, length), inline
in the query on PostgreSQL and in a temporary table elsewhere, so one SQL aggregate per rule can
join it instead of the topic tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    FromClause,
    Integer,
    MetaData,
    String,
    Table,
    column,
    insert,
    select,
    values,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.schema import DropTable

from content.models import Programme, ProgrammeTopic
from scheduler.config import Rule
from scheduler.rules import programme_passes

_META = MetaData()
CLASS_TABLE = Table(
    "loa_tmp_programme_rules",
    _META,
    Column("programme_id", Integer, primary_key=True),
    Column("mask", Integer, nullable=False),
    Column("lang", String(16), nullable=False),
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


def load_programmes(session: Session, ids: Collection[int] | None = None) -> list[ProgrammeFacts]:
    """All programmes (or those of `ids`) with their topics, as plain facts."""
    topics: dict[int, set[str]] = defaultdict(set)
    topic_stmt = select(ProgrammeTopic.programme_id, ProgrammeTopic.topic)
    stmt = select(
        Programme.id, Programme.programme_type, Programme.language, Programme.duration_seconds
    )
    if ids is not None:
        topic_stmt = topic_stmt.where(ProgrammeTopic.programme_id.in_(sorted(ids)))
        stmt = stmt.where(Programme.id.in_(sorted(ids)))
    for pid, topic in session.execute(topic_stmt):
        topics[pid].add(topic)
    return [
        ProgrammeFacts(pid, ptype, lang, secs, frozenset(topics.get(pid, ())))
        for pid, ptype, lang, secs in session.execute(stmt)
    ]


def rule_masks(rules: list[Rule], programmes: list[ProgrammeFacts]) -> dict[int, int]:
    """Programme id -> bit mask of the rules whose programme filters it passes (non-zero only)."""
    out: dict[int, int] = {}
    for p in programmes:
        mask = 0
        for i, rule in enumerate(rules):
            if programme_passes(rule, p.topics, p.programme_type, p.language, p.seconds):
                mask |= 1 << i
        if mask:
            out[p.id] = mask
    return out


@dataclass(frozen=True)
class RuleClasses:
    """Programmes passing some rule's filters, as t(programme_id, mask, lang, secs) for SQL.

    PostgreSQL gets them inline (VALUES in each query): a temporary table would keep its
    queries from running in parallel and gives the planner poor row estimates. Other backends
    (SQLite) join a temporary table filled once per evaluation.
    """

    rows: tuple[tuple[int, int, str, int], ...]  # (programme id, rule mask, language, seconds)
    inline: bool

    def source(self, bit: int | None = None) -> FromClause | None:
        """The relation t(programme_id, mask, lang, secs) of rule `bit`'s rows (None: all rows).

        None when no programme passes that rule's filters (the query would find nothing).
        """
        rows = [r for r in self.rows if bit is None or r[1] & bit]
        if not rows:
            return None
        if not self.inline:
            query = select(CLASS_TABLE)
            if bit is not None:
                query = query.where(CLASS_TABLE.c.mask.op("&")(bit) != 0)
            return query.subquery("t")
        columns = (
            column("programme_id", Integer), column("mask", Integer),
            column("lang", String), column("secs", Integer),
        )  # fmt: skip
        return values(*columns, name="t", literal_binds=True).data(rows)


def open_classes(
    conn: Connection, masks: dict[int, int], programmes: list[ProgrammeFacts]
) -> RuleClasses:
    """The rule classes of the programmes; outside PostgreSQL, (re)creates and fills the table."""
    rows = tuple((p.id, masks[p.id], p.language, p.seconds) for p in programmes if p.id in masks)
    inline = conn.dialect.name == "postgresql"
    if not inline:
        conn.execute(DropTable(CLASS_TABLE, if_exists=True))
        CLASS_TABLE.create(conn)
        if rows:
            keys = ("programme_id", "mask", "lang", "secs")
            conn.execute(insert(CLASS_TABLE), [dict(zip(keys, r, strict=True)) for r in rows])
    return RuleClasses(rows, inline)


def close_classes(conn: Connection, classes: RuleClasses) -> None:
    """Drop the temporary table, if one was made."""
    if not classes.inline:
        conn.execute(DropTable(CLASS_TABLE, if_exists=True))
