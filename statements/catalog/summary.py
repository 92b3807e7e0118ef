"""The archive-wide counts, kept up to date on write instead of counted on every view.

The home page's totals, the tag cloud, the years and months, and the number of statements
behind every tag, author, year and month page (their paginators' counts) all come from one
row (``ArchiveSummary``), read in one query. Every write path already says that public
pages changed (``statements.cache.public_pages_changed``); that also moves the sequence
``statements_summary_seq``, once inside the writer's transaction (so that the writer sees
its own change) and once after its commit (so that a reader who recomputed in between,
without the uncommitted rows, is behind again). A reader that finds the row behind the
sequence, or past the next scheduled publication, recomputes it: a few grouped queries once
per change, not per view. A sequence takes no lock, so parallel import writers never wait
on one another for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse

from statements.core.languages import language_name
from statements.models import Tag

_COMPUTE = """
WITH pub AS (
    SELECT id, date_start, date_precision, language, signatories_public FROM statements_statement
     WHERE statements_is_public(status, published_at)
)
SELECT json_build_object(
    'statements', (SELECT count(*) FROM pub),
    'undated', (SELECT count(*) FROM pub WHERE date_start IS NULL),
    'tags', (SELECT coalesce(json_object_agg(tag_id, n), '{}') FROM (
        SELECT t.tag_id, count(*) AS n FROM statements_taggedstatement t
          JOIN pub ON pub.id = t.content_object_id GROUP BY 1) AS x),
    'authors', (SELECT coalesce(json_object_agg(author_id, n), '{}') FROM (
        SELECT a.author_id, count(*) AS n FROM statements_authorship a
          JOIN pub ON pub.id = a.statement_id
         WHERE pub.signatories_public OR a.role <> 'signatory' GROUP BY 1) AS x),
    'years', (SELECT coalesce(json_object_agg(y, n), '{}') FROM (
        SELECT extract(year FROM date_start)::int AS y, count(*) AS n FROM pub
         WHERE date_start IS NOT NULL GROUP BY 1) AS x),
    'languages', (SELECT coalesce(json_object_agg(language, n), '{}') FROM (
        SELECT language, count(*) AS n FROM pub WHERE language <> '' GROUP BY 1) AS x),
    'months', (SELECT coalesce(json_object_agg(m, n), '{}') FROM (
        SELECT to_char(date_start, 'YYYY-MM') AS m, count(*) AS n FROM pub
         WHERE date_start IS NOT NULL AND date_precision <> 'year' GROUP BY 1) AS x)
), (SELECT min(published_at) FROM statements_statement
     WHERE status = 'published' AND published_at > statement_timestamp())
