"""The archive's models, one module per family, under the one app label ``statements``
(tables and migrations are those of the former models.py)."""

from statements.models.duplicates import DuplicatePair, TextBand, TextFingerprint
from statements.models.fields import (
    HttpURLField,
    folded_name,
    http_url_validator,
    partial_date_constraints,
    slug_url,
)
from statements.models.history import (
    AuthorshipEvent,
    SourceEvent,
    StatementBodyEvent,
    StatementEvent,
    TaggingEvent,
)
from statements.models.names import Author, AuthorRedirect, Tag, TaggedStatement
from statements.models.pages import StoredPage
from statements.models.provenance import Source
from statements.models.public import IsPublic, credit_public_via, public_at, published_via
from statements.models.reading import credited, last_changed
from statements.models.records import (
    ArchiveSummary,
    ImportedFile,
    Job,
    KeptBook,
    PageCacheDebt,
    SearchWord,
    Withdrawal,
)
from statements.models.redactions import (
    HiddenVersion,
    ReasonClass,
    Redaction,
    RemovedAddress,
    RemovedName,
    Takedown,
    address_digest,
    name_digest,
)
from statements.models.sources import LinkState, SourceCapture, SourceCheck, SourceLink
from statements.models.statements import (
    SEARCH_VECTOR_FIELDS,
    Authorship,
    SlugRedirect,
    Statement,
    StatementManager,
    StatementQuerySet,
    tags_by_name,
    tags_prefetch,
)

__all__ = [
    "SEARCH_VECTOR_FIELDS",
    "ArchiveSummary",
    "Author",
    "AuthorRedirect",
    "Authorship",
    "AuthorshipEvent",
    "DuplicatePair",
    "HiddenVersion",
    "HttpURLField",
    "ImportedFile",
    "IsPublic",
    "Job",
    "KeptBook",
    "LinkState",
    "PageCacheDebt",
    "ReasonClass",
    "Redaction",
    "RemovedAddress",
    "RemovedName",
    "SearchWord",
    "SlugRedirect",
    "Source",
    "SourceCapture",
    "SourceCheck",
    "SourceEvent",
    "SourceLink",
    "Statement",
    "StatementBodyEvent",
    "StatementEvent",
    "StatementManager",
    "StatementQuerySet",
    "StoredPage",
    "Tag",
    "TaggedStatement",
    "TaggingEvent",
    "Takedown",
    "TextBand",
    "TextFingerprint",
    "Withdrawal",
    "address_digest",
    "credit_public_via",
    "credited",
    "folded_name",
    "http_url_validator",
    "last_changed",
    "name_digest",
    "partial_date_constraints",
    "public_at",
    "published_via",
    "slug_url",
    "tags_by_name",
    "tags_prefetch",
]
