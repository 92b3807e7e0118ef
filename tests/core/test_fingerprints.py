"""Text fingerprints (MinHash of five-word shingles): words as compared, stable values,
similarity, and a long text fingerprinted in slices with the same result."""

from __future__ import annotations

import random

import pytest

from statements.core import fingerprints
from statements.core.fingerprints import (
    BANDS,
    MIN_WORDS,
    PERMUTATIONS,
    signature_similarity,
    text_fingerprint,
    text_words,
)


def test_words_fold_case_accents_punctuation_and_markup():
    assert text_words("**Ça** va, l'Émeute! [[https://a.org][lien]] 2025") == [
        "ca", "va", "l", "emeute", "https", "a", "org", "lien", "2025",
    ]  # fmt: skip
    # An ASCII text takes a shorter road to the same words.
    text = "The Assembly_of 12 Streets, (again)!"
    assert text_words(text) == fingerprints._TOKENS.findall(text.casefold())


def test_chinese_japanese_and_korean_characters_are_words_each():
    assert text_words("工团主义与工会 abc") == ["工", "团", "主", "义", "与", "工", "会", "abc"]
    assert text_words("日本語のテキスト") == ["日", "本", "語", "の", "テ", "キ", "ス", "ト"]


def test_a_fingerprint_is_stable_and_short_texts_have_none():
    text = " ".join(f"word{n}" for n in range(200))
    first, again = text_fingerprint(text), text_fingerprint(text)
    assert first == again
    assert len(first.signature) == 4 * PERMUTATIONS and len(first.bands) == BANDS
    short = text_fingerprint(" ".join(["word"] * (MIN_WORDS - 1)))
    assert short.signature == b"" and short.bands == ()


def test_similarity_follows_the_text_shared():
    rng = random.Random(7)
    words = [f"w{rng.randint(0, 5000)}" for _ in range(2000)]
    one = text_fingerprint(" ".join(words))
    edited = words[:1800] + [f"x{n}" for n in range(200)]  # a tenth replaced
    other = text_fingerprint(" ".join(f"v{rng.randint(0, 5000)}" for _ in range(2000)))
    assert signature_similarity(one.signature, one.signature) == 1.0
    assert signature_similarity(one.signature, text_fingerprint(" ".join(edited)).signature) > 0.7
    assert signature_similarity(one.signature, other.signature) < 0.1
    assert signature_similarity(one.signature, b"") == 0.0


def test_a_long_text_is_fingerprinted_in_slices_with_the_same_result(monkeypatch):
    rng = random.Random(3)
    text = " ".join(f"w{rng.randint(0, 20000)}" for _ in range(30_000))
    sliced = text_fingerprint(text)
    monkeypatch.setattr(fingerprints, "BATCH", 10**9)  # the whole text in one batch
    assert text_fingerprint(text) == sliced


@pytest.mark.parametrize("batch", [1, 7])
def test_slices_of_any_size_agree(monkeypatch, batch):
    text = " ".join(f"w{n % 97}" for n in range(300))
    whole = text_fingerprint(text)
    monkeypatch.setattr(fingerprints, "BATCH", batch)
    assert text_fingerprint(text) == whole
