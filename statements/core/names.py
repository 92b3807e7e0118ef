"""Names of authors: what a name says of its bearer, for importers and editors alike."""

from __future__ import annotations

import re
import unicodedata


def name_fold(text: str) -> str:
    """Lower case without accents, as the database's archive_fold: how names are compared
    and looked for in texts."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def author_kind(name: str) -> str:
    """A guess editors can correct: names that say they are a group are collectives."""
    words = set(re.findall(r"\w+", name.lower()))
    if words & GROUP_WORDS or name.strip().endswith(GROUP_ENDINGS):
        return "collective"
    return "person"


GROUP_WORDS = {
    "collective", "collectives", "assembly", "union", "group", "committee", "federation",
    "network", "council", "front", "coalition", "alliance", "movement", "cooperative",
    "association", "syndicate", "brigade", "crimethinc", "collectif", "colectivo", "kollektiv",
    "comité", "comite", "federación", "federazione", "fédération", "groupe", "gruppo",
    "asamblea", "assemblée", "workers", "sindicato", "syndicat", "bloc", "cell", "circle",
    "society", "international", "internationale", "library", "libraries",
}  # fmt: skip
# Chinese and Japanese names say what they are at their end: committee, library, group.
GROUP_ENDINGS = ("委员会", "委員会", "图书馆", "図書館", "圖書館", "小组", "小組")
