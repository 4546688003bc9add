"""Turn a query stopped for taking too long into a clear answer instead of a server error.

Web processes run every PostgreSQL statement under `statement_timeout` (archive/wsgi.py), and
SQLite queries can be interrupted by a progress handler (cables.facets.time_budget). Either
way the database raises OperationalError; a view that lets it through would answer 500 with a
traceback in the log. This middleware answers instead:

- HTTP 503 Service Unavailable with `Retry-After: 30`: the request was well formed (so not a
  400), the server chose not to finish it in time. A less busy server, the cache, or a narrower
  query can answer it, and clients and caches know not to store a 503.
- HTML: the "too broad" page; JSON (`format=json`): `{"schema": …, "errors": [message],
  "too_broad": true}` in the schema of the page asked for (docs/json.md, docs/search.md,
  docs/entities.md); CSV: the message as text/plain.

By the time process_exception runs, every transaction.atomic() block of the view has rolled
back, so on PostgreSQL the connection is usable again (autocommit: no aborted transaction).
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

MESSAGE = "This search is too broad to answer quickly: add a filter or a more specific word."
RETRY_AFTER_SECONDS = 30
SCHEMAS = {
    "/paragraphs/": "cable-archive/paragraphs/1",
    "/entities/": "cable-archive/entity/1",
    "/cables/": "cable-archive/list/1",
}


def is_timeout(error):
    """Whether this database error is a query stopped for time (PostgreSQL or SQLite)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if type(cause).__name__ == "QueryCanceled":  # psycopg.errors.QueryCanceled
        return True
    text = f"{error} {cause}".lower()
    return "statement timeout" in text or "interrupted" in text or "canceling statement" in text


def schema_for(path):
    if path == "/entities/":
        return "cable-archive/entities/1"
    for prefix, schema in SCHEMAS.items():
        if path.startswith(prefix):
            return schema
    return "cable-archive/error/1"


def too_broad_response(request):
    output = (request.GET.get("format") or "html").strip().lower()
    if output == "json":
        response = JsonResponse(
            {"schema": schema_for(request.path), "errors": [MESSAGE], "too_broad": True},
            status=503,
        )
    elif output == "csv":
        response = HttpResponse(
            MESSAGE + "\n", status=503, content_type="text/plain; charset=utf-8"
        )
    else:
        response = render(request, "too_broad.html", {"message": MESSAGE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class TooBroadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_timeout(exception):
            return None
        logger.warning("Query stopped for time: %s (%s)", request.get_full_path(), exception)
        return too_broad_response(request)
