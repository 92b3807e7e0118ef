"""The catalogue: statements, authors, tags and dates. Reads (selectors), writes (services)
with the derived state they keep (indexing) and what every write fans out to (changes),
history and revisions, the list filters, what the public pages share (pages) and the pages
that browse it (views), and the demo set."""
