"""Research data (issue 34): the public archive as tables that Frictionless validates, with
nothing that is not public in them."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from statements.catalog.services import statement_save
from statements.core.dates import PartialDate
from statements.core.records import SourceData
from statements.models import Statement
from statements.redaction.versions import version_hide
from tests.factories import make_statement


@pytest.fixture
def archive(db):
    letter = make_statement(
        "Open letter",
        slug="open-letter",
        issued="2025-03",
        language="en",
        authors=["Harbour Collective"],
        signatories=["Night Shelter"],
        tags=["housing", "mutual aid"],
        sources=[SourceData(url="https://example.org/l", retrieved_on=PartialDate(2025, 4))],
    )
    count_only = make_statement(
        "Count only", slug="count-only", signatories=["Ana Ruiz", "Ben Okoro"], tags=["housing"]
    )
    count_only.signatories_public = False
    statement_save(statement=count_only)
    make_statement("A draft", slug="a-draft", published=False, authors=["Secret Group"])
    return letter


def rows(folder, table):
    with (folder / f"{table}.csv").open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.django_db
def test_the_tables_hold_the_public_archive_only(archive, tmp_path):
    call_command("export_data", str(tmp_path))
    statements = rows(tmp_path, "statements")
    assert [s["slug"] for s in statements] == ["open-letter", "count-only"]
    assert statements[0]["date"] == "2025-03" and statements[0]["date_precision"] == "month"
    assert statements[0]["date_start"] == "2025-03-01" and statements[0]["date_end"] == "2025-03-31"
    assert statements[1]["signatories_listed"] == "false"
    assert statements[1]["signatories_not_listed"] == "2"
    names = {a["name"] for a in rows(tmp_path, "authors")}
    assert names == {"Harbour Collective", "Night Shelter"}  # no draft's, no count-only names
    roles = sorted(c["role"] for c in rows(tmp_path, "credits"))
    assert roles == ["author", "signatory"]
    assert {t["name"] for t in rows(tmp_path, "tags")} == {"housing", "mutual aid"}
    assert len(rows(tmp_path, "statement_tags")) == 3
    (source,) = rows(tmp_path, "sources")
    assert source["retrieved"] == "2025-04" and source["url"] == "https://example.org/l"
    versions = rows(tmp_path, "versions")
    assert {v["statement_id"] for v in versions} == {s["id"] for s in statements}
    assert all(len(v["text_sha256"]) == 64 for v in versions)
    # The JSON Lines files carry the same rows.
    lines = (tmp_path / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["slug"] for line in lines] == ["open-letter", "count-only"]
    everything = " ".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    for secret in ("A draft", "Secret Group", "Ana Ruiz", "Ben Okoro"):
        assert secret not in everything


@pytest.mark.django_db(transaction=True)  # each save its own transaction: its own version
def test_a_withheld_version_keeps_its_number_and_date_not_its_digest(tmp_path):
    letter = make_statement("Open letter", slug="open-letter", body="A first text.")
    letter.body = "A second text."
    statement_save(statement=letter)
    version_hide(statement=letter, numbers=[1], text=True, reason=False, reason_class="privacy")
    call_command("export_data", str(tmp_path))
    versions = rows(tmp_path, "versions")
    assert [(v["number"], v["withheld"]) for v in versions] == [("1", "true"), ("2", "false")]
    assert versions[0]["text_sha256"] == "" and len(versions[1]["text_sha256"]) == 64


@pytest.mark.django_db
def test_frictionless_validates_the_package(archive, tmp_path):
    call_command("export_data", str(tmp_path))
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == {
        "statements", "authors", "credits", "tags", "statement_tags", "sources", "versions"
    }  # fmt: skip
    report = frictionless_report(tmp_path / "datapackage.json")
    assert report["valid"], json.dumps(report, indent=1)[:3000]
    # The check can fail: a table changed after the package was written.
    table = tmp_path / "credits.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("author", "writer"), "utf-8")
    assert not frictionless_report(tmp_path / "datapackage.json")["valid"]
    assert Statement.objects.count() == 3  # the export changed nothing


def frictionless_report(package: Path) -> dict:
    """What Frictionless' own command says of the package (as its readers would run it)."""
    command = shutil.which("frictionless", path=str(Path(sys.executable).parent))
    done = subprocess.run(  # noqa: S603
        [command, "validate", "--json", str(package)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return json.loads(done.stdout)
