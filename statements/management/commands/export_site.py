from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements.copies.site import site_export


class Command(BaseCommand):
    help = (
        "Write the public site as static files with relative links into DIR: pages, "
        "downloads, feeds and the sitemap, for any static host or a file:// browser."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", metavar="DIR", help="the folder to write (new or empty)")
        parser.add_argument(
            "--base-url",
            default="",
            help="where the mirror will be published (https://mirror.example.org): the "
            "sitemap and feeds then name its pages",
        )

        parser.add_argument("--workers", type=int, default=None,
                            help="processes rendering pages (default: one per core)")  # fmt: skip

    def handle(self, *args, dir, base_url, workers, **options):
        if workers is not None and workers < 1:
            raise CommandError("--workers: at least 1")
        if base_url and not base_url.startswith(("https://", "http://")):
            raise CommandError("--base-url: an address starting with https:// or http://")
        bar = tqdm(unit=" pages", disable=not self.stdout.isatty())
        try:
            report = site_export(
                Path(dir), base_url=base_url, progress=lambda: bar.update(1), workers=workers
            )
        except OSError as error:
            raise CommandError(f"Cannot write {dir}: {error}") from None
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Static mirror in {dir}: {report.summary()}."))
