"""Template tags of the public pages (the ``catalog`` library).

``{% statement_cards statements %}`` renders a list's cards. A card changes only when what
it shows does (the statement's title, date, language and summary, its authors' names, its
tags), so each is rendered once per version of those and kept in the ``fragments`` cache
under a digest of them: never stale, since a change makes another key. Rendering every card
with the template on every view was most of a list page's time.
"""

from __future__ import annotations

import datetime
import hashlib

from django import template
from django.core.cache import caches
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from statements.catalog.cards import card_authors, card_tags
from statements.core import locales
from statements.models.fields import slug_url

register = template.Library()

CARD_TEMPLATE = "includes/_statement_card.html"
CARD_VERSION = "4"  # change with the card's template, so that no old card is served
CARD_SECONDS = 30 * 24 * 3600  # a card of an old version goes in the end


def card_key(statement, authors, tags, marker: bool) -> str:
    """The digest of everything a card shows."""
    shown = (
        CARD_VERSION,
        get_language(),  # its words and its addresses are the interface language's
        marker,
        statement.pk,
        statement.slug,
        statement.title,
        statement.language,
        statement.date_start,
        statement.date_end,
        statement.date_precision,
        statement.date_text,
        statement.summary,
        authors,
        tags,
    )
    return "card:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


@register.simple_tag
def statement_cards(statements, *, month_unknown_marker=False) -> SafeString:
    """The cards of ``statements``, from the fragments cache or rendered and kept."""
    cache = caches["fragments"]
    marker = bool(month_unknown_marker)
    cards = []
    for statement in statements:
        authors = [name for _slug, name in card_authors(statement)]
        tags = card_tags(statement)
        cards.append((statement, authors, tags, card_key(statement, authors, tags, marker)))
    found = cache.get_many([key for *_, key in cards])
    missing = {}
    card_template = None
    for statement, authors, tags, key in cards:
        if key not in found:
            card_template = card_template or get_template(CARD_TEMPLATE)
            context = {
                "statement": statement,
                "authors": authors,
                "tags": [(name, slug_url("statements:tag_detail", slug)) for slug, name in tags],
                "month_unknown_marker": marker,
            }
            found[key] = missing[key] = card_template.render(context)
    if missing:
        cache.set_many(missing, timeout=CARD_SECONDS)
    # Each card is the output of an autoescaping template, never stored text as such.
    return mark_safe("".join(found[key] for *_, key in cards))  # noqa: S308


def _statements_count(count: int) -> str:
    return ngettext("%(counter)s statement", "%(counter)s statements", count) % {"counter": count}


@register.simple_tag
def year_links(years, *, index: bool = False) -> SafeString:
    """The years of selectors.archive_years as list items, each linking its page with its
    count: the home page's short form, or the "By date" page's (``index``). Built here
    rather than in a template loop: some 170 years made the loop a third of the home page."""
    if index:
        return format_html_join(
            "",
            '<li><a href="{}">{}</a> <span class="count">({})</span></li>',
            ((row["url"], row["year"], _statements_count(int(row["count"]))) for row in years),
        )
    return format_html_join(
        "",
        '<li><a href="{}">{} <span class="count">({})</span></a></li>',
        ((row["url"], row["year"], row["count"]) for row in years),
    )


@register.simple_tag
def credit_items(credits) -> SafeString:
    """An author page's credits as list items: each statement's title, linked, and its
    date. Built here rather than in a template loop (50 rows made the loop most of the
    page)."""
    return format_html_join("", "<li>{}</li>", ((_credit_item(credit),) for credit in credits))


def _credit_item(credit) -> SafeString:
    statement = credit.statement
    language = statement.language
    lang = (
        format_html(' lang="{}" dir="{}"', language, locales.text_direction(language))
        if language and language != get_language()
        else ""
    )
    issued = statement.issued
    when = (
        format_html('<time datetime="{}">{}</time>', issued.isoformat(), issued.display())
        if issued
        else _("Undated")
    )
    return format_html(
        '<a href="{}"{}>{}</a> <small>{}</small>',
        statement.get_absolute_url(),
        lang,
        statement.title,
        when,
    )


@register.filter
def local_date(value: datetime.date | datetime.datetime | None) -> str:
    """A day in the interface's language ("13 March 2025", "13 березня 2025 р.")."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return locales.format_day(value)


@register.filter
def local_month(value: datetime.date | None) -> str:
    """A month in the interface's language ("March 2025", "березень 2025 р.")."""
    return locales.format_month(value.year, value.month) if value else ""


@register.filter
def local_datetime(value: datetime.datetime | None) -> str:
    """A day and time in the interface's language ("13 March 2025, 14:05")."""
    if not value:
        return ""
    return locales.format_day_and_time(
        timezone.localtime(value) if timezone.is_aware(value) else value
    )


@register.filter
def text_dir(language: str) -> str:
    """ "rtl" for a statement in a language written right to left, else "ltr" ("" for none):
    for ``dir`` beside its ``lang``."""
    return locales.text_direction(language or "")


# Before each section heading after the first, and at the end: a link back to the contents,
# shown on narrow screens only (archive.css). Added when the page is rendered, never stored:
# feeds, the API and the books carry the text without it.
def back_to_contents() -> str:
    return format_html(
        '<p class="to-contents" lang="{}"><a href="#contents">↑ {}</a></p>',
        get_language() or "en",
        _("Back to contents"),
    )


@register.filter
def with_contents_links(body_html: str) -> SafeString:
    """A statement's sanitised HTML (``body_markup``) with a link back to its contents at the
    end of every top-level section."""
    head, *sections = str(body_html).split("<h2 ")
    if len(sections) < 2:
        return mark_safe(body_html)  # noqa: S308 - the sanitised body, unchanged
    link = back_to_contents()
    joined = link.join("<h2 " + section for section in sections)
    return mark_safe(head + joined + link)  # noqa: S308 - constant markup added
