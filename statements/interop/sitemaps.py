"""The sitemap: an index (``/sitemap.xml``) of sections, each paged at 10,000 addresses, with
the time each page last changed. Only public pages are listed."""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from statements.models import Author, Statement, Tag, last_changed, published_via


def _modified_via(prefix: str):
    """The latest change among the public statements reached through ``prefix``."""
    return Max(
        last_changed(f"{prefix}__"),
        filter=published_via(prefix),
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
    PLACEHOLDER = "slug-placeholder"

    @functools.cached_property
    def _around(self) -> tuple[str, str]:
        path = reverse(self.url_name, kwargs={"slug": self.PLACEHOLDER})
        before, after = path.split(self.PLACEHOLDER)
        return before, after

    def location(self, item):
        # reverse() for each address took half of a 10,000-address page: the pattern is
        # reversed once, and the slug quoted exactly as reverse() quotes it.
        before, after = self._around
        return before + quote(item["slug"], safe=RFC3986_SUBDELIMS + "/~:@") + after


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
            Author.objects.annotate(modified=_modified_via("authorships__statement"))
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
