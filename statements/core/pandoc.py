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

from django.conf import settings

# The runtime's own heap cap leaves room below the OS limit for the binary and its stacks.
OS_LIMIT_HEADROOM_MB = 256


class ConversionError(ValueError):
    """Pandoc refused or could not finish; the message says why, for a person to read."""


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


_ALLOCATION_MB = 64


def _command(args: list[str], *, seconds: int, memory_mb: int) -> list[str]:
    # -A: a larger allocation area for the young generation, so fewer minor collections:
    # pandoc's Muse reader ran about a fifth faster (9.5 s to 7.5 s on a 770 KB book).
    allocation = min(_ALLOCATION_MB, max(1, memory_mb // 8))
    command = [_pandoc(), *args, "+RTS", f"-M{memory_mb}m", f"-A{allocation}m", "-RTS"]
    prlimit = shutil.which("prlimit")
    if prlimit:
        limit = (memory_mb + OS_LIMIT_HEADROOM_MB) * 1024 * 1024
        command = [prlimit, f"--as={limit}", f"--cpu={seconds + 1}", "--", *command]
    return command


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
    seconds = seconds or settings.ARCHIVE_PANDOC_SECONDS
    memory_mb = memory_mb or settings.ARCHIVE_PANDOC_MEMORY_MB
    args = [f"--from={source}", f"--to={to}", *extra_args]
    process = subprocess.Popen(  # noqa: S603 - our own command line, no shell
        _command(args, seconds=seconds, memory_mb=memory_mb),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, killed whole
    )
    try:
        output, errors = process.communicate(text.encode("utf-8"), timeout=seconds)
    except subprocess.TimeoutExpired:
        raise ConversionError(f"too complex to convert within {seconds} s") from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    if process.returncode != 0:
        message = errors.decode("utf-8", "replace")
        if "Heap exhausted" in message or "out of memory" in message.lower():
            raise ConversionError(f"too complex to convert within {memory_mb} MB of memory")
        if process.returncode in (-signal.SIGKILL, -signal.SIGXCPU, 128 + signal.SIGXCPU):
            raise ConversionError(f"too complex to convert within {seconds} s")
        first = message.strip().splitlines()[0] if message.strip() else "no message"
        raise ConversionError(f"pandoc could not convert it ({first[:200]})")
    return output.decode("utf-8")
