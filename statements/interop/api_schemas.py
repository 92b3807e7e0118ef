"""The JSON API's types (django-ninja schemas, pydantic models): what each operation of
interop.api answers, and the parameters of its lists. The OpenAPI schema is made from them."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

# --- response types ------------------------------------------------------------------------


class Error(Schema):
    detail: str = Field(description="What was wrong, for a person to read.")


class AuthorRef(Schema):
    name: str
    slug: str
    kind: Literal["collective", "organisation", "person"]
    url: str = Field(description="The author's page on the site.")
    api_url: str


class Credit(AuthorRef):
    role: Literal["author", "signatory", "translator", "publisher"]


class TagRef(Schema):
    name: str
    slug: str
    url: str
    api_url: str


class PartialDateOut(Schema):
    value: str = Field(description="ISO 8601 as precise as known: 2025, 2025-03 or 2025-03-14.")
    precision: Literal["year", "month", "day"]
    start: datetime.date = Field(description="The first day of the period.")
    end: datetime.date = Field(description="The last day of the period.")


class SourceOut(Schema):
    kind: Literal["original", "retrieved", "translated"]
    url: str | None
    site_name: str | None
    retrieved_on: PartialDateOut | None
    archived_url: str | None
    note: str | None = Field(description="The source line as written.")


class StatementOut(Schema):
    slug: str
    title: str
    subtitle: str | None
    summary: str | None
    issued: PartialDateOut | None = Field(description="The date of the statement.")
    date_text: str | None = Field(description="The date as written in the source.")
    language: str | None = Field(description="ISO 639-1 code.")
    authors: list[AuthorRef]
    tags: list[TagRef]
    published_at: datetime.datetime
    updated_at: datetime.datetime
    url: str = Field(description="The statement's page on the site.")
    api_url: str


class StatementDetailOut(StatementOut):
    place: str | None
    rights: str | None
    body: str = Field(description="The text, in Markdown.")
    body_html: str = Field(description="The text as sanitised HTML.")
    credits: list[Credit] = Field(description="Everyone credited: authors, signatories, ...")
    sources: list[SourceOut]
    downloads: dict[str, str] = Field(description="Download and citation formats: suffix → URL.")


class AuthorOut(AuthorRef):
    statements: int = Field(description="Published statements credited to the author.")
    statements_api_url: str


class AuthorDetailOut(AuthorOut):
    alternative_names: list[str]
    description: str | None
    website: str | None
    location: str | None
    wikidata_id: str | None = Field(description="The author's Wikidata item (Q12345).")
    viaf_id: str | None = Field(description="The author's VIAF cluster number.")
    same_as: list[str] = Field(description="The author's records in Wikidata and VIAF.")


class TagOut(TagRef):
    statements: int
    statements_api_url: str


class PageOut(Schema):
    count: int = Field(description="How many results there are (search: at most 1,000).")
    count_capped: bool = Field(description="True when a search found more than it counts.")
    page: int
    next: str | None
    previous: str | None


class StatementPage(PageOut):
    some_words: bool = Field(
        default=False,
        description="True when no statement holds every word searched: the results hold "
        "some of them.",
    )
    results: list[StatementOut]


class AuthorPage(PageOut):
    results: list[AuthorOut]


class TagPage(PageOut):
    results: list[TagOut]


# --- errors --------------------------------------------------------------------------------


Sort = Literal["relevance", "-date", "date", "title", "-added"]


class StatementQuery(Schema):
    """The parameters, for the schema; their values are checked by the site's own filter form
    (catalog.filters.StatementFilterForm), so a bad one gets the site's message."""

    q: str | None = Field(
        None, max_length=500, description="Words to search for (web search syntax)."
    )
    tag: list[str] | None = Field(None, description="Tag slugs; a statement must have them all.")
    author: str | None = Field(None, description="An author's slug (any role).")
    year: str | None = Field(None, description="A year of issue: four digits.")
    from_: str | None = Field(
        None,
        alias="from",
        description="Dated on or after this partial date (2025, 2025-03, 2025-03-14, or as "
        "the site writes dates: March 2025, 14 March 2025; periods that overlap count).",
    )
    to: str | None = Field(None, description="Dated on or before this partial date.")
    lang: str | None = Field(None, description="ISO 639-1 code.")
    sort: Sort | None = Field(
        None,
        description="relevance (searches only, their default), -date (default), date, "
        "title, -added.",
    )
    page: int = Field(1, ge=1, le=100_000)
