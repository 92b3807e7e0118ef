import datetime

from django.core.management.base import BaseCommand, CommandError

from statements.models import SourceCapture
from statements.sources.captures import captures_fixity
from statements.sources.checks import by_host_in_turn, cited_urls, sources_check


class Command(BaseCommand):
    help = (
        "Check the addresses the published statements cite (alive, moved, changed, gone), "
        "and capture each the first time it is seen alive. Run it from cron when no task "
        "queue is configured; an interrupted run resumes where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=20.0,
            metavar="HOURS",
            help="check only addresses not checked within this many hours (default 20; 0: all)",
        )
        parser.add_argument(
            "--workers", type=int, help="requests in flight at once (ARCHIVE_CHECK_WORKERS)"
        )
        parser.add_argument(
            "--per-host",
            type=int,
            metavar="N",
            help="requests to one host per minute at most (ARCHIVE_CHECK_PER_HOST_PER_MINUTE)",
        )
        parser.add_argument("--limit", type=int, help="check at most this many addresses")
        parser.add_argument("--url", action="append", default=[], help="check this address only")
        parser.add_argument("--no-capture", action="store_true", help="check only; capture nothing")
        parser.add_argument(
            "--fixity",
            action="store_true",
            help="instead: check every captured file against its SHA-256 (exit 1 if one fails)",
        )

    def handle(self, *args, **options):
        if options["fixity"]:
            self.fixity()
            return
        for name in ("workers", "per_host", "limit"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be 1 or more.")
        if options["older_than"] < 0:
            raise CommandError("--older-than must be 0 or more.")
        if options["url"]:
            cited = set(cited_urls())
            unknown = [url for url in options["url"] if url not in cited]
            if unknown:
                raise CommandError(f"No published statement cites {unknown[0]}.")
            urls = options["url"]
        else:
            hours = options["older_than"]
            urls = cited_urls(older_than=datetime.timedelta(hours=hours) if hours else None)
        urls = by_host_in_turn(urls[: options["limit"]] if options["limit"] else urls)
        verbose = options["verbosity"] > 1

        def progress(url, check):
            if verbose:
                self.stdout.write(f"{check.state:9} {check.status or check.error:>5}  {url}")

        report = sources_check(
            urls,
            workers=options["workers"],
            per_host_per_minute=options["per_host"],
            capture=not options["no_capture"],
            progress=progress,
        )
        states = ", ".join(f"{n} {state}" for state, n in sorted(report.states.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.checked} addresses checked in {report.seconds:.1f} s"
                + (f" ({states})" if states else "")
                + f"; {report.captured} captured"
                + (f", {report.capture_failures} could not be" if report.capture_failures else "")
                + "."
            )
        )

    def fixity(self):
        damaged = captures_fixity()
        for capture, problem in damaged:
            self.stderr.write(f"capture {capture.pk} ({capture.file}): {problem}")
        total = SourceCapture.objects.count()
        if damaged:
            raise CommandError(f"{len(damaged)} of {total} captures failed the fixity check.")
        self.stdout.write(self.style.SUCCESS(f"{total} captures checked: every SHA-256 holds."))
