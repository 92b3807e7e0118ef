from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements.copies.publish import KINDS, copy_publish


class Command(BaseCommand):
    help = (
        "Make the copies that outlive the server into ARCHIVE_COPIES_ROOT and list them on "
        "/about/copies/: the git mirror, the ZIM file, the static site, the BagIt package "
        "and the research data (ARCHIVE_COPIES names which; --only chooses)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", choices=KINDS, metavar="KIND",
                            help=f"only these copies ({', '.join(KINDS)})")  # fmt: skip

    def handle(self, *args, only=None, **options):
        kinds = only or [kind for kind in settings.ARCHIVE_COPIES if kind in KINDS]
        for kind in kinds:
            bar = tqdm(unit=" items", desc=kind, disable=not self.stdout.isatty())
            try:
                entry = copy_publish(kind=kind, progress=lambda bar=bar: bar.update(1))
            except OSError as error:
                raise CommandError(f"Cannot make the {kind} copy: {error}") from None
            finally:
                bar.close()
            fixity = f"head {entry.head[:12]}" if kind == "git" else f"SHA-256 {entry.sha256}"
            self.stdout.write(self.style.SUCCESS(
                f"{kind}: {entry.file}, {entry.bytes / 1e6:,.1f} MB, {fixity}: {entry.summary}."
            ))  # fmt: skip
