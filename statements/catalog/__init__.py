"""The catalogue: statements, authors, tags and dates. Reads (selectors), writes (services)
with the derived state they keep (indexing), the list filters, the public pages that browse
it, and the demo set."""
