"""The catalog's slow work on the task queue (infra.queue)."""

from celery import shared_task

from statements.catalog.indexing import search_words_rebuild
from statements.catalog.stored import stored_pages_task

__all__ = ["search_words_task", "stored_pages_task"]  # the queue finds them here


@shared_task(name="archive.search_words", time_limit=3600)
def search_words_task() -> int:
    """Rebuild the vocabulary behind the search's "did you mean" (manage.py search_words)."""
    return search_words_rebuild()
