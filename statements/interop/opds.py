"""An OPDS 1.2 catalogue at ``/opds/``, for e-book readers and catalogue clients.

``/opds/`` is a navigation feed: the latest statements, by tag, by author. Tags and authors are
navigation feeds of their own, paged; each tag, each author, the latest and a search are
acquisition feeds whose entries link every download of a statement (Markdown, Muse, plain text,
JSON) as open-access acquisitions. Every feed links to the catalogue's start, itself, the level
above, its neighbouring pages, and the OpenSearch description of the search.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from lxml import etree

from statements.cache import public_page
from statements.catalog import cards, selectors, summary
from statements.catalog.filters import StatementFilters
from statements.core.pagination import paginate
from statements.core.xmltext import xml_element
from statements.editions.services import EDITION_TYPES
from statements.ingest.formats.writers import DOWNLOADS
from statements.interop.feeds import statement_tag_uri
from statements.models import Statement, slug_url, tags_by_name
from statements.search import selectors as search_selectors
from statements.search.query import SearchSyntaxError, search_text_clean

ATOM = "http://www.w3.org/2005/Atom"
DCTERMS = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
DOWNLOAD_TITLES = {
    "md": "Markdown",
    "muse": "Muse (Amusewiki)",
    "txt": gettext_lazy("Plain text"),
    "json": "JSON",
    "epub": "EPUB",
    "pdf": "PDF",
}
ACQUISITION_PAGE = 50
NAVIGATION_PAGE = 200


def _el(parent, name: str, text: str | None = None, namespace: str = ATOM, **attributes):
    """An element of ``namespace`` (Atom unless said), by the XML helper OAI-PMH uses too."""
    return xml_element(parent, f"{{{namespace}}}{name}", text, **attributes)


class Catalogue:
    """One OPDS feed being written: the feed element, its links, then its entries."""

    def __init__(self, request: HttpRequest, *, title: str, kind: str, up: str | None) -> None:
        self.request = request
        self.base = request.build_absolute_uri("/").rstrip("/")
        self.kind = kind
        self.root = etree.Element(
            f"{{{ATOM}}}feed",
            nsmap={None: ATOM, "dc": DCTERMS, "opds": OPDS, "opensearch": OPENSEARCH},
        )
        _el(self.root, "id", self.base + request.path)
        _el(self.root, "title", title)
        self.updated = _el(self.root, "updated", timezone.now().isoformat())
        author = _el(self.root, "author")
        _el(author, "name", settings.ARCHIVE_NAME)
        _el(author, "uri", self.base + "/")
        self.link("self", request.get_full_path(), kind)
        self.link("start", reverse("opds:root"), NAVIGATION)
        if up:
            self.link("up", up, NAVIGATION)
        self.link("search", reverse("opds:opensearch"), OPENSEARCH_TYPE)

    def link(self, rel: str, href: str, type_: str, parent=None, **extra) -> None:
        """A link; addresses are absolute, as some OPDS clients do not resolve others."""
        href = self.base + href if href.startswith("/") else href
        _el(
            parent if parent is not None else self.root,
            "link",
            rel=rel,
            href=href,
            type=type_,
            **extra,
        )

    def pages(self, page) -> None:
        """first/previous/next/last links and OpenSearch counts of a paged feed."""
        path = self.request.path
        _el(self.root, "totalResults", str(page.paginator.count), namespace=OPENSEARCH)
        _el(self.root, "itemsPerPage", str(page.paginator.per_page), namespace=OPENSEARCH)
        _el(self.root, "startIndex", str(page.start_index() or 1), namespace=OPENSEARCH)
        self.link("first", path, self.kind)
        if page.has_previous():
            self.link("previous", f"{path}?page={page.previous_page_number()}", self.kind)
        if page.has_next():
            self.link("next", f"{path}?page={page.next_page_number()}", self.kind)
        if page.paginator.num_pages > 1:
            self.link("last", f"{path}?page={page.paginator.num_pages}", self.kind)

    def navigation_entry(self, *, title: str, href: str, kind: str, rel: str, text: str) -> None:
        entry = _el(self.root, "entry")
        _el(entry, "title", title)
        _el(entry, "id", self.base + href)
        _el(entry, "updated", self.updated.text)
        _el(entry, "content", text, type="text")
        self.link(rel, href, kind, parent=entry)

    def statement_entry(self, statement) -> None:
        entry = _el(self.root, "entry")
        _el(entry, "title", statement.title)
        _el(entry, "id", statement_tag_uri(self.host, statement.pk))
        for slug, name in _authors(statement):
            author = _el(entry, "author")
            _el(author, "name", name)
            _el(author, "uri", self.base + slug_url("statements:author_detail", slug))
        _el(entry, "updated", max(statement.updated_at, statement.published_at).isoformat())
        _el(entry, "published", statement.published_at.isoformat())
        if statement.issued:
            _el(entry, "issued", statement.issued.isoformat(), namespace=DCTERMS)
        if statement.language:
            _el(entry, "language", statement.language, namespace=DCTERMS)
        for slug, name in _tags(statement):
            _el(entry, "category", term=slug, label=name, scheme=self.tag_scheme)
        if statement.summary:
            _el(entry, "summary", statement.summary, type="text")
        self.link(
            "alternate",
            statement.get_absolute_url(),
            "text/html",
            parent=entry,
            title=_("Read online"),
        )
        for suffix, media_type in EDITION_TYPES.items():
            href = slug_url("statements:statement_edition", statement.slug, suffix)
            title = str(DOWNLOAD_TITLES[suffix])
            self.link(OPEN_ACCESS, href, media_type, parent=entry, title=title)
        for suffix, (media_type, _write) in DOWNLOADS.items():
            href = slug_url("statements:statement_download", statement.slug, suffix)
            self.link(
                OPEN_ACCESS,
                href,
                media_type.split(";")[0],
                parent=entry,
                title=str(DOWNLOAD_TITLES[suffix]),
            )

    @cached_property
    def host(self) -> str:
        return self.request.get_host()

    @cached_property
    def tag_scheme(self) -> str:
        return self.base + reverse("statements:tag_list")

    def response(self) -> HttpResponse:
        body = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")
        return HttpResponse(body, content_type=f"{self.kind};charset=utf-8")


@require_safe
@public_page
def root(request: HttpRequest) -> HttpResponse:
    feed = Catalogue(request, title=settings.ARCHIVE_NAME, kind=NAVIGATION, up=None)
    feed.navigation_entry(
        title=_("Latest statements"),
        href=reverse("opds:latest"),
        kind=ACQUISITION,
        rel="http://opds-spec.org/sort/new",
        text=_("The statements most recently published in the archive."),
    )
    feed.navigation_entry(
        title=_("By tag"),
        href=reverse("opds:tags"),
        kind=NAVIGATION,
        rel="subsection",
        text=_("Statements grouped by tag."),
    )
    feed.navigation_entry(
        title=_("By author"),
        href=reverse("opds:authors"),
        kind=NAVIGATION,
        rel="subsection",
        text=_("Statements grouped by the collectives and people who wrote or signed them."),
    )
    return feed.response()


def _authors(statement) -> list[tuple[str, str]]:
    """(slug, name) of the statement's authors: from card rows, or prefetched credits."""
    if hasattr(statement, "card_authors"):
        return cards.card_authors(statement)
    return [(credit.author.slug, credit.author.name) for credit in statement.credited]


