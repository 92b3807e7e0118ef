"""Sources that outlive their websites: link checks (checks), captured copies as WARC files
(captures), and their safe replay to readers (replay, views). Fetching is fetch's alone."""
