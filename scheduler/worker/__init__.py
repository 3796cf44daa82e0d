"""The background worker (`loa worker`): APScheduler jobs under a database lease."""
