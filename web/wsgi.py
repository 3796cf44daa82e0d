"""WSGI entry point for production servers: `gunicorn -w 2 web.wsgi:app`."""

from scheduler.ops import logs
from web.app import create_app

logs.configure()  # JSON lines on stderr (LOA_LOG_FORMAT=text for plain ones)
app = create_app()
