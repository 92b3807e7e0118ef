"""Relevance of the search on judged queries, beside plain ts_rank in the same run.

The judged set (tests/search/judgements/queries.txt) grades statements of the shared corpus
(../shared/corpus), the seed and the demo set for each query. This script loads them into a
fresh archive, runs every query through the search (statement_search, as the search page
does) and through the naive baseline (every match ordered by ts_rank of the full vector),
and prints per query class:

- nDCG@10 (graded gain 2^g - 1, log2 discount; the ideal order from the judgements);
- MRR (the reciprocal rank of the first result of the query's highest grade);
- recall@20 (the share of judged statements on the first page).

A query of the class "nothing" scores 1 when the search finds nothing, else 0.

    .venv/bin/python -m bench.relevance [--database-url URL] [--keep | --reuse] [--queries]

tests/search/test_relevance.py holds the floors, on the same functions.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
JUDGEMENTS = ROOT / "tests" / "search" / "judgements" / "queries.txt"
SHARED = ROOT.parent / "shared"
CLASSES = ("known", "author", "subject", "multilingual", "date", "nothing")
DEPTH = 20  # one page of results


@dataclass(frozen=True)
class Judged:
    """One judged query: its class, its text, the search page's parameters, the grades."""

    kind: str
    text: str
    params: str = ""
    grades: dict[str, int] = field(default_factory=dict)


def judgements_read(path: Path = JUDGEMENTS) -> list[Judged]:
    """The judged queries of a file (see its header for the format)."""
    judged: list[Judged] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            kind, _, rest = line[1:].partition("] ")
            text, _, params = rest.partition(" | ")
            if kind not in CLASSES or not text.strip():
                raise ValueError(f"{path}:{number}: unknown class or no query: {line}")
            judged.append(Judged(kind, text.strip(), params.strip(), {}))
            continue
        grade, _, slug = line.partition(" ")
        if not judged or grade not in {"1", "2", "3"} or not slug.strip():
            raise ValueError(f"{path}:{number}: expected '<grade 1-3> <slug>': {line}")
        judged[-1].grades[slug.strip()] = int(grade)
    return judged


def corpus_files() -> list[Path]:
    """The shared corpus's texts and the seed, in a stable order."""
    corpus = SHARED / "corpus"
    files = sorted(
        p for p in corpus.rglob("*") if p.suffix in {".muse", ".txt", ".md"} and p.is_file()
    )
    files = [p for p in files if p.parent != corpus]  # SOURCES.md describes, it is no text
    return [*files, *sorted((SHARED / "seed").glob("*.txt"))]


def archive_fill() -> int:
    """The demo set, then the corpus and the seed, published: the judged archive."""
    from statements.catalog.demo import demo_load
    from statements.ingest.services import statement_import

    demo_load()
    report = statement_import(
        files=[(str(p), p.read_bytes()) for p in corpus_files()],
        status="published",
        processes=True,
    )
    if report.failed:
        raise RuntimeError(f"the corpus did not import: {report.failed[:3]}")
    from statements.models import Statement

    return Statement.objects.count()


def search_filters(params: str):
    from django.http import QueryDict

    from statements.catalog.filters import SEARCH_SORTS, statement_filters_parse

    return statement_filters_parse(QueryDict(params), sorts=SEARCH_SORTS, default_sort="relevance")


def archive_search(judged: Judged) -> list[str]:
    """The first page's slugs, as the search page orders them."""
    from statements.search.selectors import statement_search

    results = statement_search(
        text=judged.text,
        filters=search_filters(judged.params),
        read=lambda rows: rows.only("pk", "slug", "summary"),
    )
    return [row.slug for row in results.rows][:DEPTH]


def naive_search(judged: Judged) -> list[str]:
    """The baseline: the same match and filters, every match ordered by plain ts_rank of
    the full vector (title A, names B, summary and body C)."""
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F

    from statements.catalog.selectors import statement_filtered
    from statements.search.query import search_query

    query = search_query(judged.text)
    if query is None:
        return []
    matching = statement_filtered(filters=search_filters(judged.params), tags=[], author=None)
    ranked = (
        matching.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-pk")
    )
    return list(ranked.values_list("slug", flat=True)[:DEPTH])


