"""Websites for the link checker and the capturer to visit, on 127.0.0.1: every kind of
answer a cited address gives (alive, moved, missing, broken, slow, endless, huge, full of
scripts, not a page at all), and a record of every request each received."""

from __future__ import annotations

import contextlib
import gzip
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli


def png(width: int = 3, height: int = 2) -> bytes:
    """A real PNG image (red pixels), so that a browser shows it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# A page that tries every way there is to run script, or to reach beyond its capture. If any
# ran, it would mark the document, change the title, or ask this server for /ran.
SCRIPTED_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Statement of the assembly</title>
<meta http-equiv="refresh" content="0; url=/ran?via=refresh">
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/icon.png">
<script src="/static/app.js"></script>
<script>document.documentElement.dataset.ran = "inline"; document.title = "RAN";
fetch("/ran?via=inline");</script>
<base href="/static/">
</head>
<body onload="document.documentElement.dataset.ran='onload'; fetch('/ran?via=onload')">
<h1 class="heading">We, the assembly</h1>
<p id="text" onclick="fetch('/ran?via=onclick')">The text of the statement, kept as evidence.</p>
<img id="picture" src="picture.png" alt="a red picture"
     onerror="document.documentElement.dataset.ran='onerror'; fetch('/ran?via=onerror')">
<img src="x" onerror="fetch('/ran?via=broken-image')">
<a id="js-link" href="javascript:fetch('/ran?via=href')">a javascript link</a>
<a id="out-link" href="/elsewhere">a link</a>
<iframe src="/ran?via=iframe"></iframe>
<object data="/ran?via=object"></object>
<embed src="/ran?via=embed">
<svg><script>fetch('/ran?via=svg')</script><a href="javascript:1">x</a></svg>
<form action="/ran?via=form"><input name="q" autofocus onfocus="fetch('/ran?via=onfocus')">
<button>send</button></form>
<img src="http://127.0.0.9:9/ran?via=outside" alt="">
<div style="background: url('/ran?via=css')">styled</div>
<noscript><p>no script</p></noscript>
</body></html>
"""


def gzip_of_zeros(megabytes: int) -> bytes:
    """A gzip stream of ``megabytes`` MB of a repeated byte, made a megabyte at a time."""
    out = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"<p>" + b"a" * (2**20 - 3)
    return b"".join(out.compress(block) for _ in range(megabytes)) + out.flush()


BOMB = gzip_of_zeros(64)


