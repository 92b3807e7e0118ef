"""Values and helpers that know nothing of the rest of the archive: partial dates, languages,
Markdown rendering, tag strings, XML text, text search configurations, pagination, the
records importers produce and the catalog's services consume, and conversions in child
processes bounded by processor time and memory (bounded, pandoc)."""
