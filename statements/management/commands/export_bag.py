from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements.copies.bags import bag_export
from statements.models import Statement


class Command(BaseCommand):
    help = (
        "Write the public archive as a BagIt preservation package in DIR: every public "
        "version as JSON Lines with its text's SHA-256, the original files, the WARC "
        "captures, a README and bag-info.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", metavar="DIR", help="the bag's folder (new or empty)")

    def handle(self, *args, dir, **options):
        total = Statement.objects.published().count()
        bar = tqdm(total=total, unit=" statements", disable=not self.stdout.isatty())
        try:
            report = bag_export(Path(dir), progress=lambda: bar.update(1))
        except OSError as error:
            raise CommandError(f"Cannot write {dir}: {error}") from None
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Preservation package in {dir}: {report.summary()}."))
