import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from statements.redaction.backups import acts_since


class Command(BaseCommand):
    help = (
        "Write every hide, suppression, removal and takedown since DATE (YYYY-MM-DD, or an "
        "ISO 8601 time) as JSON Lines, for redactions_apply after restoring an older dump."
    )

    def add_arguments(self, parser):
        parser.add_argument("date", help="YYYY-MM-DD or an ISO 8601 time")
        parser.add_argument("--out", help="write to this file instead of standard output")

    def handle(self, *args, **options):
        try:
            since = datetime.datetime.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"Not a date: {options['date']!r}. Write YYYY-MM-DD.") from None
        if timezone.is_naive(since):
            since = timezone.make_aware(since, datetime.UTC)
        lines = acts_since(since=since)
        if options["out"]:
            count = 0
            with open(options["out"], "w", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(line)
                    count += 1
            self.stderr.write(f"{count} acts written to {options['out']}.")
        else:
            for line in lines:
                self.stdout.write(line, ending="")
