"""The offline copy for Kiwix (issue 34): a ZIM file that zimcheck passes, whose pages the
libzim reader finds by path, by title and by a word of their text."""

import os
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from libzim.reader import Archive
from libzim.search import Query, Searcher
from libzim.suggestion import SuggestionSearcher

from tests.factories import make_statement


def zimcheck() -> str:
    found = shutil.which("zimcheck")
    if not found:
        reason = "zimcheck is not installed (make copy-tools installs Debian's zim-tools)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture
def zim(db, tmp_path, settings):
    settings.ARCHIVE_BASE_URL = ""
    for number in range(25):
        make_statement(f"Call {number}", slug=f"call-{number}", issued=f"20{10 + number % 9}",
                       authors=[f"Group {number % 3}"], tags=["housing"])  # fmt: skip
    make_statement("Open letter on the shelter", slug="open-letter",
                   body="The harbour shelter stays open: zwieback for everyone.",
                   authors=["Harbour Collective"], tags=["mutual aid"])  # fmt: skip
    make_statement("A draft", slug="a-draft", published=False, body="Secret zeppelin plans.")
    path = tmp_path / "archive.zim"
    call_command("export_zim", str(path))
    return path


def test_zimcheck_passes_the_file(zim):
    done = subprocess.run(  # noqa: S603
        [zimcheck(), "-A", "-D", str(zim)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Overall Test Status: Pass" in done.stdout
    # The check can fail: the same file cut short.
    cut = zim.with_name("cut.zim")
    cut.write_bytes(zim.read_bytes()[:-4096])
    broken = subprocess.run([zimcheck(), "-A", str(cut)], capture_output=True, timeout=300)  # noqa: S603
    assert broken.returncode != 0


def test_the_reader_finds_every_statement_by_path_title_and_word(zim):
    archive = Archive(zim)
    assert archive.main_entry.get_item().path == "index.html"
    for number in range(25):
        assert archive.has_entry_by_path(f"statements/call-{number}/index.html")
    for page in ("authors/harbour-collective/index.html", "tags/housing/index.html",
                 "archive/2012/index.html", "static/css/archive.css"):  # fmt: skip
        assert archive.has_entry_by_path(page), page
    assert not archive.has_entry_by_path("statements/a-draft/index.html")
    names = set(archive.metadata_keys)
    for required in ("Title", "Description", "Language", "Creator", "Publisher", "Date", "Name",
                     "Illustration_48x48@1"):  # fmt: skip
        assert required in names
    words = Searcher(archive).search(Query().set_query("zwieback"))
    assert list(words.getResults(0, 10)) == ["statements/open-letter/index.html"]
    assert Searcher(archive).search(Query().set_query("zeppelin")).getEstimatedMatches() == 0
    titles = SuggestionSearcher(archive).suggest("Open letter on the shelter")
    assert "statements/open-letter/index.html" in list(titles.getResults(0, 10))


@pytest.mark.django_db
def test_a_name_not_ending_in_zim_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"\.zim"):
        call_command("export_zim", str(tmp_path / "archive.txt"))
