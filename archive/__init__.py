# The task queue's application, loaded with Django so that tasks bind to it (archive.celery).
from archive.celery import app as celery_app

__all__ = ("celery_app",)
