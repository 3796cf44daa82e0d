"""WSGI entry point for production servers: `gunicorn -w 2 web.wsgi:app`."""

from web.app import create_app

app = create_app()
