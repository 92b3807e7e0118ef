"""Text for XML documents (feeds, sitemaps, OAI-PMH, OPDS).

XML 1.0 cannot carry most control characters, and imported texts sometimes hold them (a form
feed from a converted PDF, say). Django's feed writer refuses such text with an error, which
would turn one bad statement into a broken feed: they are dropped instead.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")
