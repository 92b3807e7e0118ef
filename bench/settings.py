"""Settings for benchmark runs: the archive's own, plus the minimal comparison view."""

from archive.settings import *  # noqa: F403
from archive.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
