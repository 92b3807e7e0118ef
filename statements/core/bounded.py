"""Conversions in child processes, bounded by processor time and memory, not by the clock.

Pandoc's readers can take hours and gigabytes on small hostile input (a 180-byte Muse file of
unclosed emphasis never finishes), and Typst and trafilatura can be made to as well. So each
conversion runs in a child process:

- under the kernel's limits on processor time (``RLIMIT_CPU``) and address space
  (``RLIMIT_AS``), set by ``prlimit``, which end it even if the Python process that started
  it is killed first. A busy machine slows a conversion down; it never makes it fail, so a
  real book is refused nowhere because the server was loaded;
- under a wall-clock timeout several times longer (WALL_FACTOR), only as a safety net for a
  process that sleeps or waits instead of working, after which its whole process group is
  killed;
- and it never outlives the call: the process is reaped on every path.

The limits are the web request's (ARCHIVE_CONVERSION_CPU_SECONDS, ..._MEMORY_MB) while a
request is served, and the larger ones of the command line and the queue's workers
(ARCHIVE_BATCH_CPU_SECONDS, ..._MEMORY_MB) otherwise. Several conversions that make one thing
(a book: pandoc, then Typst) share one budget (``conversion_budget``).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings

from infra.request_id import in_request

# The wall clock backs the processor-time limit up at this many times it (plus a few seconds
# to start): a conversion on a loaded machine gets its share of the processor that late.
WALL_FACTOR = 4
WALL_START_SECONDS = 5
# Room above a runtime's own heap cap for the binary and its stacks.
OS_LIMIT_HEADROOM_MB = 256


class ConversionError(ValueError):
    """A conversion refused or could not finish; the message says why, for a person to read."""


class ProcessFailed(ConversionError):
    """A bounded process (bounded_run) failed on its own; the message is its error text."""


@dataclass(frozen=True)
class Limits:
    cpu_seconds: float  # one conversion
    memory_mb: int  # one conversion
    book_cpu_seconds: float  # every conversion of one book together (conversion_budget)


def conversion_limits() -> Limits:
    """The limits here: a web request's, or the command line's and the workers' (larger;
    there a book gets what one conversion does)."""
    if in_request():
        return Limits(
            settings.ARCHIVE_CONVERSION_CPU_SECONDS,
            settings.ARCHIVE_CONVERSION_MEMORY_MB,
            settings.ARCHIVE_BOOK_CPU_SECONDS,
        )
    batch = settings.ARCHIVE_BATCH_CPU_SECONDS
    return Limits(batch, settings.ARCHIVE_BATCH_MEMORY_MB, batch)


@dataclass
class Budget:
    cpu_seconds: float
    used: float = 0.0

    def left(self) -> float:
        return self.cpu_seconds - self.used


_budget: ContextVar[Budget | None] = ContextVar("conversion_budget", default=None)


@contextlib.contextmanager
def conversion_budget(cpu_seconds: float) -> Iterator[Budget]:
    """Every conversion inside shares ``cpu_seconds`` of processor time: each gets what the
    ones before left, and none starts once it is spent."""
    budget = Budget(cpu_seconds)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


class _Measured(subprocess.Popen):
    """A Popen that keeps the processor time its child used, as the kernel reports it when
    the child is reaped (wait4): per child, unlike RUSAGE_CHILDREN, which adds up every
    thread's children."""

    cpu_seconds = 0.0

    def _try_wait(self, wait_flags):
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        if pid:
            self.cpu_seconds = usage.ru_utime + usage.ru_stime
        return pid, status


@dataclass(frozen=True)
class Ran:
    output: bytes
    errors: str
    cpu_seconds: float


def bounded_run(
    command: list[str],
    data: bytes,
    *,
    seconds: float | None = None,
    memory_mb: int | None = None,
    cwd: str | None = None,
    verb: str = "convert",
) -> Ran:
    """Run ``command`` with ``data`` on its standard input within ``seconds`` of processor
    time and ``memory_mb`` of memory (by default conversion_limits(), and never past what the
    current budget has left): its output, error text and processor time. ConversionError
    when it was ended by a limit; any other failure is ProcessFailed, the caller's to word."""
    limits = conversion_limits()
    cpu = seconds or limits.cpu_seconds
    memory_mb = memory_mb or limits.memory_mb
    budget = _budget.get()
    if budget is not None:
        cpu = min(cpu, budget.left())
        if cpu < 0.5:
            raise ConversionError(
                f"too complex to {verb} within {budget.cpu_seconds:g} s of processor time"
            )
    too_long = f"too complex to {verb} within {cpu:g} s of processor time"
    prlimit = shutil.which("prlimit")
    if prlimit:
        limit = (memory_mb + OS_LIMIT_HEADROOM_MB) * 1024 * 1024
        command = [prlimit, f"--as={limit}", f"--cpu={math.ceil(cpu)}", "--", *command]
    process = _Measured(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, killed whole
        cwd=cwd,
    )
    try:
        output, errors = process.communicate(data, timeout=cpu * WALL_FACTOR + WALL_START_SECONDS)
    except subprocess.TimeoutExpired:
        raise ConversionError(f"{verb}: no answer within {cpu * WALL_FACTOR:g} s") from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
        if budget is not None:
            budget.used += process.cpu_seconds
    message = errors.decode("utf-8", "replace")
    if process.returncode != 0:
        if "Heap exhausted" in message or "out of memory" in message.lower():
            raise ConversionError(f"too complex to {verb} within {memory_mb} MB of memory")
        if "MemoryError" in message or "memory allocation" in message:
            raise ConversionError(f"too complex to {verb} within {memory_mb} MB of memory")
        if process.returncode in (-signal.SIGKILL, -signal.SIGXCPU, 128 + signal.SIGXCPU):
            raise ConversionError(too_long)
        raise ProcessFailed(message.strip() or "no message")
    return Ran(output, message, process.cpu_seconds)
