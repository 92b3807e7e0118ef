"""A deterministic synthetic corpus of statements for benchmarks (no real text is copied).

Words are made of syllables and drawn with a Zipf-like skew, body lengths are log-normal
(median near 1,200 words, long tail), dates are partial (year, month or day), and a tenth of
the statements carry many signatories.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterator

from statements.core.dates import PartialDate
from statements.core.records import AuthorCredit, SourceData, StatementData

SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "ten",
    "sol",
    "da",
    "ri",
    "tas",
    "vo",
    "lu",
    "nek",
    "pa",
    "zen",
    "or",
    "fi",
    "gul",
    "ba",
    "stra",
    "de",
    "mon",
    "cha",
    "ul",
    "pre",
    "si",
]
LANGUAGES = ["en"] * 6 + ["fr", "de", "es", "it", "uk", "mk"]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


class Corpus:
    def __init__(self, seed: int = 1871) -> None:
        self.rng = random.Random(seed)
        self.words = _vocabulary(self.rng, 5000)
        self.collectives = [f"{self._title(2)} Collective" for _ in range(600)]
        self.collectives += [f"{self._title(1)} Assembly" for _ in range(200)]
        self.tags = sorted({self._phrase(self.rng.randint(1, 2)) for _ in range(150)})

    def _word(self) -> str:
        # Zipf-like: low ranks far more often than high ones.
        rank = min(int(self.rng.paretovariate(1.1)) - 1, len(self.words) - 1)
        return self.words[rank * 37 % len(self.words)] if rank > 40 else self.words[rank]

    def _phrase(self, count: int) -> str:
        return " ".join(self._word() for _ in range(count))

    def _title(self, count: int) -> str:
        return " ".join(self._word().capitalize() for _ in range(count))

    def _body(self) -> str:
        words = min(30_000, max(80, int(math.exp(self.rng.gauss(math.log(1200), 0.8)))))
        paragraphs, written, headings = [], 0, 0
        while written < words:
            length = self.rng.randint(40, 160)
            if length > 150 and headings < 8:
                paragraphs.append(f"## {self._title(3)}")
                headings += 1
            sentence = self._phrase(length).capitalize()
            paragraphs.append(sentence + ".")
            written += length
        return "\n\n".join(paragraphs)

    def _date(self) -> PartialDate:
        year = self.rng.randint(1880, 2025)
        kind = self.rng.random()
        if kind < 0.25:
            return PartialDate(year)
        month = self.rng.randint(1, 12)
        if kind < 0.55:
            return PartialDate(year, month)
        return PartialDate(year, month, self.rng.randint(1, 28))

    def statements(self, count: int, *, now: datetime.datetime) -> Iterator[StatementData]:
        for number in range(count):
            credits = [
                AuthorCredit(name=name)
                for name in self.rng.sample(self.collectives, k=self.rng.choice([1, 1, 1, 2, 3]))
            ]
            if self.rng.random() < 0.1:
                credits += [
                    AuthorCredit(name=name, role="signatory")
                    for name in self.rng.sample(self.collectives, k=self.rng.randint(5, 60))
                ]
            yield StatementData(
                title=f"{self._title(self.rng.randint(2, 7))} {number}",
                summary=self._phrase(25).capitalize() + ".",
                body=self._body(),
                issued=self._date() if self.rng.random() < 0.95 else None,
                place=self._title(1),
                language=self.rng.choice(LANGUAGES),
                rights="Anti-Copyright",
                status="published" if self.rng.random() < 0.97 else "draft",
                published_at=now - datetime.timedelta(minutes=count - number),
                credits=credits,
                sources=[
                    SourceData(
                        url=f"https://collective-{number % 997}.example.org/statements/{number}",
                        retrieved_on=PartialDate(2025, self.rng.randint(1, 12)),
                    )
                ],
                tags=self.rng.sample(self.tags, k=self.rng.randint(1, 5)),
            )