def _tags(statement) -> list[tuple[str, str]]:
    if hasattr(statement, "card_tags"):
        return cards.card_tags(statement)
    return [(tag.slug, tag.name) for tag in tags_by_name(statement)]


ENTRY_FIELDS = ("published_at", "updated_at")  # an entry's, besides a card's


def _acquisition(
    request, *, title: str, statements, up: str, count: int | None = None
) -> HttpResponse:
    page = paginate(request, statements, per_page=ACQUISITION_PAGE, count=count)
    feed = Catalogue(request, title=title, kind=ACQUISITION, up=up)
    feed.pages(page)
    for statement in page.object_list:
        feed.statement_entry(statement)
    return feed.response()


@require_safe
@public_page(params=("page",))
def latest(request: HttpRequest) -> HttpResponse:
    statements = cards.statement_card_rows(
        Statement.objects.published().order_by("-published_at", "-pk"), *ENTRY_FIELDS
    )
    up = reverse("opds:root")
    count = summary.archive_counts()["statements"]
    return _acquisition(
        request, title=_("Latest statements"), statements=statements, up=up, count=count
    )


def _navigation(request, *, title: str, items, entry_url: str) -> HttpResponse:
    """A paged navigation feed of tags or authors (each with ``count``)."""
    page = paginate(request, items, per_page=NAVIGATION_PAGE)
    feed = Catalogue(request, title=title, kind=NAVIGATION, up=reverse("opds:root"))
    feed.pages(page)
    for item in page.object_list:
        feed.navigation_entry(
            title=item.name,
            href=reverse(entry_url, args=[item.slug]),
            kind=ACQUISITION,
            rel="subsection",
            text=f"{item.count} statement{'s' if item.count != 1 else ''}",
        )
    return feed.response()


