"""Translators work on the interface's catalogs in the admin (django-rosetta at /rosetta/),
without git: members of the "Translators" group (made by migration 0039) and superusers."""

from __future__ import annotations

TRANSLATORS = "Translators"


def can_translate(user) -> bool:
    """Rosetta's access check (ROSETTA_ACCESS_CONTROL_FUNCTION)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=TRANSLATORS).exists()
