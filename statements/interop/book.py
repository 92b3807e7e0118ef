"""The bookbuilder's pages: the reader's book (``/book/``), its changes, and its files.

The book lives in the reader's browser, in a signed cookie of its own (the ids of its
statements and its title), not in a server-side session: adding to a book writes no row,
and the page cache, which never serves a reader who has a session cookie (an editor's, who
may see drafts), keeps serving a reader who has a book. The forms that change a book sit on
cached pages shared by every reader, which cannot carry a per-reader CSRF token; instead a
change is taken only from the archive's own pages, as the browser says (``Origin`` and
``Sec-Fetch-Site``): another site's form cannot add, replace or clear a reader's book.

A book is shareable by address: ``/book/?s=slug1,slug2&title=…`` shows it, and its files are
``/book/book.epub`` and ``/book/book.pdf`` with the same parameters (without them, the
reader's own book).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from statements.catalog.filters import SLUG_RE
from statements.catalog.pages import bad_request, crumbs, text_length
from statements.core.pandoc import ConversionError
from statements.editions import bookbuilder
from statements.editions.bookbuilder import (
    MAX_STATEMENTS,
    MAX_TEXT_BYTES,
    Book,
    BookError,
    book_statements,
    book_title_clean,
)
from statements.editions.services import (
    EditionOptionError,
    edition_options_parse,
)
from statements.editions.shelf import BuildRefused, book_requested, build_admitted
from statements.editions.tasks import book_file_for_reader
from statements.interop.views import being_made, kept_file_response, unavailable
from statements.models import Authorship, credited

COOKIE = "archive_book"
SALT = "statements.interop.book"
COOKIE_SECONDS = 365 * 24 * 3600
MAX_SHARED_ADDRESS = 8000  # gunicorn refuses request lines past 8190 bytes


def book_notes() -> dict[str, str]:
    """What the book page says after a change, in the interface's language."""
    return {
        "added": _("is in your book."),
        "already": _("was already in your book."),
        "full": _("A book holds at most %(count)s statements: remove one first.")
        % {"count": MAX_STATEMENTS},
        "large": _(
            "A book holds at most %(megabytes)s MB of text: this statement would take it past "
            "that. Remove a long one first."
        )
        % {"megabytes": bookbuilder.MAX_TEXT_BYTES // 1_000_000},
        "gone": _("That statement is not in the archive (or no longer public)."),
        "kept": _("This book is now yours: change it as you like."),
    }


def _reader_book(request: HttpRequest) -> tuple[str, list[int]]:
    """The title and statement ids of the reader's book (empty when none, or tampered)."""
    try:
        data = signing.loads(request.COOKIES.get(COOKIE, ""), salt=SALT)
        return str(data["t"])[:300], [int(pk) for pk in data["i"]][:MAX_STATEMENTS]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "", []


def _save_book(response: HttpResponse, title: str, ids: list[int]) -> None:
    value = signing.dumps({"t": title, "i": ids}, salt=SALT, compress=True)
    response.set_cookie(
        COOKIE,
        value,
        max_age=COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _shared_slugs(params) -> list[str]:
    """The slugs of ``?s=``; BookError for one that cannot be a slug, or too many."""
    slugs = [slug.strip() for slug in params.get("s", "").split(",") if slug.strip()]
    if len(slugs) > MAX_STATEMENTS:
        raise BookError(f"A book holds at most {MAX_STATEMENTS} statements.")
    for slug in slugs:
        if not SLUG_RE.fullmatch(slug):
            shown = slug if len(slug) <= 40 else slug[:40] + "…"
            raise BookError(f"“{shown}” is not the address of a statement.")
    return slugs


def _book(request: HttpRequest, *, bodies: bool = False) -> tuple[Book, bool]:
    """The book asked for: the shared one in ``?s=`` (True), else the reader's own."""
    if "s" in request.GET:
        statements, missing = book_statements(slugs=_shared_slugs(request.GET), bodies=bodies)
        title = book_title_clean(request.GET.get("title"))
        return Book(title=title, statements=statements, missing=missing), True
    title, ids = _reader_book(request)
    statements, missing = book_statements(ids=ids, bodies=bodies)
    return Book(title=book_title_clean(title), statements=statements, missing=missing), False


def _address(book: Book, path: str) -> str:
    """The address of ``path`` for this book (its statements and title as parameters)."""
    return f"{path}?{urlencode({'s': ','.join(book.slugs), 'title': book.title})}"


def _back(request: HttpRequest, value: str) -> str:
    """A page of this site to go back to, or none."""
    ok = value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if ok else ""


@require_safe
@never_cache
def book_page(request: HttpRequest) -> HttpResponse:
    try:
        book, shared = _book(request)
    except BookError as error:
        return bad_request(request, str(error))
    for statement in book.statements:
        statement.byline = ", ".join(a.name for a in credited(statement, Authorship.Role.AUTHOR))
    note, about = request.GET.get("note", ""), request.GET.get("about", "")
    named = next((s for s in book.statements if s.slug == about), None)
    share = _address(book, reverse("statements:book"))
    files = _address(book, "") if shared else ""
    context = {
        "book": book,
        "shared": shared,
        "note": book_notes().get(note, ""),
        "note_about": named if note in ("added", "already") else None,
        "back": _back(request, request.GET.get("back", "")),
        "share": share if len(share) <= MAX_SHARED_ADDRESS else "",
        "files": files,
        "length": text_length(book.text_bytes),
        "limits": {"statements": MAX_STATEMENTS, "megabytes": MAX_TEXT_BYTES // 1_000_000},
        "crumbs": crumbs((_("Your book") if not shared else _("A shared book"), None)),
    }
    return render(request, "statements/book.html", context)


def _moved(ids: list[int], pk: int, step: int) -> list[int]:
    at = ids.index(pk)
    to = min(max(at + step, 0), len(ids) - 1)
    ids.insert(to, ids.pop(at))
    return ids


def from_this_site(request: HttpRequest) -> bool:
    """Whether the browser says the request comes from one of the archive's own pages:
    ``Sec-Fetch-Site`` same-origin (or none: typed or bookmarked), and ``Origin``, when
    sent, the archive's own. A browser sends both with every cross-site form; a request
    with neither comes from no browser's page, and carries no reader's cookie."""
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None and fetched_from not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    return origin in allowed


# Exempt from Django's CSRF checks, which need a per-reader token a shared cached page cannot
# carry (see the module's docstring): the browser's own headers say where the form was.
@csrf_exempt
@require_POST
def book_change(request: HttpRequest) -> HttpResponse:
    """Add, remove or move a statement (``action``, ``s``), set the ``title``, ``clear`` the
    book, or ``keep`` a shared one (``s`` a list) as the reader's own; then back to /book/.
    Only from the archive's own pages (from_this_site): 403 otherwise."""
    if not from_this_site(request):
        return render(
            request,
            "400.html",
            {
                "message": "This change to your book came from another site and was refused. "
                "Change your book from its own page, /book/."
            },
            status=403,
        )
    action, slug = request.POST.get("action", ""), request.POST.get("s", "").strip()
    title, ids = _reader_book(request)
    query: dict[str, str] = {}
    if action == "add":
        ids, query = _added(request, ids, slug)
    elif action in ("remove", "up", "down"):
        current, _missing = book_statements(ids=ids)
        ids = [s.pk for s in current]
        pk = next((s.pk for s in current if s.slug == slug), None)
        if pk is not None and action == "remove":
            ids.remove(pk)
        elif pk is not None:
            ids = _moved(ids, pk, -1 if action == "up" else 1)
    elif action == "title":
        title = book_title_clean(request.POST.get("title"))
    elif action == "clear":
        title, ids = "", []
    elif action == "keep":
        try:
            kept, _missing = book_statements(slugs=_shared_slugs(request.POST))
        except BookError as error:
            return bad_request(request, str(error))
        title, ids = book_title_clean(request.POST.get("title")), [s.pk for s in kept]
        query["note"] = "kept"
    else:
        return bad_request(
            request, _("Change a book with add, remove, up, down, title, clear or keep.")
        )
    address = reverse("statements:book") + (f"?{urlencode(query)}" if query else "")
    if request.headers.get("Accept", "").startswith("application/json"):
        # The page's script (static/js/book.js) changed the book without leaving the page.
        response = JsonResponse(_answer(query.get("note", ""), ids, title))
    else:
        response = HttpResponseRedirect(address, status=303)
    _save_book(response, title, ids)
    return response


def _answer(note: str, ids: list[int], title: str) -> dict:
    """What book.js shows after a change: the note in words and the book's size."""
    count = len(ids)
    said = {
        "added": ngettext(
            "Added to your book (%(count)s statement).",
            "Added to your book (%(count)s statements).",
            count,
        )
        % {"count": count},
        "already": ngettext(
            "Already in your book (%(count)s statement).",
            "Already in your book (%(count)s statements).",
            count,
        )
        % {"count": count},
    }.get(note, book_notes().get(note, ""))
    return {"note": note, "message": said, "count": count, "title": title}


def _added(request: HttpRequest, ids: list[int], slug: str) -> tuple[list[int], dict]:
    """The book's ids with the statement at ``slug`` added when it may be, and what the
    book page then says (``note``, ``about``, and the page to go ``back`` to)."""
    found, _missing = book_statements(slugs=[slug] if SLUG_RE.fullmatch(slug) else [])
    current, _missing = book_statements(ids=ids)
    ids = [s.pk for s in current]
    query = {"about": found[0].slug} if found else {}
    back = _back(request, request.POST.get("back", "") or _referer_path(request))
    if back:
        query["back"] = back
    if not found:
        query["note"] = "gone"
    elif found[0].pk in ids:
        query["note"] = "already"
    elif len(current) >= MAX_STATEMENTS:
        query["note"] = "full"
    elif sum(s.body_bytes for s in current) + found[0].body_bytes > MAX_TEXT_BYTES:
        query["note"] = "large"
    else:
        ids, query["note"] = [*ids, found[0].pk], "added"
    return ids, query


def _too_many_books() -> HttpResponse:
    response = HttpResponse(
        _(
            "You have had %(count)s new books made in the last hour, the most the archive "
            "makes for one reader: try again within the hour. Books already made (those "
            "others asked for, and your own) are served as always."
        )
        % {"count": settings.ARCHIVE_BOOK_BUILDS_PER_HOUR},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "3600"
    return response


def _referer_path(request: HttpRequest) -> str:
    """The path of the page the form was on, when it is on this site."""
    referer = request.headers.get("Referer", "")
    host = f"{request.scheme}://{request.get_host()}"
    return referer[len(host) :] if referer.startswith(host + "/") else ""


@require_safe
def book_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The book as one EPUB or PDF (``?paper=``, ``?imposed=a5-booklet``), read from its
    kept file; made first on a worker (the reader waits on a page that reloads) or, with no
    task queue, in this request within ARCHIVE_BOOK_CPU_SECONDS of processor time."""
    try:
        book, shared = _book(request, bodies=True)
        options = edition_options_parse(fmt, request.GET)
        name = book_file_for_reader(
            book, fmt=fmt, options=options, admit=lambda: build_admitted(request)
        )
    except BuildRefused:
        return _too_many_books()
    except (BookError, EditionOptionError) as error:
        return bad_request(request, str(error))
    except ConversionError as error:
        return unavailable(
            _(
                "This book could not be made here: %(error)s. Make it smaller (fewer or "
                "shorter statements), or download the statements one by one from their pages."
            )
            % {"error": error}
        )
    if name is None:
        return being_made(request, "book")
    book_requested(name)
    # A shared address names its content; the reader's own book depends on their cookie.
    return kept_file_response(
        name,
        fmt=fmt,
        stem=slugify(book.title)[:80] or "book",  # named after the book's title
        options=options,
        etag=name.rsplit("/", 1)[-1].split(".")[0],
        cache="public, max-age=3600" if shared else "private, no-cache",
    )
