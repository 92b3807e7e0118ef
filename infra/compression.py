"""Public pages compressed on the wire: Brotli when the reader accepts it, else gzip.

WhiteNoise compresses static files ahead; this does the pages (a book-length statement is
850 KB of HTML, about a third of that compressed). Django's GZipMiddleware does gzip, with
its mitigation of BREACH (random bytes in the gzip header); Brotli is added here for
readers that accept it. Neither compresses a response to a request that carries a session
(an editor's, whose pages hold CSRF tokens), the admin, or a response that is already
encoded, streamed, short or not text.
"""

from __future__ import annotations

import brotli
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile

ACCEPTS_BROTLI = _lazy_re_compile(r"\bbr\b")
COMPRESSED_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/ld+json",
    "application/opensearchdescription+xml",
)
MINIMUM_LENGTH = 200  # as GZipMiddleware: shorter, the headers outweigh the saving
BROTLI_QUALITY = 5  # a fifth of quality 11's time for 90 % of its saving on HTML


class PublicCompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not self._wanted(request, response):
            return response
        if not ACCEPTS_BROTLI.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = brotli.compress(response.content, quality=BROTLI_QUALITY)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        if (etag := response.get("ETag", "")).startswith('"'):
            response.headers["ETag"] = "W/" + etag  # as GZipMiddleware does
        response.headers["Content-Encoding"] = "br"
        return response

    @staticmethod
    def _wanted(request, response) -> bool:
        return (
            not response.streaming
            and not response.has_header("Content-Encoding")
            and len(response.content) >= MINIMUM_LENGTH
            and response.get("Content-Type", "").startswith(COMPRESSED_TYPES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith("/admin/")
        )
