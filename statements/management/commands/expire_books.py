from django.conf import settings
from django.core.management.base import BaseCommand

from statements.editions.shelf import books_expire


class Command(BaseCommand):
    help = (
        "Remove the readers' books nobody asked for in ARCHIVE_BOOKS_KEEP_DAYS, and the least "
        "recently asked for past ARCHIVE_BOOKS_MAX_MB (the task queue's beat runs it daily)."
    )

    def handle(self, *args, **options):
        report = books_expire()
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.expired} not asked for in {settings.ARCHIVE_BOOKS_KEEP_DAYS} days, "
                f"{report.over_quota} past {settings.ARCHIVE_BOOKS_MAX_MB} MB and "
                f"{report.strays} unrecorded books removed."
            )
        )
