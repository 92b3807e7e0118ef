import re

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter
from django.views.decorators.http import require_GET

from statements import views
from statements.cache import public_page
from statements.citations import CITATION_DOWNLOADS
from statements.exporters import DOWNLOADS
from statements.feeds import FEEDS
from statements.oai import oai_endpoint
from statements.sitemaps import SITEMAPS


class UnicodeSlugConverter:
    """Slugs may be non-Latin (Macedonian, Chinese titles); anything else never reaches a view."""

    regex = r"[-\w]{1,255}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class YearConverter:
    regex = r"[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


class MonthConverter(YearConverter):
    regex = r"0[1-9]|1[0-2]"

    def to_url(self, value: int) -> str:
        return f"{int(value):02d}"


class DownloadFormatConverter(UnicodeSlugConverter):
    """A download's suffix: one of exporters.DOWNLOADS or citations.CITATION_DOWNLOADS."""

    regex = "|".join(re.escape(suffix) for suffix in (*CITATION_DOWNLOADS, *DOWNLOADS))


register_converter(UnicodeSlugConverter, "uslug")
register_converter(DownloadFormatConverter, "download")
register_converter(YearConverter, "yyyy")
register_converter(MonthConverter, "mm")

app_name = "statements"

# A contract: feeds, outside links and later features depend on these paths and names.
urlpatterns = [
    path("", views.home, name="home"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/<uslug:slug>/", views.statement_detail, name="statement_detail"),
    path(
        "statements/<uslug:slug>.<download:fmt>",
        views.statement_download,
        name="statement_download",
    ),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<uslug:slug>/", views.author_detail, name="author_detail"),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<uslug:slug>/", views.tag_detail, name="tag_detail"),
    path("archive/", views.archive_index, name="archive_index"),
    path("archive/<yyyy:year>/", views.archive_year, name="archive_year"),
    path("archive/<yyyy:year>/<mm:month>/", views.archive_month, name="archive_month"),
    path("random/", views.random_statement, name="random"),
    path("search/", views.search, name="search"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("oai/", oai_endpoint, name="oai"),
    path(
        "sitemap.xml",
        require_GET(public_page(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "statements:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        require_GET(public_page(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]


def _feed_paths() -> list:
    """/feeds/latest.atom, /feeds/tags/<slug>.rss, /feeds/authors/<slug>.atom ..."""
    paths = []
    for name, (atom, rss) in FEEDS.items():
        prefix = "feeds/latest" if name == "latest" else f"feeds/{name}s/<uslug:slug>"
        for suffix, feed in (("atom", atom), ("rss", rss)):
            view = require_GET(public_page(feed()))
            paths.append(path(f"{prefix}.{suffix}", view, name=f"feed_{name}_{suffix}"))
    return paths


urlpatterns += _feed_paths()
