from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements.copies.data import data_export
from statements.models import Statement


class Command(BaseCommand):
    help = (
        "Write the public archive as research data: CSV and JSON Lines tables (statements, "
        "authors, credits, tags, sources, versions) and a Frictionless datapackage.json "
        "describing every field, into DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", metavar="DIR", help="the folder to write (made if missing)")

    def handle(self, *args, dir, **options):
        total = Statement.objects.published().count()
        bar = tqdm(total=total, unit=" statements", disable=not self.stdout.isatty())
        try:
            report = data_export(Path(dir), progress=lambda: bar.update(1))
        except OSError as error:
            raise CommandError(f"Cannot write {dir}: {error}") from None
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Research data in {dir}: {report.summary()}."))
