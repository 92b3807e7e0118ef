from django.core.management.base import BaseCommand, CommandError

from statements.cache import PageCacheUnreachable, page_cache_reach_check
from statements.redaction.backups import ActError, acts_apply, acts_read


class Command(BaseCommand):
    help = (
        "After restoring a dump older than some redactions: do again each act of FILE "
        "(written by redactions_since) that this database does not hold yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            page_cache_reach_check()
        except PageCacheUnreachable as error:
            raise CommandError(str(error)) from None
        try:
            with open(options["file"], encoding="utf-8") as handle:
                acts = acts_read(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        except (ActError, UnicodeDecodeError) as error:
            raise CommandError(f"{options['file']}: {error}") from None
        report = acts_apply(acts=acts)
        for act_id, why in report.failed.items():
            self.stderr.write(f"act {act_id} not applied: {why}")
        self.stdout.write(
            f"{len(report.applied)} acts applied again, {len(report.skipped)} already here, "
            f"{len(report.failed)} could not be applied."
        )
        if report.failed:
            raise CommandError("Some acts could not be applied; see above.")
