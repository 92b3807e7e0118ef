from django.core.management.base import BaseCommand

from statements.ingest.tidying import statement_titles_tidy


class Command(BaseCommand):
    help = (
        'Take an export\'s address, site name ("| The Anarchist Library") or file extension '
        "off the end of stored titles. Each statement changed gets a revision; slugs stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args, dry_run, **options):
        changes = statement_titles_tidy(dry_run=dry_run)
        for change in changes:
            self.stdout.write(f"{change.slug}: {change.before!r} → {change.after!r}")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"{len(changes)} titles {verb}."))
