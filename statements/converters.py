"""The URL path converters of the public site (registered on import)."""

import re

from django.urls import register_converter

from statements.editions.services import EDITION_TYPES
from statements.ingest.formats.writers import DOWNLOADS
from statements.interop.citations import CITATION_DOWNLOADS


class UnicodeSlugConverter:
    """Slugs may be non-Latin (Macedonian, Chinese titles); anything else never reaches a view."""

    regex = r"[-\w]{1,255}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class YearConverter:
    regex = r"[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


class MonthConverter(YearConverter):
    regex = r"0[1-9]|1[0-2]"

    def to_url(self, value: int) -> str:
        return f"{int(value):02d}"


class DownloadFormatConverter(UnicodeSlugConverter):
    """A download's suffix: one of exporters.DOWNLOADS or citations.CITATION_DOWNLOADS."""

    regex = "|".join(re.escape(suffix) for suffix in (*CITATION_DOWNLOADS, *DOWNLOADS))


class EditionFormatConverter(UnicodeSlugConverter):
    """A book's suffix (editions.services.EDITION_TYPES)."""

    regex = "|".join(re.escape(suffix) for suffix in EDITION_TYPES)


register_converter(UnicodeSlugConverter, "uslug")
register_converter(EditionFormatConverter, "edition")
register_converter(DownloadFormatConverter, "download")
register_converter(YearConverter, "yyyy")
register_converter(MonthConverter, "mm")


class CitationFormatConverter(UnicodeSlugConverter):
    """A citation download's suffix (citations.CITATION_DOWNLOADS): a version's are these."""

    regex = "|".join(re.escape(suffix) for suffix in CITATION_DOWNLOADS)


register_converter(CitationFormatConverter, "citation")
