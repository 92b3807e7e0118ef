from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements.copies.gitmirror import git_mirror


class Command(BaseCommand):
    help = (
        "Write the public archive as a git repository in DIR (bare), one commit per public "
        "version; a second run adds only the new versions, and rewrites the history where "
        "something was withheld or removed since."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", metavar="DIR", help="the repository (made if missing)")

    def handle(self, *args, dir, **options):
        bar = tqdm(unit=" commits", disable=not self.stdout.isatty())
        try:
            report = git_mirror(Path(dir), progress=lambda: bar.update(1))
        except (OSError, FileExistsError) as error:
            raise CommandError(f"Cannot write {dir}: {error}") from None
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Git mirror in {dir}: {report.summary()}."))
