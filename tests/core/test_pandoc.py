"""Every pandoc conversion is bounded in time and memory, reports why it stopped, and leaves
no process behind, even when its caller is killed. Before, a 180-byte Muse file kept a worker
and pandoc busy for hours."""

import os
import subprocess
import sys
import textwrap
import time
import uuid

import psutil
import pytest

from statements.core.pandoc import ConversionError, pandoc_convert
from tests.factories import children_cpu_seconds
from tests.plugin import ROOT

HOSTILE_MUSE = {
    "unclosed emphasis": "*a " * 60,
    "em tags never closed": "<em>a" * 40,
    "nested quote blocks": "<quote>\n" * 60,
    "20,000 footnotes": "".join(f"Text[{n}]\n\n" for n in range(1, 20_001))
    + "".join(f"[{n}] Note {n}.\n\n" for n in range(1, 20_001)),
    "100,000 short paragraphs": "".join(f"Paragraph *{n}*.\n\n" for n in range(100_000)),
}


def _pandoc_children() -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if child.is_running() and "pandoc" in " ".join(child.cmdline())
    ]


@pytest.mark.parametrize("text", HOSTILE_MUSE.values(), ids=HOSTILE_MUSE.keys())
def test_hostile_muse_is_refused_within_the_time_bound(text):
    before = children_cpu_seconds()
    with pytest.raises(ConversionError, match="too complex to convert within 2 s of processor"):
        pandoc_convert(text, source="muse", to="commonmark_x", seconds=2)
    # Stopped by its processor time: never more than about the limit. On a busy machine the
    # wall clock's backup (four times the limit) may stop it first, with less processor
    # time used (1.49 s seen in CI): the lower bound only says it ran, then was stopped.
    assert 0.25 < children_cpu_seconds() - before < 3.5
    assert _pandoc_children() == []


def test_memory_cap_refuses_with_a_reason():
    text = "# Title\n\n" + "word " * 200_000
    with pytest.raises(ConversionError, match="within 16 MB of memory"):
        pandoc_convert(text, source="commonmark_x", to="plain", memory_mb=16)
    assert _pandoc_children() == []


def test_a_normal_text_converts_as_before():
    assert pandoc_convert("Some *emphasis*.", source="muse", to="commonmark_x") == (
        "Some *emphasis*.\n"
    )


def test_pandoc_dies_by_its_own_limits_when_its_caller_is_killed():
    """A gunicorn worker killed mid-conversion must not leave pandoc running: the kernel's
    CPU limit ends it."""
    marker = f"probe-{uuid.uuid4().hex}"
    script = textwrap.dedent(
        f"""
        import django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
        django.setup()
        from statements.core.pandoc import pandoc_convert
        pandoc_convert("*a " * 60, source="muse", to="commonmark_x", seconds=2,
                       extra_args=("--metadata=probe:{marker}",))
        """
    )
    caller = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=os.environ.copy())  # noqa: S603
    deadline = time.monotonic() + 20
    found = []
    while not found and time.monotonic() < deadline:
        time.sleep(0.1)
        found = [
            p
            for p in psutil.process_iter(["cmdline"])
            if marker in " ".join(p.info["cmdline"] or [])
        ]
    assert found, "pandoc never started"
    caller.kill()  # SIGKILL: no cleanup code of the caller runs
    caller.wait()
    # 3 s of CPU time (its prlimit): longer in wall time on a busy machine.
    _gone, alive = psutil.wait_procs(found, timeout=30)
    assert alive == [], [p.cmdline() for p in alive]
