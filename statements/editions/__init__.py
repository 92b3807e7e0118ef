"""What the archive writes out for people to read and print: a statement's EPUB and PDF
(books.py: pandoc and Typst), A5 booklets (imposition.py), the Typst compiler's bounded runs
(typeset.py), each file made once per version and kept (services.py), a reader's book of
several statements (bookbuilder.py), and the queue's work on them (tasks.py)."""
