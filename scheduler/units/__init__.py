"""Administrative units: import the official lists (2025 and pre-2025), search, resolve by date."""

from scheduler.units.importer import ImportSummary, import_units
from scheduler.units.queries import find_province, find_unit, list_units
from scheduler.units.records import UnitList, UnitRecord, UnitsError, UnitsFileError
from scheduler.units.service import (
    import_country,
    import_file,
    import_list,
    import_province,
    package_list,
    read_units_file,
)
from scheduler.units.successors import link_successors, predecessors, unit_on
from scheduler.units.text import fold

__all__ = [
    "ImportSummary",
    "UnitList",
    "UnitRecord",
    "UnitsError",
    "UnitsFileError",
    "find_province",
    "find_unit",
    "fold",
    "import_country",
    "import_file",
    "import_list",
    "import_province",
    "import_units",
    "link_successors",
    "list_units",
    "package_list",
    "predecessors",
    "read_units_file",
    "unit_on",
]
