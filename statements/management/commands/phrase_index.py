from django.core.management.base import BaseCommand

from statements.catalog.phrase_index import phrase_index_build, phrase_index_state

STATES = {
    "valid": "The phrase index is in place.",
    "unavailable": "This PostgreSQL server has no rum extension: phrases are matched through "
    "the GIN index.",
}


class Command(BaseCommand):
    help = (
        "Build the phrase index (RUM) where it is missing or invalid, as after an import "
        "stopped half-way; reads and writes go on meanwhile."
    )

    def handle(self, *args, **options):
        if phrase_index_build():
            self.stdout.write(self.style.SUCCESS("The phrase index was built."))
        else:
            self.stdout.write(STATES[phrase_index_state()])
