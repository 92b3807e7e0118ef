"""How tags are typed: comma-separated, so that multi-word tags survive.

Taggit's default parser splits on spaces when there is no comma, which turns "mutual aid"
into two tags; editors type lists of phrases, so only commas separate here.
"""


def parse_tags(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for part in (text or "").split(","):
        name = " ".join(part.split())  # fold runs of white space, strip the ends
        if name:
            seen.setdefault(name.casefold(), name)
    return sorted(seen.values(), key=str.casefold)


def format_tags(tags) -> str:
    return ", ".join(sorted((tag.name for tag in tags), key=str.casefold))
