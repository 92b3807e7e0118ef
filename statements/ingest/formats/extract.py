"""The main text of a saved web page, found by trafilatura in a child process bounded by
processor time and memory (core.bounded), like every conversion: a page built to make the
extraction crawl cannot hold a web worker or exhaust its memory.

Run as ``python -m statements.ingest.formats.extract`` by main_text: the page on standard
input, the extracted HTML on standard output (nothing when it found no text).
"""

from __future__ import annotations

import sys


def main_text(page: str) -> str:
    """trafilatura's extraction of ``page`` as HTML ("" when it found none): no navigation,
    footers, scripts or comments. ConversionError past the bounds."""
    # Imported here, not above: the child runs this module as a script and needs trafilatura
    # alone (a process start then costs 0.3 s of processor time, not 0.9 with Django).
    from django.conf import settings

    from statements.core.bounded import bounded_run

    command = [sys.executable, "-m", "statements.ingest.formats.extract"]
    ran = bounded_run(
        command,
        page.encode("utf-8"),
        cwd=str(settings.BASE_DIR),  # where ``statements`` is importable
        verb="find the page's main text",
    )
    return ran.output.decode("utf-8")


def _main() -> None:
    import trafilatura

    extracted = trafilatura.extract(
        sys.stdin.buffer.read().decode("utf-8"),
        output_format="html",
        include_formatting=True,
        include_links=True,
        include_tables=True,
        include_images=False,
        include_comments=False,
        favor_recall=True,
    )
    sys.stdout.write(extracted or "")


if __name__ == "__main__":
    _main()
