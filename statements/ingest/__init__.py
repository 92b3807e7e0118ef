"""Files in: reading files (files.py: decoding, zip members, folders), parsing each format
into records (formats/), importing them (services.py), the admin's uploads between preview
and import (uploads.py) and its imports on the queue (tasks.py). The writers of our own
formats (JSON Lines, Muse, Markdown: formats/writers.py) sit beside their readers, so that a
format is read and written in one place and an export reads back as it was; the files made
for people to read (EPUB, PDF) are statements.editions'."""
