"""The same text found twice: statements' fingerprints kept (statements.core.fingerprints),
the statements alike found with one indexed lookup of their bands, and the pairs kept for
editors (models.DuplicatePair), with what they decided of them.

A pair in two languages is a possible translation, not a duplicate. A pair an editor marked
distinct is never offered again, whatever its texts become."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from statements.core.fingerprints import (
    SIMILAR,
    Fingerprint,
    signature_similarity,
    text_fingerprint,
)
from statements.models import DuplicatePair, Statement, TextBand, TextFingerprint

CHUNK = 500  # statements fingerprinted per query and write
# A band shared by more texts than this is a commonplace (a licence, a form of words whose
# shingles happen to hash lowest), not a sign of one text: it is not followed. Texts alike
# share many bands (half alike, two on average; nine in ten alike, twenty).
CROWDED = 50


@dataclass(frozen=True)
class Alike:
    """A statement in the archive that a text resembles."""

    statement_id: int
    slug: str
    title: str
    language: str
    similarity: float
    kind: str  # DuplicatePair.Kind


def pair_kind(language: str, other: str) -> str:
    """Texts in two languages are possible translations; otherwise possible duplicates."""
    if language and other and language != other:
        return DuplicatePair.Kind.TRANSLATION
    return DuplicatePair.Kind.DUPLICATE


def body_digest(body: str) -> str:
    """The statement's body_sha256 for a body (the column's own expression, in Python)."""
    return hashlib.sha256(body.encode()).hexdigest()


def fingerprints_store(rows: Iterable[tuple[int, str, Fingerprint]], *, new: bool = False) -> None:
    """Keep fingerprints (statement id, body hash, fingerprint), replacing older ones, and
    their band keys. ``new``: statements just made, which have none yet."""
    rows = list(rows)
    if not rows:
        return
    if new:
        # COPY, as for the bands: an import's new statements, 500 to a file.
        fields = "COPY statements_textfingerprint (statement_id, body_sha256, words, signature)"
        with connection.cursor() as cursor, cursor.copy(f"{fields} FROM STDIN") as copy:
            for pk, digest, print_ in rows:
                copy.write_row((pk, digest, print_.words, print_.signature))
    else:
        TextFingerprint.objects.bulk_create(
            [
                TextFingerprint(
                    statement_id=pk,
                    body_sha256=digest,
                    words=print_.words,
                    signature=print_.signature,
                )
                for pk, digest, print_ in rows
            ],
            update_conflicts=True,
            unique_fields=["statement"],
            update_fields=["body_sha256", "words", "signature"],
        )
        TextBand.objects.filter(statement_id__in=[pk for pk, _d, _p in rows]).delete()
    # COPY: 32 rows a text, a model each through bulk_create cost an import 1 s a thousand.
    copying = "COPY statements_textband (band, statement_id) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(copying) as copy:
        for pk, _digest, print_ in rows:
            for band in set(print_.bands):
                copy.write_row((band, pk))


def fingerprints_refresh(*, statement_ids: Iterable[int] | None = None) -> int:
    """Fingerprint the statements that have none, or one of a body they no longer have (all
    of them, or those of ``statement_ids``). Returns how many were fingerprinted."""
    stale = Statement.objects.filter(
        Q(fingerprint__isnull=True) | ~Q(fingerprint__body_sha256=F("body_sha256"))
    )
    if statement_ids is not None:
        stale = stale.filter(pk__in=list(statement_ids))
    done = 0
    ids = list(stale.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        rows = Statement.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
            "pk", "body", "body_sha256"
        )
        fingerprints_store((pk, digest, text_fingerprint(body)) for pk, body, digest in rows)
        done += len(rows)
    return done


def statements_alike(prints: Sequence[tuple[Fingerprint, str]]) -> list[list[Alike]]:
    """For each (fingerprint, language), the archive's statements alike, most alike first:
    two queries (the texts sharing a band, then their signatures), whatever the number."""
    bands = sorted({band for print_, _language in prints for band in print_.bands})
    if not bands:
        return [[] for _ in prints]
    # One array parameter (as a list, the ORM builds an expression per key), each key a
    # B-tree lookup; a candidate comes once per band it shares.
    shared = RawSQL('"statements_textband"."band" = ANY(%s::bigint[])', [bands], BooleanField())
    sharing = defaultdict(list)
    for band, pk in TextBand.objects.filter(shared).values_list("band", "statement_id"):
        sharing[band].append(pk)
    by_band = {band: ids for band, ids in sharing.items() if len(ids) <= CROWDED}
    candidates = {pk for ids in by_band.values() for pk in ids}
    found = {
        pk: (bytes(signature), slug, title, language)
        for pk, signature, slug, title, language in TextFingerprint.objects.filter(
            RawSQL(
                '"statements_textfingerprint"."statement_id" = ANY(%s::bigint[])',
                [sorted(candidates)],
                BooleanField(),
            )
        ).values_list(
            "statement_id",
            "signature",
            "statement__slug",
            "statement__title",
            "statement__language",
        )
    }
    answers = []
    for print_, language in prints:
        alike: list[Alike] = []
        for pk in {pk for band in print_.bands for pk in by_band.get(band, ())}:
            signature, slug, title, other_language = found[pk]
            similarity = signature_similarity(print_.signature, signature)
            if similarity >= SIMILAR:
                kind = pair_kind(language, other_language)
                alike.append(Alike(pk, slug, title, other_language, similarity, kind))
        answers.append(sorted(alike, key=lambda a: (-a.similarity, a.statement_id)))
    return answers


def pairs_among(prints: Sequence[tuple[int, Fingerprint, str]]) -> int:
    """The pairs among texts just made, (id, fingerprint, language) each, compared here, in
    memory: an import's files written at once, or the lines of one file, did not see each
    other as they were written (each saw the archive). Returns how many pairs were new."""
    by_band = defaultdict(list)
    for index, (_pk, print_, _language) in enumerate(prints):
        for band in set(print_.bands):
            by_band[band].append(index)
    pairs = []
    groups = [group for group in by_band.values() if 1 < len(group) <= CROWDED]
    for a, b in {pair for group in groups for pair in itertools.combinations(group, 2)}:
        (first, one, language), (second, other, other_language) = prints[a], prints[b]
        similarity = signature_similarity(one.signature, other.signature)
        if similarity >= SIMILAR:
            pairs.append((first, second, similarity, pair_kind(language, other_language)))
    return pairs_record(pairs)


def pairs_record(pairs: Iterable[tuple[int, int, float, str]]) -> int:
    """Keep pairs (id, id, similarity, kind) for editors. A pair already known keeps its
    decision and takes the new similarity. Returns how many pairs were new."""
    rows = {}
    for a, b, similarity, kind in pairs:
        if a != b:
            first, second = sorted((a, b))
            rows[(first, second)] = (similarity, kind)
    if not rows:
        return 0
    known = DuplicatePair.objects.filter(
        first_id__in={a for a, _b in rows}, second_id__in={b for _a, b in rows}
    ).values_list("first_id", "second_id")
    new = len(rows.keys() - set(known))
    # One upsert: a known pair takes the new figures and keeps its decision.
    DuplicatePair.objects.bulk_create(
        [
            DuplicatePair(first_id=a, second_id=b, similarity=s, kind=k)
            for (a, b), (s, k) in rows.items()
        ],
        update_conflicts=True,
        unique_fields=["first", "second"],
        update_fields=["similarity", "kind"],
    )
    return new


def duplicates_find() -> dict[str, int]:
    """Fingerprint what needs it, then find every pair of statements alike in the archive and
    keep the new ones: the statements sharing a band, grouped by PostgreSQL, compared by
    their signatures here. Open pairs whose texts have drifted apart are let go."""
    fingerprinted = fingerprints_refresh()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(statement_id) FROM statements_textband"
            " GROUP BY band HAVING count(*) BETWEEN 2 AND %s",
            [CROWDED],
        )
        candidates: set[tuple[int, int]] = set()
        for (ids,) in cursor.fetchall():
            candidates.update(itertools.combinations(sorted(ids), 2))
    involved = {pk for pair in candidates for pk in pair}
    signatures, languages = {}, {}
    rows = TextFingerprint.objects.filter(statement_id__in=involved).values_list(
        "statement_id", "signature", "statement__language"
    )
    for pk, signature, language in rows.iterator(chunk_size=2000):
        signatures[pk], languages[pk] = bytes(signature), language
    found = []
    for a, b in candidates:
        similarity = signature_similarity(signatures[a], signatures[b])
        if similarity >= SIMILAR:
            found.append((a, b, similarity, pair_kind(languages[a], languages[b])))
    with transaction.atomic():
        new = pairs_record(found)
        kept = {(a, b) for a, b, _s, _k in found}
        drifted = [
            pk
            for pk, a, b in DuplicatePair.objects.filter(decision="").values_list(
                "pk", "first_id", "second_id"
            )
            if (a, b) not in kept
        ]
        DuplicatePair.objects.filter(pk__in=drifted).delete()
    return {"fingerprinted": fingerprinted, "pairs": len(found), "new": new}


def pair_decide(*, pair: DuplicatePair, decision: str, user) -> None:
    """Record an editor's decision on a pair (distinct, merged, or linked as translations)."""
    pair.decision, pair.decided_at, pair.decided_by = decision, timezone.now(), user
    pair.save(update_fields=["decision", "decided_at", "decided_by"])
