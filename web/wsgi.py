"""WSGI entry point for production servers: `gunicorn -w 2 web.wsgi:app`."""

import gc

from scheduler.ops import logs
from web.app import create_app

logs.configure()  # JSON lines on stderr (LOA_LOG_FORMAT=text for plain ones)
app = create_app()
# What start-up built lives as long as the worker: move it out of the cyclic collector's reach,
# or every full collection walks ~110,000 objects (~60 ms with all the worker's threads stopped,
# the slowest requests of a busy worker).
gc.freeze()
