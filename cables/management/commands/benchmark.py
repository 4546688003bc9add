"""python manage.py benchmark [--cables N | --corpus PATH] [--databases sqlite,postgres]"""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cables.benchmarking.runner import (
    BENCH_DATABASE,
    DEFAULT_POSTGRES_URL,
    report,
    run_benchmark,
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
            "--output", metavar="FILE", help="JSON results (default var/benchmark-<time>.json)"
        )

    def handle(self, *args, **options):
        databases = tuple(name.strip() for name in options["databases"].split(",") if name)
        unknown = set(databases) - {"sqlite", "postgres"}
        if unknown or not databases:
            raise CommandError("--databases takes sqlite, postgres or both")
        corpus = options["corpus"]
        if corpus and not Path(corpus).exists():
            raise CommandError(f"no such corpus: {corpus}")
        if options["cables"] < 1 or options["requests"] < 1:
            raise CommandError("--cables and --requests must be at least 1")
        output = Path(
            options["output"]
            or settings.BASE_DIR / "var" / f"benchmark-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
        )

        results = run_benchmark(
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
            log=lambda line: self.stderr.write(line),
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        self.stdout.write(report(results))
        self.stdout.write(f"results written to {output}")
