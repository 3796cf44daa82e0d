"""Import every model module so that Base.metadata holds the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData


def target_metadata() -> MetaData:
    """The metadata of all Loa tables, across layers."""
    import content.media_models  # noqa: F401
    import content.models  # noqa: F401
    import content.script_models  # noqa: F401
    import scheduler.emergency.models  # noqa: F401
    import scheduler.models  # noqa: F401
    import scheduler.notify.models  # noqa: F401
    import scheduler.worker.models  # noqa: F401
    import web.models  # noqa: F401
    from content.db import Base

    return Base.metadata
