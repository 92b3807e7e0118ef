"""Text and elements for XML documents (feeds, sitemaps, OAI-PMH, OPDS).

XML 1.0 cannot carry most control characters, and imported texts sometimes hold them (a form
feed from a converted PDF, say). Django's feed writer refuses such text with an error, which
would turn one bad statement into a broken feed: they are dropped instead.
"""

from __future__ import annotations

import re

from lxml import etree

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def xml_element(parent, tag: str, text: str | None = None, **attributes: str):
    """A new child of ``parent`` (lxml) named ``tag`` ("{namespace}name"), with ``text`` and
    the attributes that have a value, every value cleaned by ``xml_text``."""
    cleaned = {name: xml_text(value) for name, value in attributes.items() if value}
    element = etree.SubElement(parent, tag, cleaned)
    if text is not None:
        element.text = xml_text(text)
    return element
