"""Values and helpers that know nothing of the rest of the archive: partial dates, languages,
Markdown rendering, tag strings, XML text, text search configurations, and the records
importers produce and the catalog's services consume."""
