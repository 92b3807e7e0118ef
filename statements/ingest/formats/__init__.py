"""One module per file format: bytes' text in, ``ParsedFile`` records out, no database
(muse, text, jsonl); writers.py writes statements back out."""
