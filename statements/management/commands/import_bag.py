from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements.copies.restore import BagRefused, bag_import


class Command(BaseCommand):
    help = (
        "Load a preservation package (export_bag) into this empty archive, after checking "
        "every file against the bag's manifests; each version keeps its number and date."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", metavar="DIR", help="the bag's folder")

    def handle(self, *args, dir, **options):
        if not (Path(dir) / "bagit.txt").is_file():
            raise CommandError(f"{dir} is not a bag: it has no bagit.txt.")
        try:
            report = bag_import(Path(dir))
        except BagRefused as error:
            raise CommandError(str(error)) from None
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot load {dir}: {error!r}; nothing was loaded.") from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {dir}: {report.summary()}."))
