"""The search engine: the reader's query parsed by every text search configuration, matches
ranked in two tiers, snippets for the shown page only, facets, and "did you mean" from the
archive's own vocabulary. Reads only: the index it reads is kept by catalog.indexing."""
