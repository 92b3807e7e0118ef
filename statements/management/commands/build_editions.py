from django.core.management.base import BaseCommand

from statements.catalog.selectors import statement_detail_queryset
from statements.core.pandoc import ConversionError
from statements.editions.books import PAPERS
from statements.editions.services import IMPOSITIONS, EditionOptions, edition_get


class Command(BaseCommand):
    help = (
        "Make the EPUB and PDF files of every published statement ahead of the first reader "
        "(those already made for the current version are left as they are)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-papers",
            action="store_true",
            help="every paper size and the A5 booklet too, not only EPUB and A4",
        )

    def handle(self, *args, **options):
        wanted = [("epub", EditionOptions(paper="", imposed="")), ("pdf", EditionOptions())]
        if options["all_papers"]:
            wanted += [("pdf", EditionOptions(paper=p)) for p in PAPERS if p != "a4"]
            wanted += [("pdf", EditionOptions(paper="a5", imposed=i)) for i in IMPOSITIONS]
        made = kept = failed = 0
        statements = statement_detail_queryset().published().order_by("pk")
        for statement in statements.iterator(chunk_size=100):
            for fmt, edition in wanted:
                try:
                    _name, new = edition_get(statement, fmt=fmt, options=edition)
                except ConversionError as error:
                    failed += 1
                    self.stderr.write(f"{statement.slug}.{fmt}: {error}")
                    continue
                made, kept = made + new, kept + (not new)
        self.stdout.write(
            self.style.SUCCESS(f"{made} files made, {kept} already there, {failed} failed.")
        )
