"""Settings come from the environment; a fresh checkout needs none."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from archive.settings import database_from_url
from tests.conftest import PROJECT_DIR


def manage(*args, env=None, check=False):
    return run_python("manage.py", *args, env=env, check=check)


def run_python(*args, env=None, check=False):
    unset = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "WEB_STATEMENT_TIMEOUT_MS"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def test_no_database_url_means_sqlite_file_in_data_dir(tmp_path):
    config = database_from_url("", tmp_path, 0)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == tmp_path / "cables.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] >= 5


def test_postgres_url_with_statement_timeout(tmp_path):
    config = database_from_url("postgres://archive:s%40cret@db.internal:5433/cables", tmp_path, 900)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("cables", "archive", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")
    assert config["OPTIONS"]["options"] == "-c statement_timeout=900"


def test_unknown_database_scheme_is_a_clear_error(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url("mysql://localhost/cables", tmp_path, 0)


def test_sqlite_file_runs_in_wal_mode(tmp_path):
    result = manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0])",
        env={"DATA_DIR": str(tmp_path)},
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "wal"
    assert (tmp_path / "cables.sqlite3").exists()


def test_production_without_secret_key_names_the_variable():
    result = manage("check", env={"DEBUG": "0", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_production_passes_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "archive.example.org",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL run only",
)
def test_web_processes_get_a_statement_timeout_on_postgres():
    db = connection.settings_dict  # the test database, which exists during the test
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    # As gunicorn does: the WSGI module is what loads the settings.
    result = run_python(
        "-c",
        "import archive.wsgi; from django.db import connection;"
        "c = connection.cursor(); c.execute('SHOW statement_timeout'); print(c.fetchone()[0])",
        env={"DATABASE_URL": url},
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "15s"


def test_suite_runs_on_the_database_it_was_given():
    wanted = os.environ.get("DATABASE_URL", "")
    vendor = "postgresql" if wanted.startswith("postgres") else "sqlite"
    assert connection.vendor == vendor
