"""Template tags of the search page (the ``search`` library): the result cards and the facet
links, each written in one pass rather than by template loops, which were most of a
search page's time (20 cards and up to 48 facet links, each link a ``{% querystring %}``).
"""

from __future__ import annotations

from html import escape

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from statements.catalog.cards import card_authors, card_tags
from statements.core.locales import text_direction
from statements.models.fields import slug_url

register = template.Library()

SUMMARY_LENGTH = 240


@register.simple_tag
def result_cards(rows) -> SafeString:
    """The cards of a page of results (rows of catalog.cards.statement_card_rows): title,
    authors, date, the snippet (or the summary when the body did not match), tags.

    Written with html.escape (what django.utils.html.escape calls) around every value
    taken from a statement; the snippet comes escaped and marked from highlight_html."""
    return mark_safe("".join(_card(row) for row in rows))  # noqa: S308 (see above)


def _card(statement) -> str:
    language = statement.language
    interface = get_language() or "en"
    lang = (
        f' lang="{escape(language)}" dir="{text_direction(language)}"'
        if language and language != interface
        else ""
    )
    authors = ", ".join(name for _slug, name in card_authors(statement))
    byline = f'<span class="byline">{escape(authors)}</span> ' if authors else ""
    issued = statement.issued
    if issued:
        when = f'<time datetime="{issued.isoformat()}">{issued.display()}</time>'
    else:
        when = f"<span>{escape(statement.date_text or _('Undated'))}</span>"
    snippet = getattr(statement, "snippet", "")
    text = ""
    if snippet:
        text = f'<p class="snippet"{lang}>{snippet}</p>'
    elif statement.summary:
        summary = escape(Truncator(statement.summary).chars(SUMMARY_LENGTH))
        text = f'<p class="card-summary"{lang}>{summary}</p>'
    tags = card_tags(statement)
    tag_list = ""
    if tags:
        links = (
            (escape(slug_url("statements:tag_detail", slug)), escape(name)) for slug, name in tags
        )
        items = "".join(f'<li><a href="{url}">{name}</a></li>' for url, name in links)
        tag_list = f'<ul class="tag-list" aria-label="{escape(_("Tags"))}">{items}</ul>'
    title = escape(statement.title)
    add = ADD_TO_BOOK.format(
        action=escape(reverse("statements:book_change")),
        slug=escape(statement.slug),
        label=escape(_("Add to book: %(title)s") % {"title": statement.title}),
        added=escape(_("In your book")),
        added_label=escape(_("In your book: %(title)s") % {"title": statement.title}),
        button=escape(_("Add to book")),
    )
    return (
        f'<li class="statement-card"><h2 class="card-title"><a href="'
        f'{escape(statement.get_absolute_url())}"{lang}>{title}</a></h2>'
        f'<p class="card-meta">{byline}{when}</p>{text}{add}{tag_list}</li>\n'
    )


# As in includes/_statement_card.html (the bookbuilder, interop.book).
ADD_TO_BOOK = (
    '<form class="add-to-book" method="post" action="{action}">'
    '<input type="hidden" name="action" value="add"><input type="hidden" name="s" value="{slug}">'
    '<button type="submit" aria-label="{label}" data-added="{added}" '
    'data-added-label="{added_label}">{button}</button></form>'
)


@register.simple_tag
def facet_items(rows) -> SafeString:
    """A facet's values as list items: each links the search narrowed to it, with its count
    (rows of the search view, which gives each its ``url`` and ``label``)."""
    return format_html_join(
        "",
        '<li><a href="{}">{}</a> <span class="count">({})</span></li>',
        ((row["url"], row["label"], row["count"]) for row in rows),
    )
