"""Benchmark the search view at 10,000 and 100,000 statements, beside a naive baseline.

A deterministic corpus with real word frequencies (wordfreq) in five languages, body lengths
log-normal with a median near 1,200 words and a tail to 30,000, partial dates, several
authors and tags, is loaded through statement_bulk_create. Then the search view (snippets
and facets included, page cache off) is timed for each query class, beside the naive
baseline: one raw SQL query taking the top 20 by ts_rank with count(*) over ().

    .venv/bin/python -m bench.search [--sizes 10000 100000] [--repeat 15]

Needs a PostgreSQL server (BENCH_DATABASE_URL, see bench/common.py).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator

import django

from bench.common import (
    bench_environment,
    bulk_load,
    database_url_argument,
    drop_database,
    manage,
    prepare,
)
from bench.common import now as current_time

LANGUAGES = {"en": 0.55, "fr": 0.15, "de": 0.1, "es": 0.1, "it": 0.1}
VOCABULARY_SIZE = 30_000


class RealisticCorpus:
    """Statements whose words follow each language's real frequencies."""

    def __init__(self, seed: int = 1968) -> None:
        import wordfreq

        self.rng = random.Random(seed)
        self.words, self.weights = {}, {}
        for language in LANGUAGES:
            words = [w for w in wordfreq.top_n_list(language, VOCABULARY_SIZE) if w.isalpha()]
            self.words[language] = words
            # Cumulative weights once, so each draw is a bisection.
            frequencies = [wordfreq.word_frequency(w, language) for w in words]
            total, running = 0.0, []
            for value in frequencies:
                total += value
                running.append(total)
            self.weights[language] = running
        english = self.words["en"]
        self.collectives = sorted(
            {f"{self._pick(english, 300, 6000).title()} {kind}"
             for kind in ("Collective", "Assembly", "Union", "Network") for _ in range(600)}
        )  # fmt: skip
        self.tags = sorted({self._pick(english, 500, 8000) for _ in range(400)})

    def _pick(self, words: list[str], low: int, high: int) -> str:
        return words[self.rng.randrange(low, min(high, len(words)))]

    def _text(self, language: str, count: int) -> list[str]:
        return self.rng.choices(self.words[language], cum_weights=self.weights[language], k=count)

    def _body(self, language: str) -> str:
        length = min(30_000, max(60, int(math.exp(self.rng.gauss(math.log(1200), 0.9)))))
        words = self._text(language, length)
        paragraphs, start = [], 0
        while start < len(words):
            size = self.rng.randint(40, 160)
            chunk = words[start : start + size]
            if size > 150:
                paragraphs.append("## " + " ".join(chunk[:4]).capitalize())
            paragraphs.append(" ".join(chunk).capitalize() + ".")
            start += size
        return "\n\n".join(paragraphs)

    def statements(self, count: int) -> Iterator:
        from statements.core.dates import PartialDate
        from statements.core.records import AuthorCredit, SourceData, StatementData

        now = current_time()
        languages, shares = list(LANGUAGES), list(LANGUAGES.values())
        for number in range(count):
            language = self.rng.choices(languages, weights=shares)[0]
            year = self.rng.randint(1880, 2025)
            kind = self.rng.random()
            issued = (
                PartialDate(year)
                if kind < 0.25
                else PartialDate(year, self.rng.randint(1, 12))
                if kind < 0.55
                else PartialDate(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
            )
            credits = [
                AuthorCredit(name=name)
                for name in self.rng.sample(self.collectives, k=self.rng.choice([1, 1, 2, 3]))
            ]
            if self.rng.random() < 0.08:
                credits += [
                    AuthorCredit(name=name, role="signatory")
                    for name in self.rng.sample(self.collectives, k=self.rng.randint(5, 50))
                ]
            title = " ".join(self._text(language, self.rng.randint(3, 9))).capitalize()
            yield StatementData(
                title=f"{title} ({number})",
                summary=" ".join(self._text(language, 30)).capitalize() + ".",
                body=self._body(language),
                issued=issued if self.rng.random() < 0.95 else None,
                language=language,
                status="published" if self.rng.random() < 0.98 else "draft",
                published_at=now,
                credits=credits,
                sources=[SourceData(url=f"https://site-{number % 991}.example.org/{number}")],
                tags=self.rng.sample(self.tags, k=self.rng.randint(1, 5)),
            )


def query_classes(rng: random.Random, repeat: int) -> dict[str, list[dict]]:
    """Query strings for each class, chosen from the loaded data's own statistics."""
    from django.db import connection

    from statements.models import Statement, Tag

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT to_tsvector(''archive_simple'', body) "
            "FROM statements_statement WHERE language = ''en'' AND id % 10 = 0') "
            # Not a stop word: the English configuration keeps it.
            "WHERE length(word) > 3 AND length(to_tsvector('english', word)) > 0 "
            "ORDER BY ndoc DESC"
        )
        stats = cursor.fetchall()
    sampled = max(1, Statement.objects.filter(language="en").count() // 10)
    share = {word: ndoc / sampled for word, ndoc in stats}
    common = [w for w, s in share.items() if s > 0.5 and w.isalpha()][:60]
    rare_share = max(0.002, 1.5 / sampled)  # in about 0.2% of statements, or the fewest seen
    rare = [w for w, s in share.items() if s <= rare_share and w.isalpha()][:400]
    middle = [w for w, s in share.items() if 0.02 < s < 0.1 and w.isalpha()][:400]
    bodies = list(Statement.objects.filter(language="en").values_list("body", flat=True)[:200])
    phrases = []
    for body in bodies:
        words = [w for w in body.split() if w.isalpha() and len(w) > 3]
        if len(words) > 10:
            start = rng.randrange(len(words) - 2)
            phrases.append(f'"{words[start]} {words[start + 1]}"')
    tags = list(Tag.objects.values_list("slug", flat=True))

    def misspell(word: str) -> str:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    def sample(items, k=repeat):
        return rng.sample(items, k=min(k, len(items)))

    return {
        "rare word": [{"q": w} for w in sample(rare)],
        "common word": [{"q": w} for w in sample(common)],
        "two words": [
            {"q": f"{a} {b}"} for a, b in zip(sample(middle), sample(middle), strict=False)
        ],
        "phrase": [{"q": p} for p in sample(phrases)],
        "a or b -c": [
            {"q": f"{a} or {b} -{c}"}
            for a, b, c in zip(sample(middle), sample(middle), sample(common), strict=False)
        ],
        "tag + dates": [
            {"tag": t, "from": str(y), "to": str(y + 20)}
            for t, y in zip(
                sample(tags), [rng.randint(1880, 2000) for _ in range(repeat)], strict=False
            )
        ],
        "misspelled": [{"q": misspell(w)} for w in sample([w for w in middle if len(w) > 5])],
    }


def naive_baseline(params: dict) -> float:
    """One raw SQL query: the top 20 by ts_rank, with count(*) over (); milliseconds.

    Against Django's GIN index alone, as a plain set-up has it: the RUM index of migration
    0026, where the server has one, is dropped for the query in a transaction rolled back.
    """
    from django.db import connection, transaction

    text = params.get("q", "")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS statements_search_rum")
        started = time.perf_counter()
        cursor.execute(
            """
            SELECT id, title, ts_rank(search_vector, query) AS rank, count(*) OVER ()
              FROM statements_statement, websearch_to_tsquery('english', %s) query
             WHERE search_vector @@ query
             ORDER BY rank DESC LIMIT 20
            """,
            [text],
        )
        cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    return elapsed


def time_view(client, params: dict) -> float:
    started = time.perf_counter()
    response = client.get("/search/", params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"search answered {response.status_code} for {params}")
    return elapsed


def run(size: int, args: argparse.Namespace) -> None:
    from django.test import Client

    from statements.models import Statement

    print(f"\n== {size:,} statements")
    if args.reuse:
        print(f"reusing the {Statement.objects.count():,} statements already loaded")
    else:
        seconds = bulk_load(RealisticCorpus().statements(size), rows=size, progress=size >= 50_000)
        print(f"loaded in {seconds:.0f} s ({size / seconds:,.0f} statements/s)")
    rng = random.Random(5)
    classes = query_classes(rng, args.repeat)
    client = Client()
    print(f"{'class':<12} {'view p50':>9} {'view p95':>9} {'naive p50':>10} {'ratio':>6}  example")
    for name, cases in classes.items():
        if not cases:
            print(f"{name:<12} no examples in this corpus")
            continue
        for case in cases[:2]:  # warm the caches a little, as a running server would be
            time_view(client, case)
        view = [time_view(client, case) for case in cases]
        naive = [naive_baseline(case) for case in cases] if "q" in cases[0] else []
        p50 = statistics.median(view)
        p95 = statistics.quantiles(view, n=20)[-1] if len(view) > 1 else view[0]
        naive_p50 = statistics.median(naive) if naive else float("nan")
        ratio = p50 / naive_p50 if naive else float("nan")
        example = " ".join(f"{k}={v}" for k, v in cases[0].items())
        print(
            f"{name:<12} {p50:>7.1f}ms {p95:>7.1f}ms {naive_p50:>8.1f}ms {ratio:>6.2f}  {example}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=15, help="queries per class")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database a --keep run left, without loading (one size only)",
    )
    database_url_argument(parser)
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = bench_environment(args.database_url, STATIC_ROOT=static_root)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    try:
        for size in args.sizes:
            if args.reuse:
                os.environ.update(env)
                django.setup()
            else:
                prepare(args.database_url, env)
            run(size, args)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if not (args.keep or args.reuse):
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
