"""Relevance floors on the judged queries (tests/search/judgements/queries.txt), measured as
bench.relevance measures them: the shared corpus, the seed and the demo set in one archive,
each query run through the search as the search page runs it.

The floors sit a little under the figures measured when the ranking was written (see
docs/readers/search.md), so that a change cannot make relevance worse without a test failing.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from bench.relevance import (
    CLASSES,
    SHARED,
    archive_fill,
    archive_search,
    evaluate,
    judgements_read,
    naive_search,
    search_filters,
)
from statements.models import Statement
from statements.search.selectors import statement_search
from tests.factories import module_transaction

pytestmark = pytest.mark.skipif(
    not (SHARED / "corpus").is_dir(),
    reason=f"../shared is not beside the project ({SHARED / 'corpus'} is missing)",
)

# Per class: the least nDCG@10 and MRR the search may give.
FLOORS = {
    "known": (0.95, 0.98),
    "author": (0.95, 0.95),
    "subject": (0.85, 0.90),
    "multilingual": (0.95, 0.95),
    "date": (0.95, 0.95),
    "nothing": (1.0, 1.0),
    "overall": (0.94, 0.97),
}


@pytest.fixture(scope="module")
def judged_archive(django_db_setup, django_db_blocker):
    """The judged archive, built once for the module and rolled back after it."""
    with module_transaction(django_db_blocker):
        archive_fill()
        yield judgements_read()


@pytest.fixture
def judged(judged_archive, db):
    return judged_archive


def test_the_judged_set_is_whole(judged):
    """At least 80 queries, every class, every graded statement public in the archive."""
    assert len(judged) >= 80
    assert {j.kind for j in judged} == set(CLASSES)
    public = set(Statement.objects.published().values_list("slug", flat=True))
    graded = {slug for j in judged for slug in j.grades}
    assert graded - public == set()
    assert all(j.grades for j in judged if j.kind != "nothing")


def test_relevance_holds_its_floors_and_beats_plain_ts_rank(judged):
    ours, naive = evaluate(archive_search, judged), evaluate(naive_search, judged)
    for kind, (ndcg, mrr) in FLOORS.items():
        assert ours[kind]["ndcg"] >= ndcg, (kind, ours[kind])
        assert ours[kind]["rr"] >= mrr, (kind, ours[kind])
    for kind in ("known", "subject", "overall"):
        assert ours[kind]["ndcg"] > naive[kind]["ndcg"], (kind, ours[kind], naive[kind])


def _slugs(rows):
    return rows.only("pk", "slug", "summary")


def _folded(title: str) -> str:
    """A title as the ranking compares it: lower case, no accents, words only."""
    plain = unicodedata.normalize("NFKD", title.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", plain))


def test_an_exact_title_is_always_first(judged):
    """Every statement's title (and title with subtitle), typed as a query, finds it first."""
    rows = list(Statement.objects.published().values_list("slug", "title", "subtitle"))
    misses = []
    for slug, title, subtitle in rows:
        for text in {title, f"{title} {subtitle}".strip()}:
            if not re.search(r"\w", text):
                continue
            found = statement_search(
                text=text,
                filters=search_filters(""),
                read=lambda q: q.only("pk", "slug", "summary"),
            ).rows
            first = [row.slug for row in found[:3]]
            # Namesakes (two texts titled alike, punctuation aside) share the first places.
            namesakes = sum(_folded(other) == _folded(title) for _, other, _ in rows)
            if slug not in first[:namesakes]:
                misses.append((text, first))
    assert misses == []


MARKDOWN_LEFT = re.compile(r"\\|##|\[\^|\*\*|\]\(|\||^\s*- ", re.M)


def test_snippets_of_real_texts_are_plain(judged):
    """No escape, heading hash, footnote mark, emphasis, link or table syntax is left in the
    snippets of the corpus's texts (Muse and Markdown converted by pandoc)."""
    seen, left = 0, []
    for query in judged:
        results = statement_search(text=query.text, filters=search_filters(query.params))
        for row in results.rows:
            words = str(getattr(row, "snippet", "") or "")
            seen += bool(words)
            if MARKDOWN_LEFT.search(words.replace("<mark>", "").replace("</mark>", "")):
                left.append((query.text, row.slug, words[:200]))
    assert seen > 500
    assert left == []
