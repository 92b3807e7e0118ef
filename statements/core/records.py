"""The records importers produce and the catalog's services consume: a statement, its
credits and its sources as plain values, before any row exists. Choices are the models'
values ("author", "collective", "retrieved", "draft"), spelled out here because core knows
no model."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Model

from statements.core.dates import PartialDate


@dataclass
class AuthorCredit:
    name: str
    role: str = "author"
    kind: str = "collective"


@dataclass
class SourceData:
    url: str = ""
    site_name: str = ""
    note: str = ""
    kind: str = "retrieved"
    retrieved_on: PartialDate | None = None
    archived_url: str = ""


@dataclass
class StatementData:
    """Everything needed to create a statement, as plain values."""

    title: str
    body: str = ""
    subtitle: str = ""
    slug: str = ""
    summary: str = ""
    issued: PartialDate | None = None
    date_text: str = ""
    place: str = ""
    language: str = ""
    rights: str = ""
    editorial_notes: str = ""
    status: str = "draft"
    published_at: datetime.datetime | None = None
    credits: Sequence[AuthorCredit] = field(default_factory=list)
    sources: Sequence[SourceData] = field(default_factory=list)
    tags: Sequence[str] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    uid: str = ""
    imported_from: Model | None = None  # the file it was read from (imports only)
