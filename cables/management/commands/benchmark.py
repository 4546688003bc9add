"""python manage.py benchmark [--cables N | --corpus PATH] [--databases sqlite,postgres]

python manage.py benchmark --serve-only --database-url URL [--database-url URL ...]
"""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cables.benchmarking import runner
from cables.benchmarking.runner import (
    BENCH_DATABASE,
    DEFAULT_POSTGRES_URL,
    DatabaseExists,
    NotAnArchive,
    report,
    run_benchmark,
    serve_existing,
)


def default_postgres_url():
    """The server of DATABASE_URL when it is PostgreSQL, else the local one (user postgres)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return DEFAULT_POSTGRES_URL
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}{port}/postgres"


class Command(BaseCommand):
    help = (
        "Measure the archive: parse speed on the 1,000 real pages; import into a fresh SQLite "
        "and PostgreSQL database (rate, peak memory, re-import); the site under gunicorn in "
        "production mode (latency per URL of cables/benchmarking/urls.py); database size. "
        "With --serve-only, only the latency, on databases already imported. "
        "Prints a table and writes JSON. See docs/performance.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cables", type=int, default=10_000, help="size of the generated corpus (10,000)"
        )
        parser.add_argument(
            "--corpus",
            metavar="PATH",
            help="import this instead of generating (a generate_corpus folder, the real "
            "wikileaks-cables-1000.tar.gz, a cables.csv...)",
        )
        parser.add_argument("--seed", type=int, default=0, help="seed of the generated corpus")
        parser.add_argument(
            "--databases", default="sqlite,postgres", help="comma-separated: sqlite,postgres"
        )
        parser.add_argument("--parse-only", action="store_true", help="only the parse speed")
        parser.add_argument(
            "--parse-pages", type=int, help="parse only the first N real pages (default all)"
        )
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="import_cables --workers"
        )
        parser.add_argument(
            "--requests", type=int, default=20, help="timed requests per URL (default 20)"
        )
        parser.add_argument(
            "--seconds-per-url",
            type=float,
            default=20.0,
            help="stop timing a URL after this many seconds (default 20)",
        )
        parser.add_argument(
            "--postgres-url",
            help="PostgreSQL server to create the benchmark database on (default: the one of "
            f"DATABASE_URL, else {DEFAULT_POSTGRES_URL})",
        )
        parser.add_argument(
            "--postgres-database",
            default=BENCH_DATABASE,
            help=f"name of the database created and dropped ({BENCH_DATABASE})",
        )
        parser.add_argument(
            "--serve-only",
            action="store_true",
            help="time the pages of the databases given by --database-url: no parse speed, no "
            "import; the databases are neither changed (but for their cached counts, emptied "
            "first) nor dropped",
        )
        parser.add_argument(
            "--database-url",
            action="append",
            default=[],
            metavar="URL",
            help="with --serve-only: an imported database, as in DATABASE_URL "
            "(sqlite:////path/to/file.sqlite3, postgres://user@host:5432/name); repeat it to "
            "measure several",
        )
        parser.add_argument(
            "--keep-cache",
            action="store_true",
            help="with --serve-only: leave the cached counts as they are (first requests may "
            "then be served from the cache)",
        )
        parser.add_argument(
            "--keep",
            metavar="DIR",
            help="keep the imported databases for --serve-only: the SQLite file in DIR, the "
            "PostgreSQL database under its name (not dropped)",
        )
        parser.add_argument(
            "--output", metavar="FILE", help="JSON results (default var/benchmark-<time>.json)"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1:
            raise CommandError("--requests must be at least 1")
        output = Path(
            options["output"]
            or settings.BASE_DIR / "var" / f"benchmark-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
        )
        if options["serve_only"] or options["database_url"]:
            results = self.serve_only(options)
        else:
            results = self.full_run(options)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        self.stdout.write(report(results))
        self.stdout.write(f"results written to {output}")

    def serve_only(self, options):
        if not options["serve_only"]:
            raise CommandError("--database-url measures an imported database: add --serve-only")
        if not options["database_url"]:
            raise CommandError("--serve-only needs a --database-url to measure")
        if options["corpus"] or options["parse_only"]:
            raise CommandError("--serve-only imports nothing: drop --corpus and --parse-only")
        try:
            return serve_existing(
                options["database_url"],
                requests=options["requests"],
                seconds_per_url=options["seconds_per_url"],
                clear_cache=not options["keep_cache"],
                log=lambda line: self.stderr.write(line),
            )
        except NotAnArchive as error:
            raise CommandError(str(error)) from None

    def full_run(self, options):
        databases = tuple(name.strip() for name in options["databases"].split(",") if name)
        unknown = set(databases) - {"sqlite", "postgres"}
        if unknown or not databases:
            raise CommandError("--databases takes sqlite, postgres or both")
        corpus = options["corpus"]
        if corpus and not Path(corpus).exists():
            raise CommandError(f"no such corpus: {corpus}")
        if options["cables"] < 1:
            raise CommandError("--cables must be at least 1")
        needs_real_pages = options["parse_only"] or not corpus
        if needs_real_pages and not runner.DONOR_ARCHIVE.exists():
            needs = (
                "--parse-only times" if options["parse_only"] else "a generated corpus recombines"
            )
            raise CommandError(
                f"{needs} the real pages of {runner.DONOR_ARCHIVE}, which are not there: "
                "run from a checkout beside ../shared/corpus, or give --corpus"
            )
        try:
            return self.run(options, databases, corpus)
        except DatabaseExists as error:
            raise CommandError(str(error)) from None

    def run(self, options, databases, corpus):
        return run_benchmark(
            cables=options["cables"],
            corpus=Path(corpus).resolve() if corpus else None,
            databases=databases,
            seed=options["seed"],
            workers=options["workers"],
            requests=options["requests"],
            seconds_per_url=options["seconds_per_url"],
            parse_only=options["parse_only"],
            parse_limit=options["parse_pages"],
            postgres_url=options["postgres_url"] or default_postgres_url(),
            postgres_database=options["postgres_database"],
            keep=Path(options["keep"]).resolve() if options["keep"] else None,
            log=lambda line: self.stderr.write(line),
        )
