"""The same text found twice: MinHash signatures of a text's word shingles (datasketch), cut
into bands that PostgreSQL indexes, so that near-duplicates are found with one indexed lookup
(locality-sensitive hashing) and compared without reading their texts.

A shingle is five consecutive words, after folding case, accents and punctuation away. Chinese,
Japanese and Korean are written without spaces: each of their characters counts as a word
(five characters then make a shingle, as in the usual character n-grams for those scripts)."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

SHINGLE = 5  # words per shingle
PERMUTATIONS = 128
BANDS, ROWS = 32, 4  # BANDS * ROWS == PERMUTATIONS: a pair at Jaccard 0.5 shares a band 87 %
# of the time, at 0.6 99 %, at 0.3 only 23 %.
SIMILAR = 0.5  # the estimated Jaccard similarity from which two texts are shown as a pair
MIN_WORDS = 30  # shorter texts ("see the attached PDF") are not compared: too many false pairs
SEED = 20261207
BATCH = 8192  # shingle keys permuted at once: 8 MB of work memory

_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKENS = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_ASCII_TOKENS = re.compile(r"[a-z0-9]+")


_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# A shingle's key: its words' keys, each times its own odd constant, summed (mod 2**64); the
# high half is the key MinHash permutes (datasketch mixes it once more).
_WEIGHTS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD][:SHINGLE],
    dtype=np.uint64,
)  # fmt: skip


def text_words(text: str) -> list[str]:
    """The words compared: lower case without accents, punctuation and markup left out."""
    if text.isascii():  # the same words, found by a simpler pattern
        return _ASCII_TOKENS.findall(text.lower())
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _TOKENS.findall(text.casefold())


def shingle_keys(words: list[str]) -> np.ndarray:
    """A 32-bit key for each run of SHINGLE words (computed at once, not run by run)."""
    # Each distinct word hashed once; the words then looked up in C (map, not a loop).
    table = {word: zlib.crc32(word.encode()) for word in dict.fromkeys(words)}
    keys = np.fromiter(map(table.__getitem__, words), np.uint64, len(words))
    runs = len(words) - SHINGLE + 1
    total = np.zeros(runs, dtype=np.uint64)
    for offset in range(SHINGLE):
        total += keys[offset : offset + runs] * _WEIGHTS[offset]
    return np.unique(total >> np.uint64(32))


@dataclass(frozen=True)
class Fingerprint:
    """A text's MinHash signature (PERMUTATIONS 32-bit values) and its band keys."""

    words: int
    signature: bytes  # PERMUTATIONS little-endian uint32
    bands: tuple[int, ...]  # BANDS signed 64-bit keys (empty when the text is too short)


@functools.cache
def _template():
    # datasketch draws its permutations from the seed on every MinHash it builds; drawing
    # them once and handing them over saves a tenth of a millisecond per text.
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme="affine32", hashfunc=int)


def text_fingerprint(text: str) -> Fingerprint:
    """The fingerprint of a text (its body as stored)."""
    from datasketch import MinHash

    words = text_words(text)
    if len(words) < MIN_WORDS:
        return Fingerprint(len(words), b"", ())
    minhash = MinHash(
        num_perm=PERMUTATIONS,
        seed=SEED,
        permutations=_template().permutations,
        scheme="affine32",
        hashfunc=int,  # the keys are hashes already (shingle_keys)
    )
    keys = shingle_keys(words)
    # In slices: datasketch permutes a whole batch at once (8 bytes x PERMUTATIONS a key), so
    # a book of a million words in one batch would take a gigabyte.
    for start in range(0, len(keys), BATCH):
        minhash.update_batch(keys[start : start + BATCH].tolist())
    values = minhash.hashvalues.astype("<u4")
    return Fingerprint(len(words), values.tobytes(), band_keys(values))


def band_keys(values: np.ndarray) -> tuple[int, ...]:
    """One key per band of ROWS values: equal keys, equal bands."""
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little"))
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return tuple(keys)


def signature_similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of two texts' shingles: the share of equal values."""
    if not a or not b or len(a) != len(b):
        return 0.0
    left = np.frombuffer(a, dtype="<u4")
    right = np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(left == right)) / len(left)
