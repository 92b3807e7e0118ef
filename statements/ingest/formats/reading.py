"""A text export being read: what is left of the text, and what has been found in it (shared
by the readings of each convention: formats.text, formats.libcom)."""

from __future__ import annotations

from dataclasses import dataclass, field

from statements.core.records import SourceData
from statements.core.titles import TitleTidied, title_tidy


@dataclass
class TextReading:
    """A text export being read: what is left of the text, and what has been found in it."""

    text: str
    title: str = ""
    author: str = ""
    date_line: str = ""
    rights: str = ""
    sources: list[SourceData] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    body_lines: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    subtitle: str = ""
    gutenberg: bool = False
    name: str = ""  # the file's name
    title_took: list[TitleTidied] = field(default_factory=list)  # what titles carried
    titles_before: list[str] = field(default_factory=list)  # the titles before tidying

    def tidy(self, title: str, *, keep: bool = True) -> str:
        """``title`` without an export's address, site name or extension (kept aside for
        the source unless ``keep`` is false: a line that may not be the title)."""
        tidied = title_tidy(title, file_name=self.name)
        if keep and tidied.title != " ".join(title.split()):
            self.title_took.append(tidied)
            self.titles_before.append(" ".join(title.split()))
        return tidied.title
