"""Hypothesis profiles: CI must not fail at random, so there Hypothesis draws the same
examples every run; local runs keep exploring, and ``HYPOTHESIS_PROFILE=thorough`` runs the
property tests at length (5,000 examples)."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=5000, deadline=None)


def hypothesis_profile(environ: Mapping[str, str]) -> str:
    """The profile a run uses: the one named in HYPOTHESIS_PROFILE, else "ci" under CI."""
    return environ.get("HYPOTHESIS_PROFILE") or ("ci" if environ.get("CI") else "default")