"""


@dataclass(frozen=True)
class Summary:
    """Published statements only: in all, per tag, per author (credits), per year and per
    month (``"YYYY-MM"``, statements dated at least to the month)."""

    version: str  # another whenever the counts may differ: a change, or a publication due
    statements: int
    undated: int
    tag_counts: dict[int, int]
    author_credits: dict[int, int]
    year_counts: dict[int, int]
    month_counts: dict[str, int]
    language_counts: dict[str, int]

    @property
    def authors(self) -> int:
        return len(self.author_credits)

    @property
    def tags(self) -> int:
        return len(self.tag_counts)

    def top_tag_ids(self, limit: int) -> list[int]:
        """The most used tags, most used first (ties: the older tag first)."""
        return sorted(self.tag_counts, key=lambda pk: (-self.tag_counts[pk], pk))[:limit]

    @classmethod
    def from_data(cls, data: dict, *, change: int, expires) -> Summary:
        return cls(
            version=f"{change}-{expires.timestamp() if expires else ''}",
            statements=data["statements"],
            undated=data["undated"],
            tag_counts={int(k): v for k, v in data["tags"].items()},
            author_credits={int(k): v for k, v in data["authors"].items()},
            year_counts={int(k): v for k, v in data["years"].items()},
            month_counts=dict(data["months"]),
            language_counts=dict(data["languages"]),
        )


def _sequence_moved() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('statements_summary_seq')")


def archive_summary_changed() -> None:
    """Published statements, their credits or tags changed (or may have): the summary is
    recomputed by its next reader, in this transaction and after its commit."""
    _sequence_moved()
    transaction.on_commit(_sequence_moved)


# The summary this process last read, with the change and expiry it was computed at: while
# the row is still at those, the query does not send the data again, nor is it parsed again.
_last_read: tuple[tuple, Summary] | None = None


def archive_summary() -> Summary:
    """The current summary: one query, or a recomputation once after a change."""
    global _last_read
    known = _last_read[0] if _last_read else (None, None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN q.is_called THEN q.last_value ELSE 0 END, s.change,"
            " CASE WHEN (s.change, s.expires_at) IS DISTINCT FROM (%s, %s::timestamptz)"
            # As json, which psycopg parses: Django's connections leave jsonb as text.
            " THEN s.data::json END, s.expires_at,"
            " s.expires_at IS NULL OR s.expires_at > statement_timestamp()"
            " FROM statements_summary_seq AS q"
            " LEFT JOIN statements_archivesummary AS s ON s.id = 1",
            list(known),
        )
        change, stored_change, data, expires, current = cursor.fetchone()
        if stored_change == change and current:
            if data is None and _last_read is not None:
                return _last_read[1]
            summary = Summary.from_data(data, change=change, expires=expires)
            _last_read = ((change, expires), summary)
            return summary
        cursor.execute(_COMPUTE)
        data, expires = cursor.fetchone()
        cursor.execute(
            "INSERT INTO statements_archivesummary (id, change, data, expires_at)"
            " VALUES (1, %s, %s, %s) ON CONFLICT (id) DO UPDATE"
            " SET change = EXCLUDED.change, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at"
            " WHERE statements_archivesummary.change <= EXCLUDED.change",
            [change, json.dumps(data), expires],
        )
    summary = Summary.from_data(data, change=change, expires=expires)
    _last_read = ((change, expires), summary)
    return summary


# What the pages read of it.


def archive_counts() -> dict[str, int]:
    """What the home page counts, published statements only (from the kept summary)."""
    summary = archive_summary()
    return {"statements": summary.statements, "authors": summary.authors, "tags": summary.tags}


def tags_top(*, limit: int) -> list[Tag]:
    """The most used tags (on published statements), with ``count``, most used first."""
    summary = archive_summary()
    ids = summary.top_tag_ids(limit)
    found = Tag.objects.in_bulk(ids)
    tags = [found[pk] for pk in ids if pk in found]
    for tag in tags:
        tag.count = summary.tag_counts[tag.pk]
    return tags


def archive_languages() -> list[tuple[str, str]]:
    """The languages of published statements, (code, English name), by name."""
    counts = archive_summary().language_counts
    return sorted(((code, language_name(code)) for code in counts), key=lambda pair: pair[1])


def archive_years() -> list[dict]:
    """Years of issue with their number of published statements and their page's ``url``,
    newest first. Numbers come as text: a page of 170 years formatted each number through
    the locale machinery."""
    counts = archive_summary().year_counts
    before, after = reverse("statements:archive_year", args=[1]).split("0001")
    return [
        {"year": str(year), "count": str(counts[year]), "url": f"{before}{year:04d}{after}"}
        for year in sorted(counts, reverse=True)
    ]


def archive_months(*, year: int) -> list[dict]:
    """Months of a year that have statements dated at least to the month, with counts."""
    counts = archive_summary().month_counts
    found = [(month, counts.get(f"{year:04d}-{month:02d}")) for month in range(1, 13)]
    return [{"month": month, "count": count} for month, count in found if count]


def archive_year_count(*, year: int) -> int:
    return archive_summary().year_counts.get(year, 0)


def archive_month_count(*, year: int, month: int) -> int:
    return archive_summary().month_counts.get(f"{year:04d}-{month:02d}", 0)


def archive_timeline():
    """The timeline of the whole archive (catalog.timeline), from the kept counts: no query
    but the summary's own. Its bars link to the year's and month's pages."""
    from statements.catalog.timeline import timeline_build, timeline_from_summary

    kept = archive_summary()
    counts = timeline_from_summary(kept.year_counts, kept.month_counts)
    # Each address reversed once and filled in per bar: a reverse costs 70 µs, and twelve
    # years drawn by month are 156 bars.
    year_url, month_url = (
        reverse("statements:archive_year", args=[1]).split("0001"),
        reverse("statements:archive_month", args=[1, 1]).split("0001/01"),
    )

    def link(start: str, end: str) -> str:
        if len(start) == 4:
            return f"{year_url[0]}{start}{year_url[1]}"
        return f"{month_url[0]}{start.replace('-', '/')}{month_url[1]}"

    return timeline_build(
        counts,
        undated=kept.undated,
        link=link,
        undated_url=reverse("statements:archive_undated"),
    )


def archive_undated_count() -> int:
    return archive_summary().undated


def archive_year_neighbours(*, year: int) -> tuple[int | None, int | None]:
    """The nearest earlier and later years that have statements."""
    years = archive_summary().year_counts
    earlier = [y for y in years if y < year]
    later = [y for y in years if y > year]
    return (max(earlier) if earlier else None, min(later) if later else None)


def archive_month_neighbours(
    *, year: int, month: int
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The nearest earlier and later months, (year, month), that have statements dated at
    least to the month."""
    here = f"{year:04d}-{month:02d}"
    months = archive_summary().month_counts
    earlier = [m for m in months if m < here]
    later = [m for m in months if m > here]

    def pair(key: str) -> tuple[int, int]:
        return int(key[:4]), int(key[5:])

    return (pair(max(earlier)) if earlier else None, pair(min(later)) if later else None)
