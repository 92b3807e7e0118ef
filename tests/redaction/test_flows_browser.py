"""The three flows in Chromium, each page checked by axe (WCAG 2.1 A and AA): an editor
hides a version and a reader finds it struck through and gone; a Suppressor removes a
person; an editor takes a statement down."""

from __future__ import annotations

import pytest

from statements.catalog.revisions import revision_context
from statements.catalog.services import statement_save
from statements.models import Author, Statement
from tests.factories import make_editor, make_statement, make_suppressor
from tests.test_browser import AXE, DESKTOP, reader  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow


def axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
             values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def editor_page(browser, live_server, transactional_db):
    """A page whose CSP lets axe in, and a sign-in for it."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, bypass_csp=True)
    page = context.new_page()

    def sign_in(username: str, *, suppressor: bool = False) -> None:
        (make_suppressor if suppressor else make_editor)(username)
        page.goto("/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("a-long-test-password-1")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/admin/")

    page.sign_in = sign_in
    yield page
    context.close()


def test_editor_hides_a_version_and_the_reader_finds_it_struck_through(editor_page, reader):  # noqa: F811
    with revision_context(by="test"):
        statement = make_statement("Rent strike call", slug="rent-strike", body="Call us at 555.")
    with revision_context(reason="number out"):
        statement.body = "Call the union."
        statement_save(statement=statement, body_changed=True)
    page, problems = editor_page, []
    page.sign_in("hider")
    page.goto(f"/admin/statements/statement/{statement.pk}/history/1/")
    problems += axe_problems(page)
    page.get_by_label("Reason (public):").select_option("privacy")
    page.get_by_role("button", name="Hide version 1").click()
    assert "hidden from the public" in page.locator(".messagelist").inner_text()
    reader.goto("/statements/rent-strike/history/")
    assert reader.locator("table.history del").inner_text() == "Version 1"
    response = reader.goto("/statements/rent-strike/v/1/")
    assert response.status == 410
    assert "Version 1 of this statement is hidden." in reader.locator("h1").inner_text()
    page.goto("/statements/rent-strike/v/1/")  # the same page, axe allowed in
    problems += axe_problems(page)
    assert not problems, problems


def test_suppressor_removes_a_person_after_the_confirmation(editor_page, reader):  # noqa: F811
    make_statement("Call against the war", slug="war", signatories=["Ilse Brandvold", "Port"])
    person = Author.objects.get(name="Ilse Brandvold")
    page, problems = editor_page, []
    page.sign_in("protector", suppressor=True)
    page.goto(f"/admin/statements/author/{person.pk}/change/")
    page.get_by_role("link", name="Remove this person from the archive…").click()
    assert "cannot be undone" in page.locator(".errornote").first.inner_text()
    problems += axe_problems(page)
    page.get_by_label("Reason (public):").select_option("safety")
    page.get_by_label("I understand that this cannot be undone").check()
    page.get_by_role("button", name="Remove this person").click()
    assert "The person is removed" in page.locator(".messagelist").inner_text()
    reader.goto("/statements/war/")
    assert "Brandvold" not in reader.content() and "Port" in reader.content()
    assert reader.goto("/authors/ilse-brandvold/").status == 410
    assert not problems, problems


def test_editor_takes_a_statement_down_and_its_page_is_gone(editor_page, reader):  # noqa: F811
    statement = make_statement("Letter naming the hosts", slug="hosts", body="At their house.")
    page, problems = editor_page, []
    page.sign_in("taker")
    page.goto(f"/admin/statements/statement/{statement.pk}/history/")
    page.get_by_role("link", name="Take this statement down…").click()
    problems += axe_problems(page)
    page.get_by_label("Reason (public):").select_option("safety")
    page.get_by_label("Take this statement down").check()
    page.get_by_role("button", name="Take it down").click()
    assert "taken down" in page.locator(".messagelist").inner_text()
    assert Statement.objects.get(pk=statement.pk).status == "withdrawn"
    response = reader.goto("/statements/hosts/")
    assert response.status == 410 and "Letter naming" not in reader.content()
    page.goto("/statements/hosts/")
    problems += axe_problems(page)
    assert not problems, problems
