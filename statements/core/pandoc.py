"""Every pandoc conversion, bounded by processor time and memory (core.bounded), with a
memory cap in pandoc's own runtime (``+RTS -M``) below the kernel's limit."""

from __future__ import annotations

import tempfile
from pathlib import Path

from statements.core.bounded import ConversionError, ProcessFailed, bounded_run, conversion_limits

__all__ = ["MARKDOWN_READER", "ConversionError", "pandoc_convert", "pandoc_convert_file"]

# The archive's stored Markdown, as pandoc should read it to match what markdown-it renders:
# no "smart" punctuation, which would turn straight quotes curly and "--" into a dash.
MARKDOWN_READER = "commonmark_x-smart"
_ALLOCATION_MB = 128


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _command(args: list[str], *, memory_mb: int) -> list[str]:
    # -A: a larger allocation area for the young generation, so fewer minor collections:
    # pandoc's Muse reader ran about a fifth faster at 64 MB (9.5 s to 7.5 s on a 770 KB
    # book), and another tenth at 128 MB (9.1 s to 8.0 s of processor time, 420 MB at most).
    allocation = min(_ALLOCATION_MB, max(1, memory_mb // 8))
    return [_pandoc(), *args, "+RTS", f"-M{memory_mb}m", f"-A{allocation}m", "-RTS"]


def pandoc_convert(
    text: str,
    *,
    source: str,
    to: str,
    extra_args: tuple[str, ...] = (),
    seconds: float | None = None,
    memory_mb: int | None = None,
) -> str:
    """``text`` converted from ``source`` to ``to`` by pandoc, within ``seconds`` of processor
    time and ``memory_mb`` (core.bounded's limits by default); ConversionError when it cannot
    be done within them."""
    args = [f"--from={source}", f"--to={to}", *extra_args]
    output = _run(args, text, seconds=seconds, memory_mb=memory_mb)
    return output.decode("utf-8")


def pandoc_convert_file(
    text: str,
    *,
    source: str,
    to: str,
    extra_args: tuple[str, ...] = (),
    files: dict[str, bytes] | None = None,
    seconds: float | None = None,
    memory_mb: int | None = None,
) -> bytes:
    """As pandoc_convert, for a format pandoc writes only to a file (EPUB): the bytes of
    that file. ``files`` are put beside it first (a metadata file the arguments name), in a
    folder of their own that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="archive-pandoc-") as folder:
        for name, content in (files or {}).items():
            (Path(folder) / name).write_bytes(content)
        out = Path(folder) / f"out.{to}"
        args = [f"--from={source}", f"--to={to}", f"--output={out}", *extra_args]
        _run(args, text, seconds=seconds, memory_mb=memory_mb, cwd=folder)
        return out.read_bytes()


def _run(
    args: list[str],
    text: str,
    *,
    seconds: float | None,
    memory_mb: int | None,
    cwd: str | None = None,
) -> bytes:
    memory_mb = memory_mb or conversion_limits().memory_mb
    command = _command(args, memory_mb=memory_mb)
    try:
        output = bounded_run(
            command, text.encode("utf-8"), seconds=seconds, memory_mb=memory_mb, cwd=cwd
        ).output
    except ProcessFailed as error:
        first = str(error).splitlines()[0]
        raise ConversionError(f"pandoc could not convert it ({first[:200]})") from None
    return output
