"""Reading the archive in a real browser: Debian's Chromium driven by Playwright.

Screenshots of every page type land in test-artifacts/screenshots/. axe-core checks every page
type (light and dark colour schemes) against WCAG 2.1 A and AA.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from statements.core.records import SourceData
from tests.conftest import BROWSER_AXE
from tests.factories import make_statement
from tests.plugin import ROOT

# Chromium drives a live server: slow, and still run in CI.
pytestmark = pytest.mark.slow

AXE = BROWSER_AXE
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def reader(browser, live_server, transactional_db):
    """A fresh browser page on the live server."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def archive(transactional_db):
    long_body = "\n\n".join(
        f"## Part {i}\n\nWe stand together in part {i}.[^{i}]\n\n[^{i}]: Note {i}."
        for i in range(1, 5)
    )
    main = make_statement(
        "Solidarity beyond borders",
        slug="solidarity-beyond-borders",
        subtitle="An open letter",
        issued="2025-03-13",
        place="Kyiv",
        authors=["Harbour Collective"],
        signatories=[f"Neighbourhood Group {i}" for i in range(25)],
        tags=["internationalism", "mutual aid"],
        summary="A call for solidarity across borders.",
        body=long_body + "\n\n| Year | Groups |\n|---|--:|\n| 2024 | 12 |\n",
        language="en",
        rights="Anti-Copyright",
        sources=[
            SourceData(
                url="https://harbour.example.org/letter",
                site_name="Harbour Collective",
                note="Retrieved on 13th March 2025 from harbour.example.org",
                archived_url="https://archive.example.org/harbour",
            )
        ],
    )
    make_statement(
        "Appel à l'entraide",
        issued="2025",
        authors=["Harbour Collective"],
        tags=["mutual aid"],
        language="fr",
        body="Nous appelons à l'entraide.",
    )
    make_statement(
        "An older call",
        issued="2019-06",
        tags=["internationalism", "history"],
        body="A call for solidarity, written long ago.",
    )
    make_statement("Not public yet", published=False, tags=["internationalism"])
    return main


PAGE_TYPES = {
    "home": "/",
    "list": "/statements/?tag=mutual-aid&sort=title",
    "detail": "/statements/solidarity-beyond-borders/",
    "authors": "/authors/",
    "author": "/authors/harbour-collective/",
    "tags": "/tags/",
    "tag": "/tags/internationalism/",
    "archive": "/archive/",
    "year": "/archive/2025/",
    "month": "/archive/2025/03/",
    "undated": "/archive/undated/",
    "bad-filter": "/statements/?from=2025-13",
    "not-found": "/statements/no-such-statement/",
    "search": "/search/?q=solidarity",
    "search-empty": "/search/?q=solidarty",
    "history": "/statements/solidarity-beyond-borders/history/",
    "book": "/book/?s=solidarity-beyond-borders,an-older-call&title=A+zine",
    "version": "/statements/solidarity-beyond-borders/v/1/",
    "changes": "/changes/",
    "redactions": "/about/redactions/",
    "copies": "/about/copies/",
    "data": "/data/",
    "network": "/network/",
}


