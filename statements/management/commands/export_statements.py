from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements.core.pandoc import ConversionError
from statements.ingest.formats.writers import EXPORT_FORMATS, statements_export


class Command(BaseCommand):
    help = (
        "Export every statement (drafts included) as JSON Lines (one file), or as Muse or "
        "Markdown (a folder, one file per statement)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="a file (jsonl) or a folder")
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl")

    def handle(self, *args, out, format, **options):
        try:
            count = statements_export(out=Path(out), format=format)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error}") from None
        except ConversionError as error:
            raise CommandError(f"Stopped: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"{count} statements written to {out}."))
