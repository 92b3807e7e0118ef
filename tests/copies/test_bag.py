"""The preservation package (issue 34): a BagIt bag that bagit.py validates, and that
loads into an empty archive which exports the same JSON Lines, byte for byte."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from statements.catalog.services import statement_save
from statements.core.dates import PartialDate
from statements.core.records import SourceData
from statements.models import (
    Author,
    AuthorshipEvent,
    HiddenVersion,
    ImportedFile,
    SourceEvent,
    Statement,
    StatementBodyEvent,
    StatementEvent,
    Tag,
    TaggingEvent,
)
from statements.redaction.versions import version_hide
from tests.factories import make_statement


def bagit_validate(folder: Path) -> subprocess.CompletedProcess:
    """bagit.py --validate, as a library receiving the bag would run it."""
    command = shutil.which("bagit.py", path=str(Path(sys.executable).parent))
    return subprocess.run(  # noqa: S603
        [sys.executable, command, "--validate", str(folder)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def empty_archive() -> None:
    """The archive emptied, its history too, as a new archive's database is."""
    models = (Statement, Author, Tag, ImportedFile, HiddenVersion, StatementEvent,
              StatementBodyEvent, AuthorshipEvent, SourceEvent, TaggingEvent)  # fmt: skip
    tables = ", ".join(model._meta.db_table for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}, pghistory_context CASCADE")


@pytest.fixture
def archive(transactional_db):  # each save its own transaction: its own version
    original = ImportedFile.objects.create(
        sha256="a" * 64, name="letter.muse", format="muse", size=11, content=b"#title Call"
    )
    letter = make_statement(
        "Open letter", slug="open-letter", issued="2025-03", body="A first text, naming Ana Ruiz.",
        authors=["Harbour Collective"], signatories=["Night Shelter"], tags=["housing"],
        sources=[SourceData(url="https://example.org/l", retrieved_on=PartialDate(2025, 4))],
    )  # fmt: skip
    letter.body = "A second text."
    statement_save(statement=letter)
    letter.title = "Open letter to the council"
    statement_save(statement=letter)
    version_hide(statement=letter, numbers=[1], text=True, reason=False, reason_class="privacy")
    call = make_statement("Call", slug="call", signatories=["Ana Ruiz", "Ben Okoro"],
                          tags=["mutual aid"], imported_from=original)  # fmt: skip
    call.signatories_public = False
    statement_save(statement=call)
    make_statement("A draft", slug="a-draft", published=False, authors=["Secret Group"])
    return letter


def test_the_bag_validates_and_holds_public_data_only(archive, tmp_path):
    bag = tmp_path / "bag"
    call_command("export_bag", str(bag))
    done = bagit_validate(bag)
    assert done.returncode == 0, done.stderr
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    for field in ("Source-Organization", "Bagging-Date", "Payload-Oxum", "External-Description"):
        assert f"{field}:" in info
    lines = [json.loads(line) for line in (bag / "data/statements.jsonl").open(encoding="utf-8")]
    assert [(r["statement"], r["version"], r["withheld"]) for r in lines] == [
        ("open-letter", 1, True), ("open-letter", 2, False), ("open-letter", 3, False),
        ("call", 1, False), ("call", 2, False)]  # fmt: skip
    assert lines[2]["text"] == "A second text." and len(lines[2]["text_sha256"]) == 64
    assert (bag / "data/originals" / f"{'a' * 64}.muse").read_bytes() == b"#title Call"
    payload = " ".join(p.read_text("utf-8") for p in (bag / "data").glob("*.jsonl"))
    for secret in ("Ana Ruiz", "Ben Okoro", "A draft", "Secret Group"):
        assert secret not in payload
    # The check can fail: a payload file changed after bagging.
    (bag / "data/tags.jsonl").write_text("{}\n", encoding="utf-8")
    assert bagit_validate(bag).returncode != 0


def test_an_empty_archive_loaded_from_the_bag_exports_it_again_byte_for_byte(archive, tmp_path):
    first = tmp_path / "first"
    call_command("export_bag", str(first))
    empty_archive()
    call_command("import_bag", str(first))
    assert Statement.objects.published().count() == 2
    second = tmp_path / "second"
    call_command("export_bag", str(second))
    for name in ("statements.jsonl", "authors.jsonl", "tags.jsonl", "originals.jsonl"):
        assert (second / "data" / name).read_bytes() == (first / "data" / name).read_bytes()
    original = f"data/originals/{'a' * 64}.muse"
    assert (second / original).read_bytes() == (first / original).read_bytes() == b"#title Call"
    assert Statement.objects.get(slug="call").imported_from.name == "letter.muse"
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_bag", str(first))


@pytest.mark.django_db
def test_a_damaged_bag_is_refused_and_loads_nothing(tmp_path):
    make_statement("Call", slug="call")
    bag = tmp_path / "bag"
    call_command("export_bag", str(bag))
    Statement.objects.all().delete()
    (bag / "data/statements.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Not a valid bag"):
        call_command("import_bag", str(bag))
    with pytest.raises(CommandError, match="not a bag"):
        call_command("import_bag", str(tmp_path))
    assert not Statement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_real_files_come_back_from_the_bag_as_they_went_in(tmp_path):
    from statements.catalog.services import statement_publish
    from statements.ingest.services import statement_import
    from tests.ingest.test_importers import CORPUS, SEED

    if not SEED.exists():
        pytest.skip(f"../shared is not beside the project ({CORPUS} is missing)")
    files = sorted((CORPUS / "muse").rglob("*.muse"))[:12] + sorted(
        (CORPUS / "text").rglob("*.txt"))[:6]  # fmt: skip
    report = statement_import(files=[(str(p), p.read_bytes()) for p in files])
    assert report.failed == [] and len(report.created) == len(files)
    statement_publish(statements=Statement.objects.all())
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_bag", str(first))
    empty_archive()
    call_command("import_bag", str(first))
    call_command("export_bag", str(second))
    for name in ("statements.jsonl", "authors.jsonl", "tags.jsonl", "originals.jsonl"):
        assert (second / "data" / name).read_bytes() == (first / "data" / name).read_bytes()
    assert len(list((second / "data/originals").iterdir())) == len(files)
    assert bagit_validate(second).returncode == 0


@pytest.mark.django_db
def test_the_bag_holds_the_captures_of_public_sources_not_hidden_ones(settings, tmp_path):
    from statements.redaction.captures import capture_hide
    from tests.redaction.test_people import make_capture

    settings.MEDIA_ROOT = str(tmp_path / "media")
    kept_url, hidden_url, draft_url = (f"http://127.0.0.1:9/{n}" for n in ("a", "b", "c"))
    make_statement("Call", slug="call",
                   sources=[SourceData(url=kept_url), SourceData(url=hidden_url)])  # fmt: skip
    make_statement("A draft", slug="a-draft", published=False, sources=[SourceData(url=draft_url)])
    kept = make_capture(kept_url, "<p>The call as it was.</p>")
    hidden = make_capture(hidden_url, "<p>A name to protect.</p>")
    make_capture(draft_url, "<p>Not public.</p>")
    capture_hide(capture=hidden, reason_class="privacy")
    bag = tmp_path / "bag"
    call_command("export_bag", str(bag))
    captures = sorted(p.name for p in (bag / "data/captures").iterdir())
    assert captures == [f"{kept.sha256}.warc.gz"]
    assert (bag / "data/captures" / captures[0]).read_bytes() == Path(
        settings.MEDIA_ROOT, kept.file
    ).read_bytes()
    assert bagit_validate(bag).returncode == 0
