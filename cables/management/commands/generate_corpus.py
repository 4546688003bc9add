"""python manage.py generate_corpus OUT_DIR [--cables N] [--seed S] [--format html|csv|text|all]"""

import time

from django.core.management.base import BaseCommand, CommandError

from cables.benchmarking.generator import FORMATS, RELEASE_SIZE, generate_corpus


class Command(BaseCommand):
    help = (
        "Write a synthetic corpus of real cables recombined under the release's reference IDs, "
        "as WikiLeaks pages (cable/YYYY/MM/ID.html), a cables.csv or text files "
        "(cable/YYYY/MM/ID.txt). The same seed gives the same bytes. With --format all each "
        "form goes in its own folder: html/, csv/, text/."
    )

    def add_arguments(self, parser):
        parser.add_argument("out_dir", metavar="OUT_DIR")
        parser.add_argument(
            "--cables", type=int, default=RELEASE_SIZE, help=f"default {RELEASE_SIZE:,}"
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--format", choices=[*FORMATS, "all"], default="html")

    def handle(self, *args, out_dir, cables, seed, format, **options):
        formats = FORMATS if format == "all" else (format,)
        started = time.monotonic()

        def progress(done):
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"{done:,}/{cables:,} cables, {rate:.0f} per second")

        try:
            summary = generate_corpus(
                out_dir, cables=cables, seed=seed, formats=formats, progress=progress
            )
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        labels = ", ".join(f"{count:,} {label}" for label, count in summary.labels.most_common())
        self.stdout.write(
            f"{summary.cables:,} cables in {seconds:.1f} s ({summary.cables / seconds:.0f} per "
            f"second), {summary.words_per_cable:.0f} words per cable, "
            f"{summary.with_references:,} with references; {labels}"
        )
        for path in summary.paths:
            self.stdout.write(f"wrote {path}")
