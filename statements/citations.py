"""Citations of a statement, built from its metadata."""

from __future__ import annotations

import datetime

from statements.models import Authorship, Statement


def statement_citation_text(
    *, statement: Statement, url: str, accessed: datetime.date | None = None
) -> str:
    """A plain-text citation: Authors. “Title: Subtitle.” Date. Place. Archive. URL (accessed …).

    Collectives are cited by their full name, never split into given and family names.
    """
    accessed = accessed or datetime.date.today()
    names = [
        credit.author.name
        for credit in statement.authorships.all()
        if credit.role == Authorship.Role.AUTHOR
    ]
    title = statement.title + (f": {statement.subtitle}" if statement.subtitle else "")
    parts = []
    if names:
        parts.append(_join_names(names).rstrip(".") + ".")
    parts.append(f"“{title.rstrip('.')}.”")
    if statement.issued:
        parts.append(f"{statement.issued.display()}.")
    elif statement.date_text:
        parts.append(f"{statement.date_text.rstrip('.')}.")
    if statement.place:
        parts.append(f"{statement.place.rstrip('.')}.")
    parts.append("Statement Archive.")
    parts.append(f"{url} (accessed {accessed.day} {accessed:%B %Y}).")
    return " ".join(parts)


def _join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) > 3:
        return f"{names[0]} et al"
    return ", ".join(names[:-1]) + " and " + names[-1]
