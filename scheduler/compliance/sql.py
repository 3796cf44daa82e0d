"""SQL constructs the aggregates need that SQLAlchemy Core lacks, compiled per back end.

CROSS JOIN keeps a join order (SQLite's planner does not reorder around it; PostgreSQL treats
it as an inner join); the week index is date arithmetic each back end writes its own way; the
counted condition of scheduler/rules.py is compiled here to a SQL expression.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, func, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FromClause, FunctionElement, Join

from scheduler.rules import AllOf, Condition, Test


class CrossJoin(Join):
    """`left CROSS JOIN right`: every pair, in this order."""

    inherit_cache = True

    def __init__(self, left: FromClause, right: FromClause) -> None:
        """Join without a condition (the WHERE clause relates the two)."""
        super().__init__(left, right, onclause=true())


@compiles(CrossJoin)
def _cross_join(element: CrossJoin, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(element.left, **kw)
    right = compiler.process(element.right, **kw)
    return f"{left} CROSS JOIN {right}"


class week_index(FunctionElement[int]):  # noqa: N801 (SQL function style, as func.* names)
    """Whole weeks between Monday 1970-01-05 and a date column."""

    type = Integer()
    inherit_cache = True
    name = "week_index"

    def __init__(self, column: ColumnElement[Any]) -> None:
        """The week index of `column` (a DATE)."""
        super().__init__(column)


@compiles(week_index, "postgresql")
def _week_index_pg(element: week_index, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"(({column} - DATE '1970-01-05') / 7)"


@compiles(week_index)
def _week_index_julian(element: week_index, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST((julianday({column}) - 2440591.5) / 7 AS INTEGER)"  # 2440591.5 = 1970-01-05


def counted_sql(
    condition: Condition, status: ColumnElement[Any], seconds: ColumnElement[Any]
) -> ColumnElement[bool]:
    """scheduler.rules' counted condition compiled to SQL over a row's status and seconds."""
    if isinstance(condition, Test):
        if condition.field == "status":
            if len(condition.values) == 1:
                return status == condition.values[0]
            return status.in_(condition.values)
        return func.coalesce(seconds, 0) >= condition.least  # as rules.holds: NULL is 0
    parts = [counted_sql(part, status, seconds) for part in condition.parts]
    return and_(*parts) if isinstance(condition, AllOf) else or_(*parts)
