"""Undoing a body's ``Content-Encoding`` (gzip, deflate, br) without ever holding more than a
limit: a cited site may send a compressed body although the archive asked for none, and a
few kilobytes of gzip can stand for gigabytes. The capturer decodes what it keeps (within the
capture's own limits), and the replay decodes what older captures kept still compressed
(within a byte limit and a ratio), so no request allocates more than a few megabytes.

Charsets are read by their WHATWG labels (webencodings), as browsers read them: a label a
browser would not take (``charset=idna``, ``rot13``) is read as UTF-8.
"""

from __future__ import annotations

import codecs
import zlib
from dataclasses import dataclass

import brotli
import webencodings

# At most this many bytes out for each byte in, beyond the first 64 KB: a legitimate page
# compresses tenfold, a bomb a thousandfold and more.
RATIO = 100
_FLOOR = 65536
_IDENTITY = {"", "identity"}


class Undecodable(ValueError):
    """A coding the archive does not read, or a body that is not what its coding says."""


@dataclass(frozen=True)
class Decoded:
    body: bytes
    truncated: bool  # cut at the limit (or the ratio)
    codings: tuple[str, ...]  # what was undone, outermost last, as the header named them


def codings_of(header: str) -> tuple[str, ...]:
    return tuple(c.strip().lower() for c in header.split(",") if c.strip().lower() not in _IDENTITY)


def decode(body: bytes, content_encoding: str, *, limit: int, ratio: int = RATIO) -> Decoded:
    """``body`` with every coding of ``content_encoding`` undone, cut at ``limit`` bytes and
    at ``ratio`` times its size (plus 64 KB). Undecodable for an unknown or broken coding."""
    codings = codings_of(content_encoding)
    truncated = False
    for coding in reversed(codings):
        cap = min(limit, max(len(body), 1) * ratio + _FLOOR)
        if coding in ("gzip", "x-gzip"):
            out = _zlib(body, 16 + zlib.MAX_WBITS, cap)
        elif coding == "deflate":
            try:
                out = _zlib(body, zlib.MAX_WBITS, cap)
            except Undecodable:
                out = _zlib(body, -zlib.MAX_WBITS, cap)  # raw deflate, as some servers send
        elif coding == "br":
            out = _brotli(body, cap)
        else:
            raise Undecodable(f"encoded as “{coding[:40]}”, which the archive does not read")
        if len(out) > cap:
            out, truncated = out[:cap], True
        body = out
    return Decoded(body=body, truncated=truncated, codings=codings)


def _zlib(body: bytes, wbits: int, cap: int) -> bytes:
    try:
        # max_length: never more than cap + 1 bytes out, however much the input stands for.
        return zlib.decompressobj(wbits).decompress(body, cap + 1)
    except zlib.error as error:
        raise Undecodable(f"not valid compressed data ({error})") from error


def _brotli(body: bytes, cap: int) -> bytes:
    decompressor = brotli.Decompressor()
    try:
        # The output buffer stops growing at the limit (it may pass it by one block).
        return decompressor.process(body, output_buffer_limit=cap + 1)[: cap + 1]
    except brotli.error as error:
        raise Undecodable(f"not valid brotli data ({error})") from error


def text_codec(label: str | bytes | None) -> str:
    """The Python codec for a charset label, as browsers read labels; UTF-8 for any other
    (a label that names no text encoding, or one browsers refuse)."""
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    found = webencodings.lookup(label or "")
    if found is None or found.name == "replacement":
        return "utf-8"
    try:
        return codecs.lookup(found.codec_info.name).name
    except LookupError:
        return "utf-8"
