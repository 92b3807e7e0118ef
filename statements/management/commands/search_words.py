from django.core.management.base import BaseCommand

from infra.queue import enqueue
from statements.catalog.indexing import search_words_rebuild
from statements.catalog.tasks import search_words_task


class Command(BaseCommand):
    help = "Rebuild the vocabulary behind the search's “did you mean” from the index."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="hand the rebuild to the task queue's workers (CELERY_BROKER_URL) and return",
        )

    def handle(self, *args, **options):
        if options["queue"]:
            if enqueue(search_words_task):
                self.stdout.write(self.style.SUCCESS("Handed to the task queue."))
                return
            self.stdout.write("No task queue answers: rebuilding here.")
        count = search_words_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{count} words in the vocabulary."))
