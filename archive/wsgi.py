"""WSGI entry point for gunicorn: `gunicorn archive.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
# A web request never waits on one query longer than this (PostgreSQL only).
os.environ.setdefault("WEB_STATEMENT_TIMEOUT_MS", "15000")

application = get_wsgi_application()
