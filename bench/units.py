"""Benchmark: import every administrative unit of the country (2025 and legacy structures).

Usage: python bench/units.py [--database-url URL]
Target (issue 2): both structures from the packaged official lists in under 10 s.
Prints one line per step and a JSON line last.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.orm import Session  # noqa: E402

import migrations  # noqa: E402
from content.db import make_engine  # noqa: E402
from scheduler.units import import_country  # noqa: E402
from scheduler.units.service import package_list  # noqa: E402


def main() -> None:
    """Import both structures into a fresh database and time each step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/units.db"
        engine = make_engine(url)
        migrations.upgrade(engine)
        figures: dict[str, float | int | str] = {"database": engine.dialect.name}
        total = 0.0
        for structure in ("2025", "legacy"):
            t0 = time.perf_counter()
            package_list(structure)  # parse once, so reading the package is timed separately
            parsed = time.perf_counter() - t0
            t0 = time.perf_counter()
            with Session(engine) as session, session.begin():
                summary = import_country(session, "bench", structure)
            took = time.perf_counter() - t0
            t0 = time.perf_counter()
            with Session(engine) as session, session.begin():
                again = import_country(session, "bench", structure)
            rerun = time.perf_counter() - t0
            total += took
            print(f"{structure}: {summary.line()} in {took:.2f} s (package read {parsed:.2f} s)")
            print(f"{structure} re-import: {again.line()} in {rerun:.2f} s")
            figures[f"{structure}_units"] = summary.new
            figures[f"{structure}_seconds"] = round(took, 3)
            figures[f"{structure}_reimport_seconds"] = round(rerun, 3)
        figures["total_seconds"] = round(total, 3)
        figures["target_seconds"] = 10
        figures["met"] = total < 10
        engine.dispose()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
