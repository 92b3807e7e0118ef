"""Every word a reader reads on a public page is marked for translation: rendered in a
pseudo-locale (tests/i18n/pseudo.py), each page type shows no English word outside the
statements' own content. The test of the test: a string left unmarked is found."""

import re

import lxml.html
import pytest
from babel import Locale
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from statements.catalog.services import statement_save
from statements.core.dates import PartialDate
from statements.core.records import SourceData
from statements.models import Statement
from statements.redaction.takedowns import statement_take_down
from tests.factories import make_statement
from tests.i18n.pseudo import PSEUDO, english_words, pseudo_catalog

# The CLDR words the pseudo-locale's dates and language names fall back to (English ones):
# data, not strings of ours.
CLDR_WORDS = {
    *(name for name in Locale.parse("en_GB").months["format"]["wide"].values()),
    *(name for name in Locale.parse("en_GB").months["format"]["abbreviated"].values()),
    "Ukrainian",
}
VISIBLE_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "value", "content")


@pytest.fixture
def pseudo_locale(tmp_path):
    pseudo_catalog(tmp_path)
    languages = [*settings.LANGUAGES, (PSEUDO, "Pseudo")]
    with override_settings(LANGUAGES=languages, LOCALE_PATHS=[tmp_path, *settings.LOCALE_PATHS]):
        yield f"/{PSEUDO}"
    translation.trans_real._translations = {}


@pytest.fixture
def content(db):
    """An archive whose every word is Ukrainian: what is left in ASCII is the interface's."""
    letter = make_statement(
        "Відкритий лист",
        slug="lyst",
        issued="2025-03-13",
        language="uk",
        authors=["Колектив Солідарність"],
        signatories=[f"Підписант {n}" for n in range(14)],
        tags=["житло", "війна"],
        summary="Короткий зміст листа.",
        body="## Перше\n\nТекст листа.\n\n## Друге\n\nЩе текст.\n\n## Третє\n\nКінець.",
        place="Київ",
        rights="Без прав",
        sources=[
            SourceData(
                url="https://example.org/lyst",
                site_name="Сайт колективу",
                retrieved_on=PartialDate.parse("2025-04"),
            )
        ],
    )
    make_statement("Друга заява", slug="druha", issued="2025-03", language="uk", tags=["житло"])
    make_statement("Рік заява", slug="rik", issued="2025", language="uk", tags=["житло"])
    make_statement("Без дати заява", slug="bez-daty", language="uk")
    gone = make_statement("Знята заява", slug="znyata", issued="2024", language="uk")
    statement_take_down(statement=gone, reason_class="safety", show_title=True)
    letter.body += "\n\nДодано."
    statement_save(statement=letter)
    return Statement.objects.get(slug="lyst")


PAGES = [
    ("/", 200), ("/statements/", 200), ("/statements/?from=2025&lang=uk", 200),
    ("/statements/lyst/", 200), ("/statements/lyst/history/", 200),
    ("/statements/lyst/v/1/", 200), ("/search/?q=лист", 200), ("/search/", 200),
    ("/search/?q=qqqqzzzz", 200), ("/authors/", 200), ("/tags/", 200),
    ("/archive/", 200), ("/archive/2025/", 200), ("/archive/2025/03/", 200),
    ("/archive/undated/", 200), ("/changes/", 200), ("/about/redactions/", 200),
    ("/about/copies/", 200), ("/data/", 200), ("/network/", 200),
    ("/book/", 200), ("/statements/?from=Smarch", 400), ("/nothing-here/", 404),
    ("/statements/znyata/", 410),
]  # fmt: skip


def leftovers(html: str, allowed: set[str]) -> list[str]:
    page = lxml.html.fromstring(html)
    # Not the interface's words: scripts, code, each language's own name in the switcher,
    # and the citations, which are written as their style (APA, Chicago) writes them.
    dropped = "//script|//style|//code|//nav[@id='languages']|//*[contains(@class, 'citation')]"
    dropped += "|//a[@class='share-address']"  # an address
    for node in page.xpath(dropped + "|//span[@class='Z3988']"):
        node.drop_tree()
    texts = [page.text_content()]
    for attribute in VISIBLE_ATTRIBUTES:
        for node in page.xpath(f"//*[@{attribute}]"):
            if attribute == "value" and node.get("type") not in ("submit", "button"):
                continue
            if attribute == "content" and node.tag == "meta" and node.get("name") != "description":
                continue
            texts.append(node.get(attribute))
    words = []
    for text in texts:
        text = re.sub(r"https?://\S+", " ", text)
        while re.search(r"\[[^\[\]]*\]", text):
            text = re.sub(r"\[[^\[\]]*\]", " ", text)
        words += english_words(text, allowed)
    return words


def allowed_words() -> set[str]:
    # "Taken down" is the reason the archive recorded for the act, kept as recorded.
    return {*CLDR_WORDS, *settings.ARCHIVE_NAME.split(), "Taken", "down"}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "status"), PAGES)
def test_no_public_page_has_an_unmarked_word(client, content, pseudo_locale, path, status):
    # The book page with something in it (the form posts to the pseudo-locale's address).
    client.post(f"{pseudo_locale}/book/change/", {"action": "add", "s": "lyst"})
    response = client.get(pseudo_locale + path)
    assert response.status_code == status, path
    searched = set(re.findall(r"q=(\w+)", path))  # the reader's own words, shown back
    found = leftovers(response.content.decode(), allowed_words() | searched)
    assert found == [], f"{path}: unmarked words {found}"


@pytest.mark.django_db
def test_the_author_and_tag_pages_too(client, content, pseudo_locale):
    author = content.authorships.first().author
    tag = content.tags.first()
    for path in (author.get_absolute_url(), tag.get_absolute_url()):
        response = client.get(pseudo_locale + path)
        assert response.status_code == 200
        assert leftovers(response.content.decode(), allowed_words()) == [], path


@pytest.mark.django_db
def test_an_unmarked_string_is_found(client, content, pseudo_locale, settings):
    """The test can fail: the same page with one English sentence that no catalog holds."""
    page = client.get(f"{pseudo_locale}/statements/lyst/").content.decode()
    assert leftovers(page, allowed_words()) == []
    planted = page.replace("</main>", "<p>Read this first</p></main>", 1)
    assert leftovers(planted, allowed_words()) == ["Read", "this", "first"]
