from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements.copies.zim import zim_export


class Command(BaseCommand):
    help = (
        "Write the public site as a ZIM file (FILE) for Kiwix: every statement, author, tag "
        "and year page, the home page as main page, with full-text and title indexes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the ZIM file to write (replaced)")
        parser.add_argument("--workers", type=int, default=None,
                            help="processes rendering pages (default: one per core)")  # fmt: skip

    def handle(self, *args, file, workers, **options):
        if workers is not None and workers < 1:
            raise CommandError("--workers: at least 1")
        if not file.endswith(".zim"):
            raise CommandError("FILE: a name ending in .zim")
        bar = tqdm(unit=" pages", disable=not self.stdout.isatty())
        try:
            report = zim_export(Path(file), progress=lambda: bar.update(1), workers=workers)
        except (OSError, RuntimeError) as error:
            raise CommandError(f"Cannot write {file}: {error}") from None
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"ZIM file {file}: {report.summary()}."))
