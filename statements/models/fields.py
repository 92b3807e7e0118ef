"""Fields and database expressions the archive's models share: web addresses that must be
http(s), partial dates kept as a first day and a precision, names folded for matching."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, ExtractDay, ExtractMonth
from django.db.models.lookups import Exact
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from statements.core.dates import Precision

http_url_validator = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://.")
)


class HttpURLField(models.URLField):
    """A URL that must be http or https (never javascript:, ftp: or file:)."""

    default_validators = [http_url_validator]

    def formfield(self, **kwargs):
        # A URL typed without a scheme ("www.example.org") is taken as https.
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def partial_date_constraints(prefix: str, model: str) -> list[models.CheckConstraint]:
    """A partial date is stored as its first day plus its precision: keep the pair coherent."""
    start, precision = f"{prefix}_start", f"{prefix}_precision"
    # The cast gives a NULL a type when Django checks the constraint in Python (full_clean):
    # EXTRACT(DAY FROM NULL) alone is ambiguous to PostgreSQL.
    typed_start = Cast(F(start), models.DateField())
    starts_on_day_one = Exact(ExtractDay(typed_start), 1)
    starts_in_january = Exact(ExtractMonth(typed_start), 1)
    return [
        models.CheckConstraint(
            condition=Q(**{f"{start}__isnull": True, precision: ""})
            | Q(**{f"{start}__isnull": False, f"{precision}__in": Precision.values}),
            name=f"{model}_{prefix}_precision_matches_start",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: Precision.MONTH}) | Q(starts_on_day_one),
            name=f"{model}_{prefix}_month_starts_on_first",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: Precision.YEAR}) | Q(starts_on_day_one, starts_in_january),
            name=f"{model}_{prefix}_year_starts_on_january_first",
        ),
    ]


def folded_name() -> models.Func:
    """A name as imports match it: lower case, no accents (``archive_fold``, an immutable
    wrapper of unaccent made by migration 0017, so that it can be indexed)."""
    return models.Func(F("name"), function="archive_fold", output_field=models.TextField())


class Sha256Hex(models.Func):
    """A text's SHA-256 as 64 hex digits, of its UTF-8 bytes. convert_to() is only STABLE
    (it reads the encoding's name), so a generated column calls an IMMUTABLE wrapper made
    by migration 0021: the database is UTF-8 by construction."""

    function = "archive_sha256_hex"
    output_field = models.CharField()


_SLUG_PLACEHOLDER = "0slug0"  # a valid slug that no real address contains twice
_slug_url_parts: dict[tuple, tuple[str, str]] = {}


def slug_url(viewname: str, slug: str, *args: str) -> str:
    """``reverse(viewname, args=[slug, *args])``, made once per URL configuration, script
    prefix and ``args``, and then filled in: lists, feeds and sitemaps build thousands of
    these, at a tenth of reverse()'s cost. The slug is quoted as reverse() quotes it."""
    # The interface's language too: /uk/… pages link to /uk/… addresses.
    key = (
        viewname,
        args,
        get_script_prefix(),
        get_urlconf(),
        settings.ROOT_URLCONF,
        get_language(),
    )
    parts = _slug_url_parts.get(key)
    if parts is None:
        before, after = reverse(viewname, args=[_SLUG_PLACEHOLDER, *args]).split(_SLUG_PLACEHOLDER)
        parts = _slug_url_parts[key] = (before, after)
    return parts[0] + quote_slug(slug) + parts[1]


def quote_slug(slug: str) -> str:
    """A slug as reverse() quotes it in an address: letters, digits, "-" and "_" (ASCII ones
    need no quoting: the common case skips quote(), the cost of most of a sitemap)."""
    if slug.isascii():
        return slug
    return quote(slug, safe=RFC3986_SUBDELIMS + "/~:@")
