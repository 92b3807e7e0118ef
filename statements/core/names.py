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
    lowered = name.lower()
    words = set(re.findall(r"\w+(?:[-'’]\w+)?", lowered)) | set(re.findall(r"\w+", lowered))
    if (
        words & GROUP_WORDS
        or name.strip().endswith(GROUP_ENDINGS)
        or any(phrase in lowered for phrase in GROUP_PHRASES)
    ):
        return "collective"
    return "person"


GROUP_WORDS = {
    "collective", "collectives", "assembly", "union", "group", "committee", "federation",
    "network", "council", "front", "coalition", "alliance", "movement", "cooperative",
    "association", "syndicate", "brigade", "crimethinc", "collectif", "colectivo", "kollektiv",
    "comité", "comite", "federación", "federazione", "fédération", "groupe", "gruppo",
    "asamblea", "assemblée", "workers", "sindicato", "syndicat", "bloc", "cell", "circle",
    "society", "international", "internationale", "library", "libraries",
    # Organisations of every kind that sign letters ("… Food Bank", "… Initiative").
    "initiative", "initiatives", "unions", "groups", "committees", "networks",
    "councils", "fronts", "federations", "coalitions", "alliances", "assemblies",
    "campaign", "project", "club", "centre", "center", "organisation", "organization",
    "organisations", "organizations", "foundation", "institute", "party",
    "caucus", "cooperativa", "cooperatives", "co-op", "coop", "tenants", "residents",
    "neighbours", "neighbors", "kitchen", "collectiva", "colectiva", "coordinadora",
    "frente", "iniciativa", "comisión", "asociación", "associazione", "collettivo",
    "rete", "fronte", "coordinamento", "coletivo", "rede", "netzwerk", "bündnis",
    "gewerkschaft", "verein", "gruppe", "komitee", "initiativ", "réseau", "coordination",
    # Ukrainian, Russian and Macedonian: committee, collective, union, group, network,
    # council, assembly, front, federation, initiative, association, movement.
    "комітет", "комитет", "колектив", "коллектив", "спілка", "профспілка", "союз",
    "сојуз", "профсоюз", "синдикат", "група", "группа", "мережа", "сеть", "мрежа", "рада",
    "совет", "асамблея", "ассамблея", "собрание", "собир", "фронт", "федерація",
    "федерация", "федерација", "ініціатива", "инициатива", "иницијатива", "об'єднання",
    "объединение", "асоціація", "ассоциация", "рух", "движение", "організація",
    "организация", "организација", "бібліотека", "библиотека",
}  # fmt: skip
# Words that name a group only together ("… Food Bank"; a person may be called Bank).
GROUP_PHRASES = ("food bank", "blood bank", "banco de alimentos", "банк їжі", "банк еды")
# Chinese and Japanese names say what they are at their end: committee, library, group,
# union, association, alliance, network, organisation, collective.
GROUP_ENDINGS = (
    "委员会", "委員会", "图书馆", "図書館", "圖書館", "小组", "小組", "工会", "工會", "协会",
    "協會", "联盟", "聯盟", "网络", "網絡", "组织", "組織", "集体", "集體",
)  # fmt: skip
