"""Metadata embedded in a statement's page for reference managers and crawlers: Highwire
``citation_*`` tags, Dublin Core meta tags, schema.org JSON-LD and a COinS span.

Everything here returns plain values; the templates escape them. The JSON-LD is the one piece
written into a ``<script>`` element, so its ``<``, ``>`` and ``&`` are escaped as JSON
``\\u`` sequences (as Django's ``json_script`` does), and no stored text can close the element.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from statements.interop.citations import person_name_parts
from statements.models import Author, Authorship, Statement, credited, tags_by_name

DC_ELEMENTS = "http://purl.org/dc/elements/1.1/"
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def highwire_tags(statement: Statement, *, url: str) -> list[tuple[str, str]]:
    tags = [("citation_title", statement.title)]
    tags += [("citation_author", author.name) for author in credited(statement, "author")]
    if statement.issued:
        tags.append(("citation_publication_date", statement.issued.slashed()))
        tags.append(("citation_date", statement.issued.slashed()))
    if statement.language:
        tags.append(("citation_language", statement.language))
    tags += [("citation_keywords", tag.name) for tag in tags_by_name(statement)]
    tags.append(("citation_public_url", url))
    tags.append(("citation_abstract_html_url", url))
    return tags


# How each credited role is given in Dublin Core.
DC_ROLES = {
    Authorship.Role.AUTHOR: "creator",
    Authorship.Role.SIGNATORY: "contributor",
    Authorship.Role.TRANSLATOR: "contributor",
    Authorship.Role.PUBLISHER: "publisher",
}


def dublin_core(statement: Statement, *, url: str, dc_type: str) -> list[tuple[str, str]]:
    """The statement in the Dublin Core elements, as (element, value) pairs: the one mapping
    behind OAI-PMH's oai_dc records and the DC meta tags of its page.

    ``dc_type`` differs by reader: OAI-PMH harvesters expect the DCMI Type "Text", while
    Zotero reads a page's DC.type "document" as a document (not a journal article).
    """
    elements = [("title", statement.full_title)]
    for role in (Authorship.Role.AUTHOR, Authorship.Role.SIGNATORY, Authorship.Role.TRANSLATOR):
        elements += [(DC_ROLES[role], author.name) for author in credited(statement, role)]
    publishers = credited(statement, Authorship.Role.PUBLISHER)
    elements += [("publisher", author.name) for author in publishers]
    elements += [("subject", tag.name) for tag in tags_by_name(statement)]
    if statement.summary:
        elements.append(("description", statement.summary))
    if statement.issued:
        # As precise as it is: 2025, 2025-03 or 2025-03-14 (all W3CDTF).
        elements.append(("date", statement.issued.isoformat()))
    elements += [("type", dc_type), ("format", "text/html"), ("identifier", url)]
    elements += [
        ("source", source.url or source.site_name or source.note)
        for source in statement.sources.all()
    ]
    if statement.language:
        elements.append(("language", statement.language))
    if statement.rights:
        elements.append(("rights", statement.rights))
    if statement.place:
        elements.append(("coverage", statement.place))
    elements.append(("publisher", settings.ARCHIVE_NAME))
    return elements


def dublin_core_tags(statement: Statement, *, url: str) -> list[tuple[str, str]]:
    """The Dublin Core meta tags of a statement's page."""
    return [
        (f"DC.{element}", value)
        for element, value in dublin_core(statement, url=url, dc_type="document")
    ]


def schema_agent(author: Author, base: str) -> dict:
    person = author.kind == Author.Kind.PERSON
    agent = {
        "@type": "Person" if person else "Organization",
        "name": author.name,
        "url": base + author.get_absolute_url(),
    }
    # Split by the citations' rule only: "Family, Given", never a guess on spaces.
    parts = person_name_parts(author.name) if person else None
    if parts:
        agent["givenName"], agent["familyName"] = parts
    if author.same_as:
        agent["sameAs"] = author.same_as
    return agent


def json_ld_data(statement: Statement, *, url: str, base: str) -> dict:
    """A schema.org CreativeWork; dates as precise as they are (ISO 8601 allows 2025-03)."""
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": statement.title,
        "headline": statement.title[:110],
        "author": [schema_agent(a, base) for a in credited(statement, Authorship.Role.AUTHOR)],
        "isPartOf": {"@type": "WebSite", "name": settings.ARCHIVE_NAME, "url": base + "/"},
        "dateModified": statement.updated_at.isoformat(),
    }
    contributors = credited(statement, Authorship.Role.SIGNATORY)
    if contributors:
        data["contributor"] = [schema_agent(a, base) for a in contributors]
    translators = credited(statement, Authorship.Role.TRANSLATOR)
    if translators:
        data["translator"] = [schema_agent(a, base) for a in translators]
    if statement.subtitle:
        data["alternativeHeadline"] = statement.subtitle
    if statement.issued:
        data["dateCreated"] = statement.issued.isoformat()
    if statement.published_at:
        data["datePublished"] = statement.published_at.isoformat()
    if statement.language:
        data["inLanguage"] = statement.language
    tags = [tag.name for tag in tags_by_name(statement)]
    if tags:
        data["keywords"] = tags
    if statement.summary:
        data["abstract"] = statement.summary
    if statement.place:
        data["locationCreated"] = {"@type": "Place", "name": statement.place}
    sources = [s.url for s in statement.sources.all() if s.url]
    if sources:
        data["isBasedOn"] = sources
    if statement.rights:
        data["license"] = statement.rights
    return data


def json_ld_script(data: dict) -> SafeString:
    """The JSON for a ``<script type="application/ld+json">`` element, escaped for it."""
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - every <, > and & is escaped above


def coins_title(statement: Statement, *, url: str) -> str:
    """The OpenURL ContextObject (Z39.88-2004, Dublin Core format) of a COinS span."""
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rfr_id", f"info:sid/{settings.ARCHIVE_NAME}"),
        ("rft_id", url),
        ("rft.type", "document"),
        ("rft.title", statement.title),
    ]
    pairs += [("rft.creator", author.name) for author in credited(statement, "author")]
    if statement.issued:
        pairs.append(("rft.date", statement.issued.isoformat()))
    if statement.language:
        pairs.append(("rft.language", statement.language))
    pairs += [("rft.subject", tag.name) for tag in tags_by_name(statement)]
    pairs.append(("rft.publisher", settings.ARCHIVE_NAME))
    return urlencode(pairs)
