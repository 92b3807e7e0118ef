"""Loaded with ``-p tests.plugin`` (pyproject.toml), before pytest-django reads the settings.

Marks the run as a test run, and when ``DATABASE_URL`` is unset starts a throwaway embedded
PostgreSQL in a folder of the checkout that is deleted when the run ends.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_PREFIX = ".pgtest-"

os.environ["TESTING"] = "1"

# EPUBCheck (the one Java program the tests run) is a short run: the JIT's first tier alone
# and the serial collector take it from 11.8 to 5.0 s of processor time per EPUB.
os.environ.setdefault("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")

# Files the tests make (EPUB and PDF downloads, say) go to a folder of their own, removed
# when the run ends, never into the checkout's media/ (pytest-xdist's workers share it).
if "MEDIA_ROOT" not in os.environ:
    _MEDIA = tempfile.mkdtemp(prefix="archive-test-media-")
    os.environ["MEDIA_ROOT"] = _MEDIA
    atexit.register(shutil.rmtree, _MEDIA, ignore_errors=True)


def _remove_stale_throwaways() -> None:
    """Folders left by runs that were killed before they could clean up."""
    from archive.devdb import embedded_server_discard

    for folder in ROOT.glob(f"{THROWAWAY_PREFIX}*"):
        pid = folder.name.removeprefix(THROWAWAY_PREFIX).split("-")[0]
        if not (pid.isdigit() and psutil.pid_exists(int(pid))):
            embedded_server_discard(folder)


if not os.environ.get("DATABASE_URL"):
    from archive.devdb import embedded_database_url

    _remove_stale_throwaways()
    os.environ["ARCHIVE_EMBEDDED_DATABASE"] = "1"  # for tests that know what it lacks
    os.environ["DATABASE_URL"] = embedded_database_url(
        ROOT / f"{THROWAWAY_PREFIX}{os.getpid()}", throwaway=True
    )
