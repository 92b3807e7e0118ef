"""Template tags for what a statement page embeds for other tools: Highwire, Dublin Core and
schema.org metadata in its head, and its citations (with COinS) in its footer. The page's
view belongs to the catalogue; these keep it free of any knowledge of the formats."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from statements.catalog.revisions import Revision
from statements.interop import metadata
from statements.interop.citations import (
    CITATION_LINKS,
    statement_citation_text,
    statement_formatted_citations,
)
from statements.models import Author, Statement

register = template.Library()


@register.inclusion_tag("includes/_embedded_metadata.html", takes_context=True)
def embedded_metadata(context, statement: Statement, url: str) -> dict:
    """Highwire ``citation_*`` and Dublin Core meta tags, schema.org JSON-LD, and links to
    the citation downloads, for the head of ``statement``'s page at ``url``."""
    base = context["request"].build_absolute_uri("/").rstrip("/")
    return {
        "statement": statement,
        "highwire": metadata.highwire_tags(statement, url=url),
        "dublin_core": metadata.dublin_core_tags(statement, url=url),
        "json_ld": metadata.json_ld_script(metadata.json_ld_data(statement, url=url, base=base)),
        "citation_links": CITATION_LINKS,
    }


@register.inclusion_tag("includes/_citations.html")
def statement_citations(statement: Statement, url: str, version: Revision | None = None) -> dict:
    """The "Cite this statement" block: plain, APA and Chicago citations, the downloads,
    and a COinS span for reference managers; of one version of it, if given."""
    accessed = timezone.localdate()
    version = version or None  # a page without one passes the empty string
    return {
        "statement": statement,
        "version": version,
        "citation": statement_citation_text(
            statement=statement, url=url, accessed=accessed, version=version
        ),
        "formatted_citations": statement_formatted_citations(
            statement=statement, url=url, accessed=accessed, version=version
        ),
        "citation_links": CITATION_LINKS,
        "coins": metadata.coins_title(statement, url=url),
    }


@register.simple_tag(takes_context=True)
def author_json_ld(context, author: Author) -> SafeString:
    """The JSON-LD of an author's page: the person or organisation, its other names, and
    its records in other authorities (sameAs: Wikidata, VIAF)."""
    base = context["request"].build_absolute_uri("/").rstrip("/")
    data = {"@context": "https://schema.org", **metadata.schema_agent(author, base)}
    if author.alternative_name_list:
        data["alternateName"] = author.alternative_name_list
    return metadata.json_ld_script(data)
