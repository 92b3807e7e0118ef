"""Every interface language in Chromium: each page type at phone and desktop width, axe-clean
and without sideways scrolling; the Arabic interface mirrored (a screenshot of it lands in
test-artifacts/screenshots/); a statement written right to left read right to left inside
the English interface; and a browser's language offered, never imposed."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import make_statement
from tests.test_browser import (  # noqa: F401 (fixtures)
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    archive,
    axe_serious,
    reader,
)

pytestmark = pytest.mark.slow

CODES = [code for code, _name in settings.LANGUAGES]
# The list: home, list, statement, search with facets, author, tag, archive, history,
# version, book, 400 and 404.
PAGES = {
    "home": "/",
    "list": "/statements/?tag=mutual-aid&sort=title",
    "statement": "/statements/solidarity-beyond-borders/",
    "search": "/search/?q=solidarity",
    "author": "/authors/harbour-collective/",
    "tag": "/tags/internationalism/",
    "archive": "/archive/2025/",
    "history": "/statements/solidarity-beyond-borders/history/",
    "version": "/statements/solidarity-beyond-borders/v/1/",
    "book": "/book/?s=solidarity-beyond-borders,an-older-call&title=A+zine",
    "bad-request": "/statements/?from=2025-13",
    "not-found": "/statements/no-such-statement/",
}


def prefixed(code: str, path: str) -> str:
    return path if code == settings.LANGUAGE_CODE else f"/{code}{path}"


@pytest.mark.parametrize("code", CODES)
def test_every_page_type_in_every_language(browser, live_server, archive, code):  # noqa: F811
    problems = []
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        # axe goes in as an inline script, which the site's CSP rightly refuses.
        context = browser.new_context(viewport=viewport, base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        for name, path in PAGES.items():
            response = page.goto(prefixed(code, path))
            expected = {"bad-request": 400, "not-found": 404}.get(name, 200)
            assert response.status == expected, (code, name)
            html = page.locator("html")
            expect(html).to_have_attribute("lang", code)
            expect(html).to_have_attribute("dir", "rtl" if code == "ar" else "ltr")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{name} at {label}: scrolls sideways by {overflow}px")
            problems += [f"{name} at {label}: {problem}" for problem in axe_serious(page)]
        context.close()
    assert not problems, f"{code}: " + "; ".join(problems)


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_arabic_interface_is_mirrored(browser, live_server, archive, viewport):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = viewport["width"]
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    page.goto("/statements/solidarity-beyond-borders/")
    english = _box(page, ".site-name"), _box(page, ".breadcrumbs li")
    page.goto("/ar/statements/solidarity-beyond-borders/")
    label = "phone" if viewport is PHONE else "desktop"
    page.screenshot(path=SCREENSHOTS / f"arabic-statement-{label}.png", full_page=True)
    arabic = _box(page, ".site-name"), _box(page, ".breadcrumbs li")
    # The archive's name and the first breadcrumb start at the left in English and end at
    # the right in Arabic, as far from the edge.
    for left, right in zip(english, arabic, strict=True):
        assert left["x"] < width / 2 < right["x"] + right["width"]
        assert abs(left["x"] - (width - right["x"] - right["width"])) < 24
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The statement itself is English: left to right inside the mirrored page.
    article = page.locator("article.statement")
    expect(article).to_have_attribute("dir", "ltr")
    assert article.evaluate("node => getComputedStyle(node).direction") == "ltr"
    context.close()


def test_a_right_to_left_statement_inside_the_english_interface(reader, archive):  # noqa: F811
    make_statement(
        "نداء من أجل التضامن",
        slug="nida",
        issued="2025-03",
        language="ar",
        summary="نداء قصير.",
        body="نحن نقف معًا.",
        tags=["mutual aid"],
    )
    reader.goto("/statements/nida/")
    expect(reader.locator("html")).to_have_attribute("dir", "ltr")
    article = reader.locator("article.statement")
    expect(article).to_have_attribute("dir", "rtl")
    body = reader.locator(".statement-body")
    assert body.evaluate("node => getComputedStyle(node).direction") == "rtl"
    # The interface's words inside the article stay left to right.
    meta = reader.locator("dl.meta")
    assert meta.evaluate("node => getComputedStyle(node).direction") == "ltr"
    reader.goto("/tags/mutual-aid/")
    card = reader.locator(".card-title a", has_text="نداء من أجل التضامن")
    assert card.evaluate("node => getComputedStyle(node).direction") == "rtl"
    reader.goto("/search/?q=التضامن")
    card = reader.locator(".card-title a", has_text="نداء")
    assert card.evaluate("node => getComputedStyle(node).direction") == "rtl"


def test_the_browser_s_language_is_offered_never_imposed(browser, live_server, archive):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="uk-UA")
    page = context.new_page()
    page.goto("/statements/")
    assert page.url == live_server.url + "/statements/"  # not moved
    expect(page.locator("html")).to_have_attribute("lang", "en")
    offer = page.locator(".language-offer")
    expect(offer).to_be_visible()
    link = offer.get_by_role("link")
    expect(link).to_have_text("Читати цю сторінку українською")
    expect(link).to_have_attribute("href", "/uk/statements/")
    offer.get_by_role("button").click()
    expect(offer).to_have_count(0)
    page.reload()
    expect(page.locator(".language-offer")).to_have_count(0)  # closed stays closed
    context.close()
    # A reader whose browser asks for English, or for a language the archive lacks, gets none.
    for locale in ("en-GB", "pt-BR"):
        context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale=locale)
        page = context.new_page()
        page.goto("/statements/")
        page.wait_for_load_state("load")
        expect(page.locator(".language-offer")).to_have_count(0)
        context.close()
