import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Look through the whole archive for statements whose texts are alike (MinHash of "
        "five-word runs): fingerprint the texts that are new or changed, then keep every pair "
        "found for the admin's list of possible duplicates. Pairs editors marked as not "
        "duplicates stay so."
    )

    def handle(self, *args, **options):
        from statements.catalog.duplicates import duplicates_find

        started = time.process_time()
        found = duplicates_find()
        self.stdout.write(
            self.style.SUCCESS(
                f"{found['fingerprinted']} texts fingerprinted; {found['pairs']} pairs alike, "
                f"{found['new']} new ({time.process_time() - started:.1f} s of CPU)."
            )
        )