@require_safe
@public_page(params=("page",))
def tags(request: HttpRequest) -> HttpResponse:
    items = selectors.tag_list()
    return _navigation(request, title=_("By tag"), items=items, entry_url="opds:tag")


@require_safe
@public_page(params=("page",))
def authors(request: HttpRequest) -> HttpResponse:
    items = selectors.author_list()
    return _navigation(request, title=_("By author"), items=items, entry_url="opds:author")


@require_safe
@public_page(params=("page",))
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.tag_get(slug=slug)
    if found is None:
        raise Http404(_("No tag at this address."))
    filters = StatementFilters(tags=(found.slug,), sort="-added")
    statements = selectors.statement_list(filters=filters, tags=[found], card_fields=ENTRY_FIELDS)
    title = _("Tagged “%(name)s”") % {"name": found.name}
    return _acquisition(
        request, title=title, statements=statements, up=reverse("opds:tags"), count=found.count
    )


@require_safe
@public_page(params=("page",))
def author(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.author_get(slug=slug)
    if found is None:
        raise Http404(_("No author at this address."))
    filters = StatementFilters(author=found.slug, sort="-added")
    statements = selectors.statement_list(filters=filters, author=found, card_fields=ENTRY_FIELDS)
    up = reverse("opds:authors")
    return _acquisition(request, title=found.name, statements=statements, up=up)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    text, _cut = search_text_clean(request.GET.get("q", ""))
    if not text:
        return HttpResponse(
            _("Give the words to search for: ?q=…"),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        results = search_selectors.statement_search(
            text=text, filters=StatementFilters(sort="relevance")
        )
    except SearchSyntaxError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    title = _("Search: %(text)s") % {"text": text}
    feed = Catalogue(request, title=title, kind=ACQUISITION, up=reverse("opds:root"))
    _el(feed.root, "totalResults", str(results.total), namespace=OPENSEARCH)
    for statement in results.rows:
        feed.statement_entry(statement)
    return feed.response()


def _short_name() -> str:
    """OpenSearch's ShortName: at most 16 characters."""
    name = settings.ARCHIVE_NAME
    return name if len(name) <= 16 else name.split()[0][:16]


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    root = etree.Element(f"{{{OPENSEARCH}}}OpenSearchDescription", nsmap={None: OPENSEARCH})
    _el(root, "ShortName", _short_name(), namespace=OPENSEARCH)
    description = _("Search %(archive)s") % {"archive": settings.ARCHIVE_NAME}
    _el(root, "Description", description, namespace=OPENSEARCH)
    _el(root, "InputEncoding", "UTF-8", namespace=OPENSEARCH)
    _el(root, "OutputEncoding", "UTF-8", namespace=OPENSEARCH)
    _el(
        root,
        "Url",
        namespace=OPENSEARCH,
        type=ACQUISITION,
        template=f"{base}{reverse('opds:search')}?q={{searchTerms}}",
    )
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type=f"{OPENSEARCH_TYPE}; charset=utf-8")


app_name = "opds"
urlpatterns = [
    path("", root, name="root"),
    path("latest/", latest, name="latest"),
    path("tags/", tags, name="tags"),
    path("tags/<uslug:slug>/", tag, name="tag"),
    path("authors/", authors, name="authors"),
    path("authors/<uslug:slug>/", author, name="author"),
    path("search/", search, name="search"),
    path("opensearch.xml", opensearch, name="opensearch"),
]
