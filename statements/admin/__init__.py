"""The editors' admin, one module per admin: statements (with its history, preview, import
and tag suggestions), authors, tags, imported files and cited sources."""

from statements.admin import (  # noqa: F401 (registered)
    authors,
    duplicates,
    files,
    redactions,
    sources,
    statements,
    tags,
)
from statements.admin.site import view_on_site

__all__ = ["view_on_site"]
