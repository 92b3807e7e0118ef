from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.http import require_safe

from statements import converters  # noqa: F401 - registers the path converters
from statements.cache import public_page
from statements.catalog import history, views
from statements.copies import views as copies_views
from statements.interop import book, sitemaps
from statements.interop import views as interop_views
from statements.interop.feeds import FEEDS, ChangesFeed
from statements.interop.oai import oai_endpoint
from statements.interop.sitemaps import SITEMAPS
from statements.movement import views as movement_views
from statements.redaction import views as redaction_views
from statements.search import views as search_views
from statements.sources import views as source_views

app_name = "statements"

# A contract: feeds, outside links and later features depend on these paths and names.
urlpatterns = [
    path("", views.home, name="home"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/<uslug:slug>/", views.statement_detail, name="statement_detail"),
    path(
        "statements/<uslug:slug>.<download:fmt>",
        interop_views.statement_download,
        name="statement_download",
    ),
    path(
        "statements/<uslug:slug>.<edition:fmt>",
        interop_views.statement_edition,
        name="statement_edition",
    ),
    path("statements/<uslug:slug>/history/", history.statement_history, name="statement_history"),
    path(
        "statements/<uslug:slug>/v/<int:number>/",
        history.statement_version,
        name="statement_version",
    ),
    path(
        "statements/<uslug:slug>/v/<int:number>.<citation:fmt>",
        interop_views.statement_version_citation,
        name="statement_version_citation",
    ),
    path("changes/", history.changes, name="changes"),
    path("about/redactions/", redaction_views.redactions, name="redactions"),
    path("about/copies/", copies_views.copies, name="copies"),
    path("data/", copies_views.research_data, name="research_data"),
    path("changes.atom", require_safe(public_page(ChangesFeed())), name="changes_feed"),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<uslug:slug>/", views.author_detail, name="author_detail"),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<uslug:slug>/", views.tag_detail, name="tag_detail"),
    path("archive/", views.archive_index, name="archive_index"),
    path("archive/undated/", views.archive_undated, name="archive_undated"),
    path("archive/<yyyy:year>/", views.archive_year, name="archive_year"),
    path("archive/<yyyy:year>/<mm:month>/", views.archive_month, name="archive_month"),
    path("random/", views.random_statement, name="random"),
    path("network/", movement_views.network, name="network"),
    path("network.<slug:fmt>", movement_views.network_download, name="network_download"),
    path("sources/<int:source_id>/capture/", source_views.source_capture, name="source_capture"),
    path(
        "sources/<int:source_id>/capture/<int:capture_id>/",
        source_views.source_capture,
        name="source_capture_at",
    ),
    path(
        "sources/<int:source_id>/capture/<int:capture_id>/files/<int:index>/",
        source_views.source_capture_file,
        name="source_capture_file",
    ),
    path("search/", search_views.search, name="search"),
    path("book/", book.book_page, name="book"),
    path("book/change/", book.book_change, name="book_change"),
    path("book/book.<edition:fmt>", book.book_download, name="book_download"),
    path("opensearch.xml", search_views.opensearch, name="opensearch"),
    path("robots.txt", interop_views.robots_txt, name="robots"),
    path("oai/", oai_endpoint, name="oai"),
    path(
        "sitemap.xml",
        require_safe(public_page(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "statements:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        # Leaner than Django's view: no alternates, changefreq or priority (never set here),
        # written in one pass and kept until the archive changes (see the view).
        require_safe(public_page(sitemaps.section, params=("p",))),
        name="sitemap_section",
    ),
]


def _feed_paths() -> list:
    """/feeds/latest.atom, /feeds/tags/<slug>.rss, /feeds/authors/<slug>.atom ..."""
    paths = []
    for name, (atom, rss) in FEEDS.items():
        prefix = "feeds/latest" if name == "latest" else f"feeds/{name}s/<uslug:slug>"
        for suffix, feed in (("atom", atom), ("rss", rss)):
            view = require_safe(public_page(feed()))
            paths.append(path(f"{prefix}.{suffix}", view, name=f"feed_{name}_{suffix}"))
    return paths


urlpatterns += _feed_paths()