def _dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def query_scores(ranked: list[str], judged: Judged) -> dict[str, float]:
    """nDCG@10, reciprocal rank and recall@20 of one query's results."""
    if judged.kind == "nothing":
        found_nothing = float(not ranked)
        return {"ndcg": found_nothing, "rr": found_nothing, "recall": found_nothing}
    grades = judged.grades
    ideal = _dcg(sorted(grades.values(), reverse=True)[:10])
    ndcg = _dcg([grades.get(slug, 0) for slug in ranked[:10]]) / ideal
    best = max(grades.values())
    rank = next((i for i, slug in enumerate(ranked, 1) if grades.get(slug) == best), None)
    recall = len(set(ranked[:DEPTH]) & set(grades)) / len(grades)
    return {"ndcg": ndcg, "rr": 1 / rank if rank else 0.0, "recall": recall}


Search = Callable[[Judged], list[str]]


def evaluate(search: Search, judged: list[Judged]) -> dict[str, dict[str, float]]:
    """Mean scores per class, and "overall" over every query; with each query's scores
    under "queries" (its text and class as the key) for a closer look."""
    per_query = {(j.kind, j.text, j.params): query_scores(search(j), j) for j in judged}
    table: dict[str, dict[str, float]] = {}
    for kind in [*CLASSES, "overall"]:
        rows = [s for (k, *_), s in per_query.items() if kind in (k, "overall")]
        if rows:
            table[kind] = {
                metric: sum(row[metric] for row in rows) / len(rows)
                for metric in ("ndcg", "rr", "recall")
            } | {"queries": len(rows)}
    table["queries"] = per_query  # type: ignore[assignment]
    return table


def report(ours: dict, naive: dict) -> str:
    lines = [
        f"{'class':<13} {'queries':>7}   {'nDCG@10':>15}   {'MRR':>15}   {'recall@20':>15}",
        f"{'':<13} {'':>7}   {'archive  naive':>15}   {'archive  naive':>15}   "
        f"{'archive  naive':>15}",
    ]
    for kind in [*CLASSES, "overall"]:
        if kind not in ours:
            continue
        cells = "   ".join(
            f"{ours[kind][m]:>7.3f} {naive[kind][m]:>6.3f}" for m in ("ndcg", "rr", "recall")
        )
        lines.append(f"{kind:<13} {ours[kind]['queries']:>7.0f}   {cells}")
    return "\n".join(lines)


def main() -> None:
    from bench.common import bench_environment, database_url_argument, drop_database, prepare

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_url_argument(parser)
    parser.add_argument("--queries", action="store_true", help="print every query's scores")
    parser.add_argument(
        "--reuse", action="store_true", help="judge the archive a --keep run left, unloaded"
    )
    args = parser.parse_args()
    if not (SHARED / "corpus").is_dir():
        raise SystemExit(f"no shared corpus at {SHARED / 'corpus'}: nothing to judge")
    env = bench_environment(args.database_url)
    if args.reuse:
        os.environ.update(env)
        django.setup()
    else:
        prepare(args.database_url, env)
        started = time.perf_counter()
        count = archive_fill()
        print(f"== {count} statements loaded in {time.perf_counter() - started:.0f} s")
    judged = judgements_read()
    ours, naive = evaluate(archive_search, judged), evaluate(naive_search, judged)
    print(f"== {len(judged)} judged queries ({JUDGEMENTS.relative_to(ROOT)})")
    print(report(ours, naive))
    if args.queries:
        for key, scores in ours["queries"].items():
            other = naive["queries"][key]
            print(
                f"{key[0]:<12} ndcg {scores['ndcg']:.2f} ({other['ndcg']:.2f})"
                f"  rr {scores['rr']:.2f} ({other['rr']:.2f})  {key[1]} {key[2]}"
            )
    if not (args.keep or args.reuse):
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)


if __name__ == "__main__":
    main()
