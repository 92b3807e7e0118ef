"""The git mirror (issue 34): cloned with git itself over the site's plain HTTP, one commit
per public version, incremental, and rewritten so that withheld content is in no object."""

import datetime
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from statements.catalog.services import statement_save
from statements.redaction.versions import version_hide
from tests.factories import make_statement

GIT = shutil.which("git")
HOUR = datetime.timedelta(hours=1)
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(*args: str, cwd) -> str:
    done = subprocess.run(  # noqa: S603
        [GIT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={"GIT_TERMINAL_PROMPT": "0", "HOME": str(cwd), "LC_ALL": "C"},
    )
    return done.stdout


def every_object(repository) -> str:
    """Every object the repository holds, reachable or not, decompressed."""
    done = subprocess.run(  # noqa: S603
        [GIT, "-C", str(repository), "cat-file", "--batch-all-objects", "--batch"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout.decode("utf-8", "replace")


@pytest.fixture
def archive(transactional_db):  # each save its own transaction: its own version
    letter = make_statement(
        "Open letter",
        slug="open-letter",
        issued="2025-03",
        body="A first text, naming Ana Ruiz.",
        authors=["Harbour Collective"],
        tags=["housing"],
    )
    letter.body = "A second text."
    statement_save(statement=letter)
    make_statement("Call", slug="call", signatories=["Night Shelter"], tags=["mutual aid"])
    make_statement("A draft", slug="a-draft", published=False, authors=["Secret Group"])
    return letter


def test_git_clones_the_mirror_from_the_site(archive, live_server, settings, tmp_path):
    settings.ARCHIVE_COPIES_ROOT = tmp_path / "copies"
    call_command("mirror_git", str(tmp_path / "copies" / "mirror.git"))
    clone = tmp_path / "clone"
    git("clone", "--quiet", f"{live_server.url}/mirror.git/", str(clone), cwd=tmp_path)
    subjects = git("log", "--reverse", "--format=%s", cwd=clone).splitlines()
    assert subjects == ["Open letter: version 1", "Open letter: version 2", "Call: version 1"]
    git("fsck", "--strict", cwd=clone)
    letter = (clone / "statements" / "2025" / "open-letter.md").read_text(encoding="utf-8")
    assert letter.startswith('---\ntitle: "Open letter"\n')
    assert 'authors: [{"name": "Harbour Collective", "slug": "harbour-collective"}]' in letter
    assert letter.endswith("\n---\n\nA second text.\n")
    assert (clone / "authors" / "n" / "night-shelter.json").exists()
    assert '"name": "mutual aid"' in (clone / "tags/m/mutual-aid.json").read_text(encoding="utf-8")
    first = git("show", "HEAD~2:statements/2025/open-letter.md", cwd=clone)
    assert first.endswith("A first text, naming Ana Ruiz.\n")
    for secret in ("A draft", "Secret Group", "a-draft"):
        assert secret not in every_object(clone)


def test_the_site_serves_the_mirror_and_nothing_beside_it(archive, client, settings, tmp_path):
    settings.ARCHIVE_COPIES_ROOT = tmp_path
    call_command("mirror_git", str(tmp_path / "mirror.git"))
    refs = client.get("/mirror.git/info/refs")
    assert refs.status_code == 200 and b"refs/heads/main" in b"".join(refs.streaming_content)
    for path in ("archive-mirror.json", "config", "../mirror.git/HEAD", "objects/../config"):
        assert client.get(f"/mirror.git/{path}").status_code == 404


def test_a_second_run_adds_only_the_new_versions(archive, tmp_path, capsys):
    repository = tmp_path / "mirror.git"
    call_command("mirror_git", str(repository))
    head = git("rev-parse", "HEAD", cwd=repository).strip()
    call_command("mirror_git", str(repository))
    assert "up to date, 3 commits" in capsys.readouterr().out
    assert git("rev-parse", "HEAD", cwd=repository).strip() == head
    archive.body = "A third text."
    statement_save(statement=archive)
    call_command("mirror_git", str(repository))
    assert "1 new commits, 4 in all" in capsys.readouterr().out
    assert git("rev-parse", "HEAD~1", cwd=repository).strip() == head  # history kept
    git("fsck", "--strict", cwd=repository)


def test_a_hidden_version_is_rewritten_out_of_every_object(archive, tmp_path, capsys):
    repository = tmp_path / "mirror.git"
    call_command("mirror_git", str(repository))
    assert "Ana Ruiz" in every_object(repository)
    version_hide(statement=archive, numbers=[1], text=True, reason=False, reason_class="privacy")
    call_command("mirror_git", str(repository))
    assert "history rewritten" in capsys.readouterr().out
    assert "Ana Ruiz" not in every_object(repository)
    subjects = git("log", "--reverse", "--format=%s", cwd=repository).splitlines()
    assert subjects == ["open-letter: version 1 withheld", "Open letter: version 2",
                        "Call: version 1"]  # fmt: skip
    git("fsck", "--strict", cwd=repository)
    call_command("mirror_git", str(repository))  # the act is taken in once
    assert "up to date, 3 commits" in capsys.readouterr().out


def test_a_taken_down_statement_leaves_the_history(archive, tmp_path, capsys):
    repository = tmp_path / "mirror.git"
    call_command("mirror_git", str(repository))
    archive.status = archive.Status.DRAFT
    statement_save(statement=archive)
    call_command("mirror_git", str(repository))
    assert "history rewritten" in capsys.readouterr().out
    assert git("log", "--format=%s", cwd=repository).splitlines() == ["Call: version 1"]
    assert "A second text" not in every_object(repository)


def test_the_plan_reads_versions_as_the_history_does(archive):
    from statements.catalog.revisions import statement_revisions
    from statements.copies.versions import public_versions
    from statements.models import Statement

    scheduled = make_statement("Later", slug="later", published_at=timezone.now() + HOUR)
    scheduled.body = "Changed before it is out."
    statement_save(statement=scheduled)
    version_hide(statement=archive, numbers=[1], text=True, reason=False, reason_class="privacy")
    ids = list(Statement.objects.values_list("pk", flat=True))
    found = public_versions(ids)
    for pk in ids:
        expected = [r.number for r in statement_revisions(statement_id=pk) if r.public]
        assert [number for number, _at, _withheld in found.get(pk, [])] == expected
    assert found[archive.pk][0][2] == "hidden" and scheduled.pk not in found
