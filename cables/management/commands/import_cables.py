"""python manage.py import_cables PATH [PATH ...]"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cables.importing.parsers import ParserLost
from cables.importing.run import ImportInterrupted, ImportRunning, import_paths


class Command(BaseCommand):
    help = (
        "Import cables from files, folders and .tar/.tar.gz/.zip archives holding WikiLeaks "
        "cable pages, cables.csv or plain text. Unchanged cables are skipped; changed ones are "
        "updated in place. Exit status: 0 all imported, 1 some inputs rejected, 2 usage error, "
        "another import running or a parser process lost, 130 interrupted (Ctrl-C)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="parser processes (default: the number of cores)",
        )
        parser.add_argument("--report", metavar="FILE", help="write one JSON line per input")
        parser.add_argument("--quiet", action="store_true", help="print only the summary")

    def handle(self, *args, paths, workers, report, quiet, **options):
        missing = [path for path in paths if not os.path.lexists(path)]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}", returncode=2)
        if workers < 1:
            raise CommandError("--workers must be at least 1", returncode=2)
        report_file = None
        if report:
            try:
                report_file = Path(report).open("w", encoding="utf-8")  # noqa: SIM115
            except OSError as error:
                raise CommandError(f"cannot write the report: {error}", returncode=2) from None
        try:
            summary = import_paths(
                paths, workers=workers, report=report_file, stdout=self.stdout, quiet=quiet
            )
        except ImportRunning as error:
            raise CommandError(f"{error}; wait for it to end", returncode=2) from None
        except ParserLost as error:
            raise CommandError(str(error), returncode=2) from None
        except ImportInterrupted as error:
            raise CommandError(
                f"{error}; the cables written so far are kept: run the import again to go on",
                returncode=130,
            ) from None
        finally:
            if report_file:
                report_file.close()

        if not quiet:
            for source, reason in summary.rejected:
                self.stdout.write(f"rejected {source}: {reason}")
            more = summary.counts["rejected"] - len(summary.rejected)
            if more:
                self.stdout.write(f"… and {more} more rejected inputs (see --report)")
        self.stdout.write(summary.line())
        if summary.counts["rejected"]:
            raise SystemExit(1)
