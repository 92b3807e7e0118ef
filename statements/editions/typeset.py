"""Typst source to PDF, bounded by processor time and memory like every conversion.

The compiler (the ``typst`` wheel, self-contained) runs in a child process under the same
kernel limits as pandoc (core.bounded): a document that would take too long or too much
memory ends it, never the web worker. Fonts: Typst's own (Libertinus Serif, for Latin,
Greek and Cyrillic) and the system's, where the project's set-up installs Noto CJK for
Chinese, Japanese and Korean (Typst falls back to a font that has the glyph).

Run as ``python -m statements.editions.typeset SOURCE OUT [--booklet]`` by typeset_pdf.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from django.conf import settings

from statements.core.bounded import ConversionError, ProcessFailed, bounded_run


def typeset_pdf(
    source: str,
    *,
    booklet: bool = False,
    seconds: float | None = None,
    memory_mb: int | None = None,
) -> bytes:
    """The PDF Typst makes of ``source`` (imposed as a booklet, editions.imposition, in the same
    bounded process); ConversionError when it cannot within the bounds (core.bounded's by
    default) or Typst refuses it."""
    with tempfile.TemporaryDirectory(prefix="archive-typst-") as folder:
        source_path, out = Path(folder) / "book.typ", Path(folder) / "book.pdf"
        source_path.write_text(source, encoding="utf-8")
        command = [sys.executable, "-m", "statements.editions.typeset", str(source_path), str(out)]
        if booklet:
            command.append("--booklet")
        try:
            bounded_run(
                command,
                b"",
                seconds=seconds,
                memory_mb=memory_mb,
                cwd=str(settings.BASE_DIR),  # where ``statements`` is importable
                verb="typeset",
            )
        except ProcessFailed as error:
            last = str(error).splitlines()[-1]
            raise ConversionError(f"Typst could not set it ({last[:200]})") from None
        return out.read_bytes()


def _main(source: str, out: str, *options: str) -> None:
    import typst

    pdf = typst.compile(source)
    if "--booklet" in options:
        from statements.editions.imposition import booklet_impose

        pdf = booklet_impose(pdf)
    Path(out).write_bytes(pdf)


if __name__ == "__main__":
    _main(*sys.argv[1:])
