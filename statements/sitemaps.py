"""The sitemap: an index (``/sitemap.xml``) of sections, each paged at 10,000 addresses, with
the time each page last changed. Only public pages are listed."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.urls import reverse

from statements.models import Author, Statement, Tag, last_changed
from statements.selectors import PUBLISHED, published_via


def _modified_via(prefix: str):
    """The latest change among the public statements reached through ``prefix``."""
    return Max(
        last_changed(f"{prefix}__"),
        filter=published_via(prefix),
    )


class ArchiveSitemap(Sitemap):
    limit = 10_000

    def lastmod(self, item):
        return item.modified

    def get_latest_lastmod(self):
        # Django's default reads every item in Python; one aggregate does the same.
        return Statement.objects.published().aggregate(latest=Max(last_changed()))["latest"]


class StatementSitemap(ArchiveSitemap):
    def items(self):
        return (
            Statement.objects.published()
            .annotate(modified=last_changed())
            .only("slug", "updated_at", "published_at")
            .order_by("pk")
        )


class AuthorSitemap(ArchiveSitemap):
    def items(self):
        return (
            Author.objects.annotate(modified=_modified_via("authorships__statement"))
            .filter(modified__isnull=False)
            .only("slug")
            .order_by("pk")
        )


class TagSitemap(ArchiveSitemap):
    def items(self):
        return (
            Tag.objects.annotate(modified=_modified_via("tagged_statements__content_object"))
            .filter(modified__isnull=False)
            .only("slug")
            .order_by("pk")
        )


class YearSitemap(ArchiveSitemap):
    def items(self):
        return list(
            Statement.objects.filter(PUBLISHED, date_start__isnull=False)
            .annotate(year=ExtractYear("date_start"))
            .values("year")
            .annotate(modified=Max(last_changed()))
            .order_by("year")
        )

    def location(self, item):
        return reverse("statements:archive_year", args=[item["year"]])

    def lastmod(self, item):
        return item["modified"]


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