class Site:
    """A website on 127.0.0.1 (or another loopback address) on a port of its own."""

    def __init__(self, host: str = "127.0.0.1"):
        self.requests: list[tuple[float, str, str, dict[str, str]]] = []
        self.counter = 0
        self.etag = '"v1"'
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_HEAD(self):
                site.answer(self, head=True)

            def do_GET(self):
                site.answer(self, head=False)

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.host = host
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def paths(self, method: str | None = None) -> list[str]:
        return [p for _, m, p, _ in self.requests if method is None or m == method]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- answers ------------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler, *, head: bool) -> None:
        self.requests.append(
            (time.monotonic(), handler.command, handler.path, dict(handler.headers.items()))
        )
        path = handler.path.split("?", 1)[0]
        route = ROUTES.get(path)
        if route is None and path.startswith("/static/"):
            route = Site.static
        if route is None:
            route = Site.missing
        # The client may stop reading: as it should, past its limit.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self, handler, head)

    @staticmethod
    def send(
        handler, status, body=b"", content_type="text/html; charset=utf-8", head=False, headers=()
    ):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        if not head:
            handler.wfile.write(body)

    def alive(self, handler, head):
        self.send(
            handler,
            200,
            b"<!doctype html><title>Alive</title><p>Still here.",
            head=head,
            headers=[("ETag", self.etag)],
        )

    def page(self, handler, head):
        self.send(handler, 200, SCRIPTED_PAGE.encode(), head=head)

    def static(self, handler, head):
        name = handler.path.split("?", 1)[0].rsplit("/", 1)[-1]
        if name.endswith(".png"):
            self.send(handler, 200, png(), "image/png", head)
        elif name.endswith(".css"):
            css = b"body { background: rgb(250, 250, 240); } .heading { color: rgb(0, 0, 128); }"
            self.send(handler, 200, css, "text/css", head)
        elif name.endswith(".js"):
            js = b"document.documentElement.dataset.ran = 'external'; fetch('/ran?via=external');"
            self.send(handler, 200, js, "text/javascript", head)
        else:
            self.missing(handler, head)

    def moved(self, handler, head):
        self.send(handler, 301, b"", head=head, headers=[("Location", "/alive")])

    def temporary(self, handler, head):
        self.send(handler, 302, b"", head=head, headers=[("Location", "/alive")])

    def loop(self, handler, head):
        self.send(handler, 302, b"", head=head, headers=[("Location", "/loop")])

    def to_other_host(self, handler, head):
        target = handler.path.split("to=", 1)[-1] if "to=" in handler.path else "/alive"
        self.send(handler, 302, b"", head=head, headers=[("Location", target)])

    def missing(self, handler, head):
        self.send(handler, 404, b"<p>Not found", head=head)

    def gone(self, handler, head):
        self.send(handler, 410, b"<p>Gone", head=head)

    def error(self, handler, head):
        self.send(handler, 500, b"<p>Broken", head=head)

    def slow(self, handler, head):
        time.sleep(3)
        self.send(handler, 200, b"<p>At last", head=head)

    def pause(self, handler, head):
        time.sleep(0.3)
        self.send(handler, 200, b"<p>After a pause", head=head)

    def endless(self, handler, head):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        if head:
            return
        piece = b"<p>" + b"more " * 200 + b"</p>\n"
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        while True:
            handler.wfile.write(chunk)
            time.sleep(0.001)

    def big(self, handler, head):
        size = 50 * 2**20
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(size))
        handler.end_headers()
        if head:
            return
        block = b"x" * 65536
        for _ in range(size // len(block)):
            handler.wfile.write(block)

    def pdf(self, handler, head):
        body = b"%PDF-1.4\n% a statement as a file\n" + b"0" * 2000 + b"\n%%EOF\n"
        self.send(handler, 200, body, "application/pdf", head)

    def head_refused(self, handler, head):
        if head:
            self.send(handler, 405, b"", head=True, headers=[("Allow", "GET")])
        else:
            self.send(handler, 200, b"<p>Only GET here", head=False)

    # -- hostile answers: compressed although "identity" was asked for, odd charsets ------

    def gzip_bomb(self, handler, head):
        """A few kilobytes of gzip that stand for 64 MB of page."""
        self.send(handler, 200, BOMB, head=head, headers=[("Content-Encoding", "gzip")])

    def gzip_page(self, handler, head):
        body = gzip.compress(b"<!doctype html><title>Zipped</title><p id=z>Sent zipped.")
        self.send(handler, 200, body, head=head, headers=[("Content-Encoding", "gzip")])

    def brotli_page(self, handler, head):
        body = brotli.compress(b"<!doctype html><title>Brotli</title><p>Sent as brotli.")
        self.send(handler, 200, body, head=head, headers=[("Content-Encoding", "br")])

    def zstd_page(self, handler, head):
        body = b"\x28\xb5\x2f\xfd not really zstd"
        self.send(handler, 200, body, head=head, headers=[("Content-Encoding", "zstd")])

    def idna_page(self, handler, head):
        body = ("<!doctype html><title>Odd</title><p>" + "é" * 200 + "</p>").encode()
        self.send(handler, 200, body, "text/html; charset=idna", head)

    def changing(self, handler, head):
        self.counter += 1
        self.send(handler, 200, f"<p>Edition {self.counter}".encode(), head=head)


ROUTES = {
    "/alive": Site.alive,
    "/page": Site.page,
    "/moved": Site.moved,
    "/temporary": Site.temporary,
    "/loop": Site.loop,
    "/redirect": Site.to_other_host,
    "/missing": Site.missing,
    "/gone": Site.gone,
    "/error": Site.error,
    "/slow": Site.slow,
    "/pause": Site.pause,
    "/endless": Site.endless,
    "/big": Site.big,
    "/doc.pdf": Site.pdf,
    "/head-refused": Site.head_refused,
    "/changing": Site.changing,
    "/bomb": Site.gzip_bomb,
    "/zipped": Site.gzip_page,
    "/brotli": Site.brotli_page,
    "/zstd": Site.zstd_page,
    "/idna": Site.idna_page,
}
