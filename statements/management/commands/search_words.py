from django.core.management.base import BaseCommand

from statements.catalog.indexing import search_words_rebuild


class Command(BaseCommand):
    help = "Rebuild the vocabulary behind the search's “did you mean” from the index."

    def handle(self, *args, **options):
        count = search_words_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{count} words in the vocabulary."))
