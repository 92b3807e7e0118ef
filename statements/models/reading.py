"""Reading a statement as feeds and the public do: when it last changed, and who it credits
in a role (without the signatories it shows only as a number)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F
from django.db.models.functions import Greatest

if TYPE_CHECKING:
    from statements.models.names import Author
    from statements.models.statements import Statement


def last_changed(through: str = "") -> Greatest:
    """When a statement last changed for feeds, sitemaps and harvesters: the later of its last
    edit and its publication, since a scheduled statement appears without any edit.
    ``through`` reaches the statement through a relation ("authorships__statement__")."""
    return Greatest(F(f"{through}updated_at"), F(f"{through}published_at"))


def credited(statement: Statement, role: str = "author", *, editors: bool = False) -> list[Author]:
    """The authors credited in ``role`` on a statement, in their order, from its prefetched
    authorships (with their authors): as the public may read them (no signatory of a
    statement that shows only their number), or all of them for ``editors``."""
    ships = sorted(
        (
            a
            for a in (statement.authorships.all() if editors else statement.public_authorships)
            if a.role == role
        ),
        key=lambda a: (a.position, a.pk),
    )
    return [ship.author for ship in ships]
