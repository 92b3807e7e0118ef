"""The catalog's slow work on the task queue (infra.queue)."""

from celery import shared_task

from statements.catalog.duplicates import duplicates_find
from statements.catalog.indexing import search_words_rebuild
from statements.catalog.stored import stored_pages_task

__all__ = ["duplicates_task", "search_words_task", "stored_pages_task"]  # the queue finds them here


@shared_task(name="archive.search_words", time_limit=3600)
def search_words_task() -> int:
    """Rebuild the vocabulary behind the search's "did you mean" (manage.py search_words)."""
    return search_words_rebuild()


@shared_task(name="archive.duplicates", time_limit=3600)
def duplicates_task() -> dict:
    """Look through the archive for texts alike (manage.py find_duplicates)."""
    return duplicates_find()
