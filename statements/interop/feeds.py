"""Atom and RSS feeds of the latest published statements: all of them, per tag, per author.

Each entry carries a permanent id (a tag URI on the statement's number, which survives a
change of slug), its title, every author, the time it was last updated, a summary, its link
and its tags as categories. Drafts and scheduled statements never appear.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Substr
from django.http import Http404
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from statements.catalog import cards, selectors
from statements.catalog.filters import StatementFilters
from statements.catalog.recent import changes_recent
from statements.core.rendering import without_note_popovers
from statements.core.xmltext import xml_text
from statements.models import last_changed, slug_url

FEED_LENGTH = 50
LEAD_CHARACTERS = 3_000  # of the rendered body, for entries without a summary


def statement_tag_uri(domain: str, pk: int) -> str:
    """The permanent id of a statement in feeds and catalogues (RFC 4151 tag URI)."""
    host = split_domain_port(domain)[0] or "localhost"
    return f"tag:{host},{settings.ARCHIVE_TAG_YEAR}:statement/{pk}"


def feed_statements(*, tag=None, author=None):
    """The latest public statements (newest first), as list rows, with the start of the body
    for entries without a summary."""
    queryset = selectors.statement_filtered(
        filters=StatementFilters(), tags=[tag] if tag else [], author=author
    )
    return (
        cards.statement_card_rows(queryset, "published_at", "updated_at")
        .annotate(lead=Substr("body_html", 1, LEAD_CHARACTERS), modified=last_changed())
        .order_by("-published_at", "-pk")[:FEED_LENGTH]
    )


class WrittenOnce:
    """A feed written into a string, then into the response at once: Django's generator
    writes each tag, attribute and text piece straight to the response (80,000 writes for
    a feed of 50 entries, each encoded and appended), which took more than the data."""

    def write(self, outfile, encoding):
        text = io.StringIO()
        super().write(text, encoding)
        outfile.write(text.getvalue())


class OnceAtom1Feed(WrittenOnce, Atom1Feed):
    """Django's Atom, written at once."""


class ArchiveAtomFeed(OnceAtom1Feed):
    """Atom with every author of an entry (Django's writes one)."""

    def item_attributes(self, item):
        # The entry's language, from which readers take its direction (Arabic: right to
        # left); Atom has no attribute for direction itself.
        language = item.get("text_language")
        return {"xml:lang": language} if language else {}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, link in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", link)
            handler.endElement("author")


class ArchiveRssFeed(WrittenOnce, Rss201rev2Feed):
    """RSS 2.0 with authors as ``dc:creator`` (RSS's own ``author`` wants an email)."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": "http://purl.org/dc/elements/1.1/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _link in item.get("authors", ()):
            handler.addQuickElement("dc:creator", name)


class StatementFeed(Feed):
    feed_type = ArchiveAtomFeed
    suffix = "atom"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def feed_url(self, obj):
        return self.request.path

    def items(self, obj):
        return feed_statements()

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        # Summaries are plain text and the feed's description is HTML: escaped, shown as is.
        if item.summary:
            return escape(xml_text(item.summary))
        lead = Truncator(strip_tags(without_note_popovers(item.lead))).words(60)
        return escape(xml_text(" ".join(lead.split())))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return statement_tag_uri(self.request.get_host(), item.pk)

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified

    def item_categories(self, item):
        return [xml_text(name) for _slug, name in cards.card_tags(item)]

    def item_extra_kwargs(self, item):
        base = self.request.build_absolute_uri("/").rstrip("/")
        return {
            "authors": [
                (xml_text(name), base + slug_url("statements:author_detail", slug))
                for slug, name in cards.card_authors(item)
            ],
            "text_language": item.language,
        }


class LatestFeed(StatementFeed):
    def title(self):
        return _("%(archive)s: latest statements") % {"archive": settings.ARCHIVE_NAME}

    def link(self):
        return reverse("statements:home")

    def description(self):
        return _("The statements most recently published in the archive.")


class TagFeed(StatementFeed):
    def get_object(self, request, slug):
        tag = selectors.tag_get(slug=slug)
        if tag is None:
            raise Http404(_("No tag at this address."))
        return tag

    def title(self, obj):
        title = _("%(archive)s: statements tagged “%(name)s”")
        return xml_text(title % {"archive": settings.ARCHIVE_NAME, "name": obj.name})

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        # RSS readers render a channel's description as HTML: a name is text, escaped.
        return escape(xml_text(_("The latest statements tagged “%(name)s”.") % {"name": obj.name}))

    def items(self, obj):
        return feed_statements(tag=obj)


class AuthorFeed(StatementFeed):
    def get_object(self, request, slug):
        author = selectors.author_get(slug=slug)
        if author is None:
            raise Http404(_("No author at this address."))
        return author

    def title(self, obj):
        title = _("%(archive)s: statements by %(name)s")
        return xml_text(title % {"archive": settings.ARCHIVE_NAME, "name": obj.name})

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        description = _("The latest statements by or signed by %(name)s.")
        return escape(xml_text(description % {"name": obj.name}))

    def items(self, obj):
        return feed_statements(author=obj)


def _rss(feed_class):
    return type(feed_class.__name__ + "Rss", (feed_class,), {"feed_type": ArchiveRssFeed})


FEEDS = {
    "latest": (LatestFeed, _rss(LatestFeed)),
    "tag": (TagFeed, _rss(TagFeed)),
    "author": (AuthorFeed, _rss(AuthorFeed)),
}


class ChangesFeed(Feed):
    """Recent changes (/changes.atom): one entry per public version, linked to its address,
    for readers who follow corrections."""

    feed_type = OnceAtom1Feed

    def title(self):
        return _("%(archive)s: recent changes") % {"archive": settings.ARCHIVE_NAME}

    def description(self):
        return _("Corrections and additions to the archive's statements, one entry a version.")

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def link(self):
        return reverse("statements:changes")

    def feed_url(self):
        return self.request.path

    def items(self):
        return changes_recent(limit=FEED_LENGTH)

    def item_title(self, item):
        return xml_text(f"{item.statement_title}: version {item.revision.number}")

    def item_description(self, item):
        revision = item.revision
        said = f"“{revision.public_reason}”. " if revision.public_reason else ""
        signed = f" Signed: {revision.signed_by}." if revision.signed_by else ""
        touched = revision.public_touched.capitalize()
        if revision.hidden:
            said, touched = "", revision.hidden_label
        text = f"{said}{touched}.{signed} Body SHA-256 {revision.body_sha256}."
        return escape(xml_text(text))

    def item_link(self, item):
        return reverse("statements:statement_version", args=[item.slug, item.revision.number])

    def item_guid(self, item):
        host = split_domain_port(self.request.get_host())[0] or "localhost"
        return f"tag:{host},{settings.ARCHIVE_TAG_YEAR}:version/{item.slug}/{item.revision.number}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.revision.at

    def item_updateddate(self, item):
        return item.revision.at
