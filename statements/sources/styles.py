"""A captured page's own styles (its ``<style>`` blocks and ``style`` attributes), read as CSS
by a CSS parser (tinycss2), never by patterns: a declaration or rule that would fetch
anything (``url()`` however it is escaped, ``image-set()``, ``@import``, ``@font-face``) is
left out, and what is kept is written back in a form that cannot close its ``<style>``
element. The replay's sandbox and policy stop such fetches besides; this is one wall more.
"""

from __future__ import annotations

import tinycss2
from tinycss2.ast import Declaration, FunctionBlock, QualifiedRule, URLToken

# Functions that make the browser fetch something.
_FETCHING = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade",
             "-webkit-cross-fade", "element", "-moz-element", "paint"}  # fmt: skip
# At-rules whose blocks hold rules, kept with their rules filtered; every other at-rule
# (@import, @font-face, @namespace, @property...) is left out.
_NESTING = {"media", "supports", "layer", "container"}


def _fetches(tokens) -> bool:
    for token in tokens or ():
        if isinstance(token, URLToken):
            return True
        if isinstance(token, FunctionBlock):
            if token.lower_name in _FETCHING or _fetches(token.arguments):
                return True
        elif _fetches(getattr(token, "content", None)):
            return True
    return False


def _safe(css: str) -> str:
    # No "<" at all, so nothing can close the <style> element ("\3C " is "<" in CSS).
    return css.replace("<", "\\3C ")


def declarations_clean(text: str) -> str:
    """A ``style`` attribute's declarations, without those that would fetch anything."""
    kept = []
    for item in tinycss2.parse_declaration_list(text, skip_comments=True, skip_whitespace=True):
        if isinstance(item, Declaration) and not _fetches(item.value):
            value = tinycss2.serialize(item.value).strip()
            kept.append(f"{item.name}: {value}{' !important' if item.important else ''}")
    return _safe("; ".join(kept))


def _rules(rules) -> str:
    out = []
    for rule in rules:
        if isinstance(rule, QualifiedRule):
            body = declarations_clean(tinycss2.serialize(rule.content))
            out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ {body} }}")
        elif getattr(rule, "lower_at_keyword", None) in _NESTING and rule.content is not None:
            if _fetches(rule.prelude):
                continue
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            prelude = tinycss2.serialize(rule.prelude).strip()
            out.append(f"@{rule.lower_at_keyword} {prelude} {{\n{_rules(inner)}\n}}")
    return "\n".join(out)


def stylesheet_clean(css: str) -> str:
    """A ``<style>`` block's rules, without those that would fetch anything."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return _safe(_rules(rules))
