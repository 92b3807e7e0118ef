"""What "public" means: published, and its publication time come. One definition in Python
(public_at), one in SQL (statements_public_at, migration 0033) that every query reaches
through IsPublic; tests/catalog/test_public.py holds the two together."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q


def public_at(status: str, published_at: datetime.datetime | None, at: datetime.datetime) -> bool:
    """The one definition of public, in Python: published, and its time come by ``at``. The
    database's is the SQL function statements_public_at (migration 0033), which every query
    uses through statements_is_public; a test holds the two together."""
    return status == "published" and published_at is not None and published_at <= at


class IsPublic(models.Func):
    """statements_is_public(status, published_at): public at the statement's start time.
    An SQL function PostgreSQL inlines, so the indexes on status and date still serve."""

    function = "statements_is_public"
    arity = 2
    output_field = models.BooleanField()


def published_via(prefix: str = "") -> Q:
    """Public, as the database decides it (IsPublic). ``prefix`` sees it from a model related
    to Statement ("authorships__statement")."""
    lead = f"{prefix}__" if prefix else ""
    return Q(IsPublic(F(f"{lead}status"), F(f"{lead}published_at")))


def credit_public_via(prefix: str = "") -> Q:
    """A credit the public may know of: any but a signatory of a statement that shows only
    its signatories' number. ``prefix`` sees it from a model related to Authorship
    ("authorships"). The SQL of the search and the summary says the same in their words:
    ``(s.signatories_public OR ship.role <> 'signatory')``."""
    lead = f"{prefix}__" if prefix else ""
    return Q(**{f"{lead}statement__signatories_public": True}) | ~Q(**{f"{lead}role": "signatory"})