def test_reader_walks_home_tag_statement_author_year(reader, archive):
    # Each step waits for the next page (expect retries): a click returns once the navigation
    # starts, and a locator read at once could still see the page before (CI saw it once).
    reader.goto("/")
    reader.get_by_role("link", name="internationalism").first.click()
    expect(reader).to_have_url(re.compile(r"/tags/internationalism/$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Tagged “internationalism”")
    assert "Not public yet" not in reader.content()
    reader.get_by_role("link", name="Solidarity beyond borders").click()
    expect(reader).to_have_url(re.compile(r"/statements/solidarity-beyond-borders/$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Solidarity beyond borders")
    reader.locator(".byline").get_by_role("link", name="Harbour Collective").click()
    expect(reader).to_have_url(re.compile(r"/authors/harbour-collective/$"))
    expect(reader.get_by_role("link", name="Appel à l'entraide")).to_be_visible()
    reader.get_by_role("navigation", name="Main").get_by_role("link", name="By date").click()
    expect(reader).to_have_url(re.compile(r"/archive/$"))
    reader.get_by_role("link", name="2025", exact=True).click()
    expect(reader).to_have_url(re.compile(r"/archive/2025/$"))
    expect(reader.locator(".badge", has_text="month unknown")).to_have_count(1)


def test_signatories_unfold(reader, archive):
    reader.goto(PAGE_TYPES["detail"])
    last = reader.get_by_text("Neighbourhood Group 24")
    assert not last.is_visible()
    reader.get_by_text("Show all 25 signatories").click()
    assert last.is_visible()


def test_print_shows_every_signatory_the_source_addresses_and_the_pages_address(reader, archive):
    reader.goto(PAGE_TYPES["detail"])
    reader.emulate_media(media="print")
    assert reader.get_by_text("Neighbourhood Group 24").is_visible()
    assert not reader.get_by_text("Show all 25 signatories").is_visible()
    address = reader.locator(".print-address")
    assert address.is_visible()
    assert "/statements/solidarity-beyond-borders/" in address.inner_text()
    after = reader.locator(".sources a[href^='http']").first.evaluate(
        "link => getComputedStyle(link, '::after').content"
    )
    assert "https://harbour.example.org/letter" in after
    assert reader.locator("ul.downloads").evaluate_all(
        "lists => lists.length > 0 && lists.every(l => getComputedStyle(l).display === 'none')"
    )
    # Finding 7 of issue 32: a heading ("Signatories (25)") could end a page alone.
    for heading in ("#signatories-heading", "h1", ".statement-body h2"):
        assert reader.locator(heading).first.evaluate("h => getComputedStyle(h).breakAfter") == (
            "avoid"
        ), heading
    reader.emulate_media(media="screen")
    assert not address.is_visible()


def test_contents_stay_in_reach_of_a_long_text(browser, live_server, archive):
    wide = browser.new_page(viewport={"width": 1400, "height": 360})
    wide.goto(live_server.url + PAGE_TYPES["detail"])
    end = wide.locator(".statement-body table")
    end.scroll_into_view_if_needed()
    wide.evaluate("window.scrollBy(0, document.querySelector('.statement-body table')"
                  ".getBoundingClientRect().bottom - 350)")  # fmt: skip
    toc = wide.locator("nav.toc").bounding_box()
    text = wide.locator(".statement-body").bounding_box()
    assert text["y"] < 0  # the text's start is scrolled away...
    assert 0 <= toc["y"] < 360 and toc["x"] < text["x"]  # ...its contents beside it, in view
    assert not wide.locator(".back-to-contents").is_visible()
    assert not wide.locator(".to-contents").first.is_visible()
    wide.close()
    phone = browser.new_page(viewport={"width": 390, "height": 700})
    phone.goto(live_server.url + PAGE_TYPES["detail"])
    phone.mouse.wheel(0, 5000)
    back = phone.locator(".back-to-contents")
    assert back.is_visible()
    back.click()
    assert phone.url.endswith("#contents")
    # And at the end of each section, a link back to them.
    after = phone.locator(".to-contents a")
    assert after.count() == 4  # four parts
    after.nth(1).scroll_into_view_if_needed()
    after.nth(1).click()
    assert phone.url.endswith("#contents")
    phone.close()


def test_a_note_opens_where_it_is_referenced_and_prints_at_the_end(reader, archive):
    reader.goto(PAGE_TYPES["detail"])
    note = reader.get_by_role("button", name="Note 2")
    assert note.is_visible()
    assert not reader.locator("#fnref2").is_visible()  # the plain link gives way to the button
    popover = reader.locator("#note-2-0")
    assert not popover.is_visible()
    note.click()
    assert popover.is_visible() and "Note 2." in popover.inner_text()
    reader.keyboard.press("Escape")
    assert not popover.is_visible()
    reader.emulate_media(media="print")
    assert reader.locator("#fnref2").is_visible() and not note.is_visible()
    assert reader.locator("#fn2").is_visible()  # the list at the end is kept
    reader.emulate_media(media="screen")


@pytest.mark.parametrize(
    "viewport", [DESKTOP, {"width": 1366, "height": 900}, PHONE, {"width": 390, "height": 844}]
)
def test_the_text_starts_on_the_first_screen(browser, live_server, archive, viewport):
    """Finding 1 of issue 32: three citations, six downloads and the book button came first,
    and the text started at 1,081 to 2,432 px. Now the title block, one compact row of
    disclosures, and the text; the lists open on demand."""
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    page.goto(PAGE_TYPES["detail"])
    first_words = page.locator(".statement-body p").first.bounding_box()
    assert first_words["y"] + 20 < viewport["height"], first_words
    assert page.locator(".length").inner_text().startswith("About 1 minute to read")
    downloads = page.locator(".aid-download .downloads")
    assert not downloads.is_visible()
    page.locator(".aid-download summary").click()
    assert downloads.is_visible() and page.get_by_role("link", name="EPUB").is_visible()
    page.locator(".aid-cite summary").click()
    assert page.locator(".citation").first.is_visible()
    # Tab from the top of the page reaches the text's first link in a few presses.
    assert page.locator("h1").bounding_box()["y"] < first_words["y"]
    context.close()


def test_filters_apply_and_remove_without_javascript(browser, live_server, archive):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/statements/?tag=mutual-aid")
    assert page.locator(".result-count").inner_text() == "2 statements match these filters."
    page.locator("#f-from").fill("2025-03")
    page.locator("#f-sort").select_option("title")
    page.get_by_role("button", name="Apply").click()
    assert "from=2025-03" in page.url
    assert "tag=mutual-aid" in page.url
    assert page.locator(".result-count").inner_text() == "2 statements match these filters."
    page.locator("#f-from").fill("2025-04")
    page.get_by_role("button", name="Apply").click()
    assert page.locator(".result-count").inner_text() == "1 statement matches these filters."
    page.get_by_role("link", name="Remove filter Tag: mutual aid").click()
    assert "tag=" not in page.url
    assert page.locator(".result-count").inner_text() == "1 statement matches these filters."
    page.get_by_role("link", name="Remove filter From: April 2025").click()
    assert page.locator(".result-count").inner_text() == "3 statements."
    context.close()


@pytest.mark.parametrize("path", ["/tags/", "/authors/"])
def test_the_name_boxes_are_one_line_high(browser, live_server, archive, path):
    """Finding 4 of issue 32: "Tags containing" and "Names containing" were 160 px squares."""
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        page = context.new_page()
        page.goto(path)
        box = page.locator("input[type=search][name=q]").last.bounding_box()
        context.close()
        assert box["height"] < 60, (viewport, box)


def test_search_then_narrow_by_a_facet_and_widen_again(reader, archive):
    reader.goto("/")
    reader.get_by_role("searchbox", name="Search the archive").fill("solidarity")
    reader.get_by_role("button", name="Search").click()
    expect(reader).to_have_url(re.compile(r"/search/\?q=solidarity"))
    expect(reader.locator(".statement-card")).to_have_count(2)
    assert reader.locator(".snippet mark").first.inner_text().lower() == "solidarity"
    reader.locator(".facets").get_by_role("link", name="history").click()
    expect(reader).to_have_url(re.compile(r"tag=history"))
    expect(reader.locator(".statement-card")).to_have_count(1)
    reader.get_by_role("link", name="Remove filter Tag: history").click()
    expect(reader).not_to_have_url(re.compile(r"tag="))
    expect(reader.locator(".statement-card")).to_have_count(2)


def test_with_javascript_the_book_changes_without_page_loads(browser, live_server, archive):
    """Finding 5 of issue 32: three adds cost six page loads, and every move reloaded."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    page.goto("/statements/?sort=title")
    loads = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    for title in ("Solidarity beyond borders", "An older call", "Appel à l'entraide"):
        page.get_by_role("button", name=f"Add to book: {title}").click()
        expect(page.get_by_role("button", name=f"In your book: {title}")).to_be_visible()
        expect(page.locator(".book-status")).to_contain_text("Added to your book")
    assert loads == []  # three adds, no page load
    # On a phone the card's action is light: smaller than the card's title, no border.
    button = page.locator(".statement-card .add-to-book button").first
    title = page.locator(".statement-card .card-title a").first
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    assert button.evaluate(size) < title.evaluate(size)
    assert button.evaluate("el => getComputedStyle(el).borderTopColor") == "rgba(0, 0, 0, 0)"
    page.goto("/book/")
    loads.clear()
    page.get_by_role("button", name="Move up: An older call").click()
    expect(page.locator(".book-list > li > a").first).to_have_text("An older call")
    page.get_by_role("button", name="Remove: Appel à l'entraide").click()
    expect(page.locator(".book-list > li")).to_have_count(2)
    page.get_by_label("Title of the book").fill("Letters for the march")
    page.get_by_label("Title of the book").press("Tab")
    expect(page.locator(".book-status")).to_have_text("Title saved.")
    assert loads == []  # moved, removed and named in place
    page.reload()
    assert page.locator(".book-list > li > a").all_inner_texts() == [
        "An older call",
        "Solidarity beyond borders",
    ]
    assert page.get_by_label("Title of the book").input_value() == "Letters for the march"
    context.close()


def test_reader_binds_a_book_without_javascript_and_downloads_it(browser, live_server, archive):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, accept_downloads=True
    )
    page = context.new_page()
    page.goto("/statements/?sort=title")
    page.get_by_role("button", name="Add to book: Solidarity beyond borders").click()
    assert page.get_by_role("status").inner_text().startswith("“Solidarity beyond borders” is")
    page.get_by_role("link", name="Back to where you were").click()
    assert page.url.endswith("/statements/?sort=title")
    page.get_by_role("button", name="Add to book: An older call").click()
    page.goto("/search/?q=entraide")
    page.get_by_role("button", name="Add to book: Appel à l'entraide").click()
    page.get_by_role("button", name="Move up: An older call").click()
    page.get_by_role("button", name="Remove: Appel à l'entraide").click()
    page.get_by_label("Title of the book").fill("Letters for the march")
    page.get_by_role("button", name="Save the title").click()
    items = page.locator(".book-list > li > a").all_inner_texts()
    assert items == ["An older call", "Solidarity beyond borders"]
    with page.expect_download() as download:
        page.get_by_role("link", name="EPUB", exact=True).click()
    epub = zipfile.ZipFile(download.value.path())
    package = next(epub.read(n).decode() for n in epub.namelist() if n.endswith(".opf"))
    assert "Letters for the march" in package
    nav = next(epub.read(n).decode() for n in epub.namelist() if n.endswith("nav.xhtml"))
    assert nav.index("An older call") < nav.index("Solidarity beyond borders")
    # The book is shareable: its address shows the same book to someone else.
    share = page.locator(".share-address").get_attribute("href")
    other = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    shown = other.new_page()
    shown.goto(share)
    assert shown.locator(".book-list > li > a").all_inner_texts() == items
    other.close()
    context.close()


def test_search_filters_come_first_and_folded_on_a_phone(browser, live_server, archive):
    phone = browser.new_page(viewport=PHONE)
    phone.goto(live_server.url + "/search/?q=solidarity")
    toggle = phone.get_by_text("Filter the results")
    first_result = phone.locator(".statement-card").first
    assert toggle.bounding_box()["y"] < first_result.bounding_box()["y"]
    facet = phone.locator(".facets").get_by_role("link", name="history")
    assert not facet.is_visible()
    toggle.click()
    facet.click()
    assert "tag=history" in phone.url
    phone.close()
    wide = browser.new_page(viewport=DESKTOP)
    wide.goto(live_server.url + "/search/?q=solidarity")
    assert not wide.get_by_text("Filter the results").is_visible()
    facet = wide.locator(".facets").get_by_role("link", name="history")
    assert facet.is_visible()  # beside the results, open, no click needed
    box, card = facet.bounding_box(), wide.locator(".statement-card").first.bounding_box()
    assert box["x"] > card["x"] + card["width"]
    wide.close()


@pytest.mark.parametrize(("name", "path"), PAGE_TYPES.items())
def test_phone_has_no_horizontal_scroll(browser, live_server, archive, name, path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        page = context.new_page()
        page.goto(path)
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {label} width"
        context.close()


@pytest.mark.parametrize(("name", "path"), PAGE_TYPES.items())
def test_axe_finds_nothing_serious(browser, live_server, archive, name, path):
    problems = []
    for scheme in ("light", "dark"):
        # axe goes in as an inline script, which the site's CSP rightly refuses.
        context = browser.new_context(
            viewport=DESKTOP, base_url=live_server.url, color_scheme=scheme, bypass_csp=True
        )
        page = context.new_page()
        page.goto(path)
        problems += [f"{scheme}: {problem}" for problem in axe_serious(page)]
        context.close()
    assert not problems, f"{name}: " + "; ".join(problems)


def axe_serious(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page (the context must
    bypass the CSP: axe goes in as an inline script)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
             values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return [
        f"{violation['id']} ({violation['impact']}) "
        f"{[node['target'] for node in violation['nodes']][:3]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_editor_imports_files_in_the_admin(reader, tmp_path):
    from statements.models import Statement
    from tests.factories import make_editor

    make_editor("importer")
    muse = tmp_path / "night-shelter-call.muse"
    muse.write_text(
        "#title Night shelter call\n#author Night Shelter Collective\n#date 13 March 2025\n"
        "#lang en\n\n* Why\n\nWe call.[1]\n\n[1] A note.\n"
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"title": "A"}\n{oops\n')
    reader.goto("/admin/login/?next=/admin/statements/statement/")
    reader.get_by_label("Username").fill("importer")
    reader.get_by_label("Password").fill("a-long-test-password-1")
    reader.get_by_role("button", name="Log in").click()
    reader.get_by_role("link", name="Import files").click()
    reader.get_by_label("Files").set_input_files([muse, broken])
    reader.get_by_role("button", name="Read the files").click()
    preview = reader.locator("table.import-preview")
    assert "Night shelter call" in preview.inner_text()
    assert "13 March 2025" in preview.inner_text()
    assert "broken.jsonl: line 2: not valid JSON" in reader.locator(".import-errors").inner_text()
    assert not Statement.objects.exists()
    reader.screenshot(path=str(SCREENSHOTS / "admin-import-preview-desktop.png"), full_page=True)
    reader.get_by_role("button", name="Import: 1 new draft").click()
    assert "Created: night-shelter-call.muse" in reader.locator(".import-report").inner_text()
    statement = Statement.objects.get()
    assert (statement.title, statement.status) == ("Night shelter call", "draft")
    reader.get_by_role("link", name="See the drafts").click()
    reader.get_by_role("link", name="Night shelter call").click()
    from playwright.sync_api import expect

    provenance = reader.locator(".field-imported_from_display")
    expect(provenance).to_contain_text(statement.imported_from.sha256)


CSP_PAGES = [
    "/",
    "/statements/solidarity-beyond-borders/",  # a table: text-align style attributes
    "/search/?q=solidarity",
    "/authors/harbour-collective/",
    "/api/docs/",
    "/admin/login/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/statements/statement/",
    "/admin/statements/statement/add/",
    "/admin/statements/statement/import/",
    "/admin/statements/tag/",
]


def test_no_page_breaks_the_content_security_policy(browser, live_server, archive):
    """Every page, the admin's and Swagger UI's included, works under the CSP: Chromium
    reports no violation (a listener records them from before any script of the page)."""
    from statements.models import Statement
    from tests.factories import make_editor

    make_editor("csp")
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    main = Statement.objects.get(slug="solidarity-beyond-borders")
    change = f"/admin/statements/statement/{main.pk}/change/"
    violations = []

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, path
        page.wait_for_load_state("networkidle")
        violations.extend(f"{path}: {v}" for v in page.evaluate("window.__csp"))

    for path in CSP_PAGES:
        visit(path)
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=10_000)  # Swagger UI ran
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("csp")
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()
    for path in [*ADMIN_PAGES, change]:
        visit(path)
    context.close()
    reported = [text for text in console if "Content Security Policy" in text]
    assert violations == [] and reported == [], violations + reported


def test_forty_signatories_take_one_paste_and_one_save(reader):
    """The statement with forty signatories: from the add page, a title, a text, one paste
    and one click on Save, which is the one page load."""
    from statements.models import Statement
    from tests.factories import make_editor

    make_editor("signer")
    reader.goto("/admin/login/?next=/admin/statements/statement/add/")
    reader.get_by_label("Username").fill("signer")
    reader.get_by_label("Password").fill("a-long-test-password-1")
    reader.get_by_role("button", name="Log in").click()
    reader.wait_for_url("**/statement/add/")
    loads = []
    reader.on("load", lambda page: loads.append(page.url))
    names = [f"Tenants Assembly of Block {n}" for n in range(39)] + ["Ana Ruiz | person"]
    reader.get_by_label("Title:", exact=True).fill("Forty signatures against the evictions")
    reader.get_by_label("Text:", exact=True).fill("We, the undersigned, refuse the evictions.")
    reader.get_by_label("Add signatories:").fill("\n".join(names))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=str(SCREENSHOTS / "admin-statement-add-desktop.png"), full_page=True)
    reader.get_by_role("button", name="Save", exact=True).last.click()
    reader.wait_for_load_state()
    assert len(loads) == 1  # the save, and nothing else
    assert "40 signatories added." in reader.locator(".messagelist").inner_text()
    statement = Statement.objects.get()
    credits = list(statement.authorships.order_by("position").select_related("author"))
    assert [c.author.name for c in credits][-1] == "Ana Ruiz" and len(credits) == 40


EDITOR_AXE_PAGES = {
    "admin-index": "/admin/",
    "admin-statements": "/admin/statements/statement/?status__exact=published&tag=mutual-aid",
    "admin-statement-add": "/admin/statements/statement/add/",
    "admin-statement-change": "change/",
    "admin-statement-history": "history/",
    "admin-statement-version": "history/2/",
    "admin-import": "/admin/statements/statement/import/",
    "admin-authors": "/admin/statements/author/",
    "admin-author-change": "author",
    "admin-tags": "/admin/statements/tag/",
    "admin-tag-change": "tag",
    "admin-source-links": "/admin/statements/sourcelink/",
    "admin-imported-files": "/admin/statements/importedfile/",
    "admin-duplicates": "/admin/statements/duplicatepair/",
    "admin-duplicate-pair": "pair",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("name", "path"), EDITOR_AXE_PAGES.items())
def test_axe_finds_nothing_serious_in_the_editors_pages(
    browser, live_server, archive, name, path, scheme
):
    """Every admin page of ours, light and dark (finding 16 of issue 32: a search box
    labelled by its title alone, links told from text by colour alone, tag chips and the
    diff's markers too faint in dark mode)."""
    from statements.catalog.revisions import revision_context
    from statements.catalog.services import statement_save
    from statements.models import Author, DuplicatePair, Statement, Tag
    from tests.factories import make_editor

    make_editor("checker")
    first = Statement.objects.order_by("pk").first()
    if path.startswith(("change", "history")):
        if path.endswith("2/"):  # a second version, to compare with the first
            with revision_context(by="test"):
                first.body += "\n\nA line added."
                statement_save(statement=first)
        path = f"/admin/statements/statement/{first.pk}/{path}"
    elif path == "author":
        path = f"/admin/statements/author/{Author.objects.order_by('pk').first().pk}/change/"
    elif path == "tag":
        path = f"/admin/statements/tag/{Tag.objects.order_by('pk').first().pk}/change/"
    elif path == "pair":  # two statements of one text, side by side
        from statements.catalog.duplicates import duplicates_find
        from tests.factories import make_statement

        text = " ".join(f"We meet at the square on day {n} of the strike." for n in range(8))
        make_statement("Square call", body=text, language="en")
        make_statement("Square call again", body=text + " Shared widely.", language="en")
        duplicates_find()
        path = f"/admin/statements/duplicatepair/{DuplicatePair.objects.get().pk}/change/"
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, bypass_csp=True, color_scheme=scheme
    )
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("checker")
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()
    response = page.goto(path)
    assert response.status == 200, path
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
             values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    context.close()
    problems = [
        f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not problems, f"{name} ({scheme}): " + "; ".join(problems)


def _sign_in(page, username: str, next_url: str) -> None:
    from tests.factories import make_editor

    make_editor(username)
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_url}")


def test_editor_edits_twice_sees_the_diff_and_restores_the_first_version(reader):
    from statements.models import Statement

    statement = make_statement("Rent strike call", body="We call a rent strike in May.")
    change = f"/admin/statements/statement/{statement.pk}/change/"
    _sign_in(reader, "historian", change)
    for body, reason in (
        ("We call a rent strike in June.", "moved to June"),
        ("We call an open-ended rent strike in June.", "open-ended"),
    ):
        reader.goto(change)
        reader.get_by_label("Text:", exact=True).fill(body)
        reader.get_by_label("Reason for this change:").fill(reason)
        reader.get_by_role("button", name="Save", exact=True).last.click()
        reader.wait_for_url("**/statement/")
    reader.goto(change)
    reader.get_by_role("link", name="History").click()
    rows = reader.locator("table.revisions tbody tr")
    expect(rows).to_have_count(3)
    assert "open-ended" in rows.first.inner_text()
    reader.get_by_role("link", name="Version 3").click()
    diff = reader.locator(".text-diff")
    assert diff.locator("ins").all_inner_texts() == ["an open-ended "] or "open-ended" in (
        " ".join(diff.locator("ins").all_inner_texts())
    )
    assert " ".join(diff.locator("del").all_inner_texts()).strip() == "a"
    reader.screenshot(path=str(SCREENSHOTS / "admin-version-diff-desktop.png"), full_page=True)
    reader.goto(f"/admin/statements/statement/{statement.pk}/history/1/")
    reader.get_by_label("Reason (optional):").fill("back to the assembly's text")
    reader.get_by_role("button", name="Restore version 1").click()
    assert "Version 1 restored, as version 4." in reader.locator(".messagelist").inner_text()
    statement.refresh_from_db()
    assert statement.body == "We call a rent strike in May."
    assert "Restored version 1: back to the assembly's text" in (
        reader.locator("table.revisions tbody tr").first.inner_text()
    )
    assert Statement.objects.count() == 1


def test_reader_follows_the_history_to_an_earlier_version_and_cites_it(reader):
    from statements.catalog.revisions import revision_context
    from statements.catalog.services import statement_save

    statement = make_statement(
        "Call for a general assembly", authors=["Harbour Collective"], body="Meet on Sunday."
    )
    with revision_context(reason="the date changed"):
        statement.body = "Meet on Saturday."
        statement_save(statement=statement)
    reader.goto(statement.get_absolute_url())
    reader.get_by_role("link", name="History").click()
    assert "the date changed" in reader.locator("table.history").inner_text()
    reader.get_by_role("link", name="Version 1", exact=True).click()
    assert "An earlier version" in reader.locator(".version-banner").inner_text()
    assert "Meet on Sunday." in reader.locator(".statement-body").inner_text()
    assert "Version 1 of" in reader.locator("p.citation").first.inner_text()
    with reader.expect_download() as download:
        reader.get_by_role("link", name="BibTeX").click()
    bibtex = Path(download.value.path()).read_text()
    assert "version = {1}" in bibtex and f"{statement.slug}/v/1/" in bibtex
    reader.get_by_role("link", name="Read the current version").click()
    assert "Meet on Saturday." in reader.locator(".statement-body").inner_text()


def test_editor_merges_two_authors_and_the_old_page_redirects(reader):
    from statements.models import Author

    make_statement("Letter one", authors=["Peter Kropotkin"])
    make_statement("Letter two", signatories=["Pëtr Kropotkin"])
    old = Author.objects.get(name="Peter Kropotkin")
    _sign_in(reader, "merger", "/admin/statements/author/")
    for name in ("Peter Kropotkin", "Pëtr Kropotkin"):
        reader.get_by_role("row", name=name).get_by_role("checkbox").check()
    reader.get_by_label("Action:").select_option("merge")
    reader.get_by_role("button", name="Go").click()
    moving = reader.locator("table.merge-credits").inner_text()
    assert "Letter one" in moving and "Letter two" in moving
    reader.get_by_role("radio", name="Pëtr Kropotkin").check()
    reader.get_by_role("button", name="Merge").click()
    assert "1 credit(s) moved" in reader.locator(".messagelist").inner_text()
    kept = Author.objects.get(name="Pëtr Kropotkin")
    response = reader.request.get(f"/authors/{old.slug}/", max_redirects=0)
    assert response.status == 301
    assert unquote(response.headers["location"]) == unquote(kept.get_absolute_url())
    reader.goto(f"/authors/{old.slug}/")
    assert unquote(reader.url).endswith(unquote(kept.get_absolute_url()))
    titles = reader.locator(".credit-list a").all_inner_texts()
    assert sorted(titles) == ["Letter one", "Letter two"]


def test_preview_opens_the_unsaved_page_in_a_new_tab(reader):
    statement = make_statement("Rent strike call", body="We call a rent strike in May.")
    change = f"/admin/statements/statement/{statement.pk}/change/"
    _sign_in(reader, "previewer", change)
    reader.get_by_label("Text:", exact=True).fill("We call a rent strike in **June**.")
    with reader.expect_popup() as popup:
        reader.get_by_role("button", name="Preview").click()
    preview = popup.value
    preview.wait_for_load_state()
    assert "Preview, not saved" in preview.locator(".draft-banner").inner_text()
    assert preview.locator(".statement-body strong").inner_text() == "June"
    statement.refresh_from_db()
    assert statement.body == "We call a rent strike in May."
    # The editor's tab still holds the edit, ready to save.
    assert reader.get_by_label("Text:", exact=True).input_value().endswith("**June**.")


def test_credits_are_reordered_with_buttons_not_numbers(reader):
    from statements.models import Authorship

    statement = make_statement("Joint call", authors=["First Group", "Second Group", "Third Group"])
    change = f"/admin/statements/statement/{statement.pk}/change/"
    _sign_in(reader, "orderer", change)
    assert reader.locator("#authorships-group input[name$='-position']:visible").count() == 0
    rows = reader.locator("#authorships-group tbody tr.form-row.has_original")
    rows.nth(0).get_by_role("button", name="Move this credit down").click()
    rows.nth(2).get_by_role("button", name="Move this credit up").click()
    reader.get_by_role("button", name="Save", exact=True).last.click()
    reader.wait_for_url("**/statement/")
    credits = Authorship.objects.filter(statement=statement).order_by("position")
    assert [c.author.name for c in credits] == ["Second Group", "Third Group", "First Group"]


def test_the_tag_picker_offers_the_archives_spelling_and_creates_new_tags(reader):
    statement = make_statement("Tagged call", tags=["housing"])
    make_statement("Other", tags=["anarchism"])
    change = f"/admin/statements/statement/{statement.pk}/change/"
    _sign_in(reader, "tagger", change)
    picker = reader.get_by_role("searchbox", name="Tags")
    picker.fill("anarchisme")
    option = reader.locator(".select2-results__option", has_text="anarchism (1)")
    option.wait_for()
    option.click()
    picker.fill("brand new")
    reader.locator(".select2-results__option", has_text="brand new (new tag)").click()
    reader.get_by_role("button", name="Save", exact=True).last.click()
    reader.wait_for_url("**/statement/")
    assert sorted(t.name for t in statement.tags.all()) == ["anarchism", "brand new", "housing"]


def test_a_captured_page_full_of_scripts_runs_none_and_looks_like_itself(
    reader, settings, tmp_path
):
    """A capture of a page that tries every way of running script (inline, external, event
    handlers, javascript: links, SVG, frames, meta refresh, autofocus) runs none of it in
    the archive's origin, asks nothing of the original site, and still shows its text, its
    image and its style sheet, from the capture."""
    from statements.sources.captures import link_capture
    from tests.sources.sites import Site

    settings.MEDIA_ROOT = str(tmp_path / "media")
    site = Site()
    try:
        statement = make_statement("Captured call", sources=[SourceData(url=site.url("/page"))])
        source = statement.sources.get()
        link_capture(site.url("/page"))
        asked_before = len(site.requests)
        requested, violations = [], []
        reader.on("requestfinished", lambda request: requested.append(request.url))
        reader.on("console", lambda message: violations.append(message.text))
        reader.goto(f"/sources/{source.pk}/capture/")
        reader.wait_for_load_state("load")
        copy = reader.frame_locator("iframe.archive-capture-frame")
        copy.locator("#text").click()
        copy.locator("#js-link").click()
        reader.wait_for_timeout(500)
        assert reader.evaluate("document.documentElement.dataset.ran") is None
        assert "RAN" not in reader.title() and "Captured copy" in reader.title()
        assert reader.url.endswith(f"/sources/{source.pk}/capture/")  # no refresh, no navigation
        banner = reader.get_by_role("banner")
        assert "This is a copy kept by the archive" in banner.inner_text()
        assert site.url("/page") in banner.inner_text()
        assert "We, the assembly" in copy.locator("body").inner_text()
        # The image and the style sheet come from the capture, and work.
        width = copy.locator("#picture").evaluate("e => e.naturalWidth")
        assert width == 3, violations
        heading = copy.locator("h1.heading")
        assert heading.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 128)"
        # Every request that left the page went to the capture (the CSP stops the others).
        files = f"/sources/{source.pk}/capture/"
        assert requested and all(files in url for url in requested), requested
        assert len(site.requests) == asked_before  # the original site was never asked
    finally:
        site.close()


def test_a_captured_page_cannot_hide_the_banner_or_cover_it_with_a_fake_notice(
    reader, settings, tmp_path
):
    """The audit's hostile capture: styles that hide the banner, and a fixed notice over the
    whole page. The copy is in a sandboxed frame of its own; the banner is outside it."""
    from statements.sources.captures import link_capture
    from tests.sources.sites import ROUTES, Site

    hostile = (
        b"<!doctype html><title>Notice</title><style>"
        b".archive-capture-banner, header { display: none !important }"
        b"body::before { content: 'OFFICIAL NOTICE'; position: fixed; inset: 0;"
        b" z-index: 2147483647; background: white; font-size: 5rem }</style>"
        b"<div style='position:fixed; top:-500px; left:0; right:0; height:3000px;"
        b" background:red; z-index:2147483647'>FAKE</div><p>text</p>"
    )
    ROUTES["/hostile"] = lambda site, handler, head: site.send(handler, 200, hostile, head=head)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    site = Site()
    try:
        statement = make_statement("Hostile", sources=[SourceData(url=site.url("/hostile"))])
        source = statement.sources.get()
        link_capture(site.url("/hostile"))
        reader.goto(f"/sources/{source.pk}/capture/")
        banner = reader.get_by_role("banner")
        assert banner.is_visible()
        box = banner.bounding_box()
        assert box["height"] > 40
        # What the reader sees at the banner's middle is the banner, not the copy's notice.
        on_top = reader.evaluate(
            f"document.elementFromPoint({box['x'] + box['width'] / 2}, {box['y'] + 20})"
            ".closest('header') !== null"
        )
        assert on_top
    finally:
        ROUTES.pop("/hostile", None)
        site.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_network_and_timelines_are_axe_clean_at_phone_and_desktop_width(
    browser, live_server, archive, viewport
):
    """The SVG drawings (issue 36): the co-signature network and the timelines, at both
    widths, with their links reachable by keyboard."""
    problems = []
    for path in ("/network/", "/archive/", PAGE_TYPES["author"], PAGE_TYPES["tag"],
                 PAGE_TYPES["search"]):  # fmt: skip
        context = browser.new_context(viewport=viewport, base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        page.goto(path)
        assert page.locator("svg").count() >= 1, path
        problems += [f"{path}: {problem}" for problem in axe_serious(page)]
        context.close()
    assert not problems, "; ".join(problems)
