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

from statements.citations import person_name_parts
from statements.models import Author, Authorship, Statement, credited, tags_by_name

DC_ELEMENTS = "http://purl.org/dc/elements/1.1/"
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _slashed(date) -> str:
    """Highwire's date form, as precise as the date: 2025, 2025/03 or 2025/03/14."""
    return date.isoformat().replace("-", "/")


def highwire_tags(statement: Statement, *, url: str) -> list[tuple[str, str]]:
    tags = [("citation_title", statement.title)]
    tags += [("citation_author", author.name) for author in credited(statement, "author")]
    if statement.issued:
        tags.append(("citation_publication_date", _slashed(statement.issued)))
        tags.append(("citation_date", _slashed(statement.issued)))
    if statement.language:
        tags.append(("citation_language", statement.language))
    tags += [("citation_keywords", tag.name) for tag in tags_by_name(statement)]
    tags.append(("citation_public_url", url))
    tags.append(("citation_abstract_html_url", url))
    return tags


def dublin_core_tags(statement: Statement, *, url: str) -> list[tuple[str, str]]:
    tags = [("DC.title", statement.title)]
    tags += [("DC.creator", author.name) for author in credited(statement, "author")]
    tags += [
        ("DC.contributor", author.name)
        for author in credited(statement, "signatory") + credited(statement, "translator")
    ]
    if statement.issued:
        tags.append(("DC.date", statement.issued.isoformat()))
    # "document", so that Zotero saves a statement as a document, not a journal article.
    tags.append(("DC.type", "document"))
    tags.append(("DC.format", "text/html"))
    tags.append(("DC.identifier", url))
    if statement.language:
        tags.append(("DC.language", statement.language))
    tags += [("DC.subject", tag.name) for tag in tags_by_name(statement)]
    if statement.summary:
        tags.append(("DC.description", statement.summary))
    if statement.rights:
        tags.append(("DC.rights", statement.rights))
    if statement.place:
        tags.append(("DC.coverage", statement.place))
    tags += [("DC.source", source.url) for source in statement.sources.all() if source.url]
    tags.append(("DC.publisher", settings.ARCHIVE_NAME))
    return tags


def _schema_agent(author: Author, base: str) -> dict:
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
        "author": [_schema_agent(a, base) for a in credited(statement, Authorship.Role.AUTHOR)],
        "isPartOf": {"@type": "WebSite", "name": settings.ARCHIVE_NAME, "url": base + "/"},
        "dateModified": statement.updated_at.isoformat(),
    }
    contributors = credited(statement, Authorship.Role.SIGNATORY)
    if contributors:
        data["contributor"] = [_schema_agent(a, base) for a in contributors]
    translators = credited(statement, Authorship.Role.TRANSLATOR)
    if translators:
        data["translator"] = [_schema_agent(a, base) for a in translators]
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
