"""What other tools read: feeds, the sitemap and robots.txt, OAI-PMH, OPDS, the JSON API,
citations, the metadata embedded in statement pages, and the downloads."""
