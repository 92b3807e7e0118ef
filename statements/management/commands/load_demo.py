from django.core.management.base import BaseCommand, CommandError

from statements.cache import PageCacheUnreachable, page_cache_reach_check
from statements.catalog.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo statements into an empty archive (never into one that has statements)."

    def handle(self, *args, **options):
        try:
            page_cache_reach_check()
        except PageCacheUnreachable as error:
            raise CommandError(str(error)) from None
        created = demo_load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo statements."))
        else:
            self.stdout.write("The archive already has statements: demo not loaded.")
