"""The static mirror (issue 34): every internal link of the written tree leads to a file
that is there, and a statement's page reads as the live one does."""

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from statements.editions.services import edition_name, edition_options_parse
from tests.factories import make_statement

LINK = re.compile(r'\b(?:href|src)="([^"]*)"')


@pytest.fixture
def archive(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_BASE_URL = ""
    for number in range(30):  # more than a page of the statements' list
        make_statement(f"Call {number}", issued=f"20{10 + number % 12}-0{1 + number % 9}",
                       authors=[f"Group {number % 4}", "Groupe Mémoire"],
                       tags=["housing", "communiqué"])  # fmt: skip
    letter = make_statement("Open letter", slug="open-letter", issued="2025-03",
                            body="The text [with a note](#end).\n\n## End {#end}\n\nDone.",
                            authors=["Harbour Collective"], tags=["housing"])  # fmt: skip
    make_statement("A draft", slug="a-draft", published=False, authors=["Secret Group"])
    epub = edition_name(letter, fmt="epub", options=edition_options_parse("epub", {}))
    default_storage.save(epub, ContentFile(b"kept epub"))
    return letter


def broken_links(root: Path) -> tuple[int, list[str]]:
    """Every relative link and source in every page, resolved as a browser reading the
    files would: how many, and those that lead to no file."""
    checked, broken = 0, []
    for page in root.rglob("*.html"):
        for link in LINK.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(link.replace("&amp;", "&"))
            if parts.scheme or parts.netloc or not parts.path:
                continue
            checked += 1
            target = posixpath.normpath(posixpath.join(page.parent.as_posix(), unquote(parts.path)))
            if not Path(target).is_file():
                broken.append(f"{page.relative_to(root)} -> {link}")
    return checked, broken


def test_the_mirror_has_no_broken_internal_link(archive, tmp_path):
    site = tmp_path / "site"
    call_command("export_site", str(site))
    checked, broken = broken_links(site)
    assert checked > 500 and broken == []
    assert (site / "statements/open-letter/index.html").is_file()
    assert (site / "statements/open-letter/history/index.html").is_file()
    assert not (site / "statements/open-letter/v/1").exists()  # in the git mirror and bag
    assert (site / "statements/page-2.html").is_file()  # the list's second page
    assert (site / "authors/groupe-mémoire/index.html").is_file()
    assert (site / "tags/communiqué/index.html").is_file()
    assert not (site / "statements/open-letter.md").exists()  # made on request: not kept
    assert (site / "feeds/latest.atom").is_file()
    assert (site / "statements/open-letter.epub").read_bytes() == b"kept epub"
    assert not (site / "statements/call-1.epub").exists()  # never made for the mirror
    assert (site / "sitemap.xml").is_file() and (site / "static/css/archive.css").is_file()
    everything = " ".join(p.read_text("utf-8", "replace") for p in site.rglob("*") if p.is_file())
    assert "A draft" not in everything and "Secret Group" not in everything
    # The check can fail: a page whose link leads nowhere.
    (site / "tags/housing/index.html").unlink()
    assert broken_links(site)[1]


def test_a_statement_page_reads_as_the_live_one(archive, client, settings, tmp_path):
    settings.ALLOWED_HOSTS = ["testserver"]  # the host both are rendered for
    site = tmp_path / "site"
    call_command("export_site", str(site), "--base-url", "https://mirror.example.org")
    live = lxml.html.fromstring(client.get("/statements/open-letter/").content)
    copy = lxml.html.fromstring((site / "statements/open-letter/index.html").read_bytes())
    assert copy.text_content() == live.text_content()
    assert "https://mirror.example.org/statements/open-letter/" in (
        site / "sitemap-statements.xml"
    ).read_text(encoding="utf-8")


@pytest.mark.django_db
def test_a_folder_in_use_is_refused(tmp_path):
    (tmp_path / "kept.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_site", str(tmp_path))
    with pytest.raises(CommandError, match="base-url"):
        call_command("export_site", str(tmp_path / "new"), "--base-url", "mirror.example.org")


def test_worker_processes_write_the_same_tree(transactional_db, tmp_path, settings):
    settings.ARCHIVE_BASE_URL = ""
    for number in range(12):  # committed: the workers read them through their own connections
        make_statement(f"Call {number}", issued=f"2024-0{1 + number % 9}",
                       authors=[f"Group {number % 3}"], tags=["housing"])  # fmt: skip
    one, two = tmp_path / "one", tmp_path / "two"
    call_command("export_site", str(one), "--workers", "1")
    call_command("export_site", str(two), "--workers", "2")
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert len(files) > 40
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    with pytest.raises(CommandError, match="workers"):
        call_command("export_site", str(tmp_path / "three"), "--workers", "0")
