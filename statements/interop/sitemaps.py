"""The sitemap: an index (``/sitemap.xml``) of sections, each paged at 10,000 addresses, with
the time each page last changed. Only public pages are listed."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import caches
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Q
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date

from statements.catalog.summary import archive_summary
from statements.models import (
    Author,
    Statement,
    Tag,
    credit_public_via,
    last_changed,
    published_via,
    slug_url,
)


def _modified_via(prefix: str, *, author: bool = False):
    """The latest change among the public statements reached through ``prefix``."""
    return Max(
        last_changed(f"{prefix}__"),
        filter=published_via(prefix) & (credit_public_via("authorships") if author else Q()),
    )


class ArchiveSitemap(Sitemap):
    limit = 10_000

    def lastmod(self, item):
        return item["modified"]

    def get_latest_lastmod(self):
        # Django's default reads every item in Python; one aggregate does the same.
        return Statement.objects.published().aggregate(latest=Max(last_changed()))["latest"]


class SlugSitemap(ArchiveSitemap):
    """A section of pages addressed by slug alone (``url_name`` takes ``slug``); items are
    rows of ``slug`` and ``modified`` (model instances cost a fifth of a 10,000-address
    page)."""

    url_name: str

    def location(self, item):
        # reverse() for each address took half of a 10,000-address page (see slug_url).
        return slug_url(self.url_name, item["slug"])


class StatementSitemap(SlugSitemap):
    url_name = "statements:statement_detail"

    def items(self):
        return (
            Statement.objects.published()
            .annotate(modified=last_changed())
            .order_by("pk")
            .values("slug", "modified")
        )


class AuthorSitemap(SlugSitemap):
    url_name = "statements:author_detail"

    def items(self):
        return (
            Author.objects.annotate(modified=_modified_via("authorships__statement", author=True))
            .filter(modified__isnull=False)
            .order_by("pk")
            .values("slug", "modified")
        )


class TagSitemap(SlugSitemap):
    url_name = "statements:tag_detail"

    def items(self):
        return (
            Tag.objects.annotate(modified=_modified_via("tagged_statements__content_object"))
            .filter(modified__isnull=False)
            .order_by("pk")
            .values("slug", "modified")
        )


class YearSitemap(ArchiveSitemap):
    def items(self):
        return list(
            Statement.objects.published()
            .filter(date_start__isnull=False)
            .annotate(year=ExtractYear("date_start"))
            .values("year")
            .annotate(modified=Max(last_changed()))
            .order_by("year")
        )

    def location(self, item):
        return reverse("statements:archive_year", args=[item["year"]])


class PageSitemap(ArchiveSitemap):
    """The lists every reader starts from; they change whenever a statement does."""

    names = [
        "statements:home",
        "statements:statement_list",
        "statements:author_list",
        "statements:tag_list",
        "statements:archive_index",
    ]

    def items(self):
        latest = self.get_latest_lastmod()
        return [(name, latest) for name in self.names] if latest else []

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "pages": PageSitemap,
    "statements": StatementSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "years": YearSitemap,
}


SECTION_SECONDS = 24 * 3600


def section(request: HttpRequest, section: str) -> HttpResponse:
    """One section of the sitemap, page ``?p=``: the XML written in one pass over rows, and
    kept in the fragments cache until the archive changes (the summary's version): a
    section of 10,000 addresses through a template loop took a third of a second."""
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404(f"No sitemap section “{section}”.")
    page = request.GET.get("p", "1")
    origin = f"{request.scheme}://{get_current_site(request).domain}"
    key = f"sitemap:2:{section}:{page}:{origin}:{archive_summary().version}"
    cache = caches["fragments"]
    kept = cache.get(key)
    if kept is None:
        # The addresses in English (unprefixed), each with its alternates in every language.
        with translation.override(settings.LANGUAGE_CODE):
            kept = _section_xml(sitemap_class(), page, origin)
        cache.set(key, kept, SECTION_SECONDS)
    body, latest = kept
    response = HttpResponse(body, content_type="application/xml")
    if latest is not None:
        response["Last-Modified"] = http_date(latest.timestamp())
    return response


def _section_xml(sitemap: ArchiveSitemap, page: str, origin: str) -> tuple[str, object]:
    """The section's XML and its latest change; Http404 for a page it does not have."""
    try:
        rows = sitemap.paginator.page(page).object_list
    except EmptyPage:
        raise Http404(f"The sitemap section has no page {page}.") from None
    except PageNotAnInteger:
        raise Http404(f"No page “{page[:20]}”.") from None
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n'
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n']  # fmt: skip
    prefixes = [(code, "" if code == settings.LANGUAGE_CODE else f"/{code}")
                for code, _name in settings.LANGUAGES]  # fmt: skip
    latest = None
    for item in rows:
        modified = sitemap.lastmod(item)
        path = sitemap.location(item)
        loc = escape(origin + path)
        links = [(code, escape(origin + prefix + path)) for code, prefix in prefixes]
        links.append(("x-default", loc))
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href="{href}"/>' for code, href in links
        )
        if modified is None:
            parts.append(f"<url><loc>{loc}</loc>{alternates}</url>\n")
            continue
        # The day in UTC, as the database gives it.
        day = modified.date().isoformat()
        parts.append(f"<url><loc>{loc}</loc><lastmod>{day}</lastmod>{alternates}</url>\n")
        latest = modified if latest is None or modified > latest else latest
    parts.append("</urlset>\n")
    return "".join(parts), latest
