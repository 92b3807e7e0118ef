"""Every pandoc conversion, bounded in time and memory.

Pandoc's readers can take hours and gigabytes on small hostile input (a 180-byte Muse file of
unclosed emphasis never finishes). So each conversion runs:

- with a memory cap in pandoc's own runtime (``+RTS -M``) and an address-space limit and a
  CPU-time limit set by the kernel (``prlimit``), which end it even if the Python process
  that started it is killed first (a gunicorn worker timeout, say);
- under a wall-clock timeout, after which its whole process group is killed;
- and it never outlives the call: the process is reaped on every path.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

# The runtime's own heap cap leaves room below the OS limit for the binary and its stacks.
# The archive's stored Markdown, as pandoc should read it to match what markdown-it renders:
# no "smart" punctuation, which would turn straight quotes curly and "--" into a dash.
MARKDOWN_READER = "commonmark_x-smart"
OS_LIMIT_HEADROOM_MB = 256


class ConversionError(ValueError):
    """Pandoc refused or could not finish; the message says why, for a person to read."""


class ProcessFailed(ConversionError):
    """A bounded process (bounded_run) failed on its own; the message is its error text."""


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


_ALLOCATION_MB = 64


def _command(args: list[str], *, seconds: int, memory_mb: int) -> list[str]:
    # -A: a larger allocation area for the young generation, so fewer minor collections:
    # pandoc's Muse reader ran about a fifth faster (9.5 s to 7.5 s on a 770 KB book).
    allocation = min(_ALLOCATION_MB, max(1, memory_mb // 8))
    return [_pandoc(), *args, "+RTS", f"-M{memory_mb}m", f"-A{allocation}m", "-RTS"]


def bounded_run(
    command: list[str],
    data: bytes,
    *,
    seconds: int,
    memory_mb: int,
    cwd: str | None = None,
    verb: str = "convert",
) -> tuple[bytes, str]:
    """Run ``command`` with ``data`` on its standard input, under the kernel's address-space
    and CPU-time limits (prlimit) and a wall-clock timeout after which its whole process
    group is killed: its output, and its error text. ConversionError when it ran out of
    time or was ended by a limit; any other failure is the caller's to word."""
    prlimit = shutil.which("prlimit")
    if prlimit:
        limit = (memory_mb + OS_LIMIT_HEADROOM_MB) * 1024 * 1024
        command = [prlimit, f"--as={limit}", f"--cpu={seconds + 1}", "--", *command]
    process = subprocess.Popen(  # noqa: S603 - our own command line, no shell
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, killed whole
        cwd=cwd,
    )
    try:
        output, errors = process.communicate(data, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise ConversionError(f"too complex to {verb} within {seconds} s") from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    message = errors.decode("utf-8", "replace")
    if process.returncode != 0:
        if "Heap exhausted" in message or "out of memory" in message.lower():
            raise ConversionError(f"too complex to {verb} within {memory_mb} MB of memory")
        if "MemoryError" in message or "memory allocation" in message:
            raise ConversionError(f"too complex to {verb} within {memory_mb} MB of memory")
        if process.returncode in (-signal.SIGKILL, -signal.SIGXCPU, 128 + signal.SIGXCPU):
            raise ConversionError(f"too complex to {verb} within {seconds} s")
        raise ProcessFailed(message.strip() or "no message")
    return output, message


def pandoc_convert(
    text: str,
    *,
    source: str,
    to: str,
    extra_args: tuple[str, ...] = (),
    seconds: int | None = None,
    memory_mb: int | None = None,
) -> str:
    """``text`` converted from ``source`` to ``to`` by pandoc, within ``seconds`` (default
    ARCHIVE_PANDOC_SECONDS) and ``memory_mb`` (ARCHIVE_PANDOC_MEMORY_MB); ConversionError
    when it cannot be done within them."""
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
    seconds: int | None = None,
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
    seconds: int | None,
    memory_mb: int | None,
    cwd: str | None = None,
) -> bytes:
    seconds = seconds or settings.ARCHIVE_PANDOC_SECONDS
    memory_mb = memory_mb or settings.ARCHIVE_PANDOC_MEMORY_MB
    command = _command(args, seconds=seconds, memory_mb=memory_mb)
    try:
        output, _errors = bounded_run(
            command, text.encode("utf-8"), seconds=seconds, memory_mb=memory_mb, cwd=cwd
        )
    except ProcessFailed as error:
        first = str(error).splitlines()[0]
        raise ConversionError(f"pandoc could not convert it ({first[:200]})") from None
    return output
