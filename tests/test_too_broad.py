"""A query stopped for time (PostgreSQL statement_timeout, SQLite interrupt) is a clear 503."""

import contextlib

import pytest
from django.db import connection

from cables.models import Cable, Entity

pytestmark = pytest.mark.django_db

MESSAGE = "This search is too broad to answer quickly"


@contextlib.contextmanager
def every_query_too_slow():
    """Every SELECT is stopped by the database itself, as a real timeout would stop it.

    PostgreSQL: a 1 ms statement_timeout and a pg_sleep, inside a savepoint (the test runs in a
    transaction; a web request runs in autocommit, where a failed statement leaves nothing to
    roll back). SQLite: a progress handler that interrupts the statement.
    """

    def stop(execute, sql, params, many, context):
        text = sql.lstrip().upper()
        if not text.startswith(("SELECT", "EXPLAIN", "WITH")) or "SET_CONFIG" in text:
            return execute(sql, params, many, context)
        if connection.vendor == "postgresql":
            execute("SAVEPOINT too_slow", None, False, context)
            try:
                execute("SET LOCAL statement_timeout = 1", None, False, context)
                return execute("SELECT pg_sleep(1)", None, False, context)
            finally:
                execute("ROLLBACK TO SAVEPOINT too_slow", None, False, context)
        connection.connection.set_progress_handler(lambda: 1, 1)
        try:
            return execute(sql, params, many, context)
        finally:
            connection.connection.set_progress_handler(None, 0)

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # SQLite opens the search index's virtual table at its first use on a connection; an
        # interrupt there fails as "vtable constructor failed", which only this handler, which
        # interrupts at once, can cause (a time budget interrupts once, and says so).
        connection.cursor().execute("SELECT COUNT(*) FROM cables_paragraph_fts WHERE rowid = 0")
    with connection.execute_wrapper(stop):
        yield


def pages():
    entity = Entity.objects.filter(merged_into=None).order_by("-cable_count").first()
    urls = [
        ("/", "html"),
        ("/cables/", "html"),
        ("/cables/?format=json", "json"),
        ("/cables/?q=government", "html"),
        ("/cables/?q=government&format=json", "json"),
        ("/cables/?tag=PREL&format=csv", "csv"),
        ("/paragraphs/?q=government&marking=S", "html"),
        ("/paragraphs/?q=government&format=json", "json"),
    ]
    if entity is not None:
        urls += [
            (f"/entities/{entity.slug}/", "html"),
            (f"/entities/{entity.slug}/?format=json", "json"),
        ]
    return urls


def test_a_query_stopped_for_time_is_a_clear_503_never_a_500(client, corpus):
    checked = pages()
    assert len(checked) >= 8
    for url, output in checked:
        with every_query_too_slow():
            response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"].isdigit(), url
        if output == "json":
            data = response.json()
            assert data["schema"].startswith("cable-archive/"), url
            assert data["errors"][0].startswith(MESSAGE), url
        else:
            assert MESSAGE in response.content.decode(), url
        # The connection is still usable after the cancelled statement.
        assert Cable.objects.count() == 1000


def test_pages_answer_normally_without_the_timeout(client, corpus):
    for url, _ in pages():
        response = client.get(url)
        assert response.status_code == 200, url
