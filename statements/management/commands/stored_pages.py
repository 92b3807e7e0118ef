import argparse
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from statements.catalog.stored import (
    stored_pages_enabled,
    stored_pages_forget,
    stored_pages_prune,
    stored_pages_render,
)


def _part(value: str) -> tuple[int, int]:
    index, _, count = value.partition("/")
    if not (index.isdigit() and count.isdigit() and int(index) < int(count)):
        raise argparse.ArgumentTypeError("write the part as K/N, K below N")
    return int(index), int(count)


class Command(BaseCommand):
    help = (
        "Render and store the page of every published statement whose page is not stored, "
        "in the site's language (after an import, on a site with no task queue); with "
        "--forget, delete every stored page first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--forget", action="store_true", help="delete every stored page")
        parser.add_argument(
            "--jobs", type=int, default=1, help="processes rendering at once (default 1)"
        )
        # One process's share of --jobs: the statements whose id is K modulo N.
        parser.add_argument("--part", type=_part, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if not stored_pages_enabled():
            raise CommandError("Stored pages are off here (ARCHIVE_STORED_PAGES=0).")
        if options["forget"]:
            self.stdout.write(f"{stored_pages_forget()} stored pages deleted.")
        started = time.monotonic()
        jobs = max(1, min(options["jobs"], 16))
        if options["part"] is not None:
            rendered = stored_pages_render(part=options["part"])
        elif jobs == 1:
            rendered = stored_pages_render()
        else:
            stored_pages_prune()
            manage = str(settings.BASE_DIR / "manage.py")
            command = [sys.executable, manage, "stored_pages", "--verbosity", "0"]
            workers = [
                subprocess.Popen([*command, "--part", f"{k}/{jobs}"])  # noqa: S603
                for k in range(jobs)
            ]
            if any(worker.wait() for worker in workers):
                raise CommandError("A rendering process failed; run the command again.")
            rendered = None
        seconds = time.monotonic() - started
        if options["verbosity"]:
            count = "The missing statement pages were" if rendered is None else str(rendered)
            done = f"{count} rendered and stored in {seconds:.1f} s."
            self.stdout.write(self.style.SUCCESS(done))
