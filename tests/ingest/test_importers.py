import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from statements.core.dates import PartialDate
from statements.core.records import SourceData
from statements.ingest.files import import_files, parse_bytes
from statements.ingest.formats.common import (
    ImportFailure,
    author_kind,
    muse_inline_plain,
    source_from_line,
)
from statements.ingest.formats.muse import muse_split
from statements.ingest.services import statement_import
from statements.models import Author, Statement, Tag, Withdrawal
from tests.factories import children_cpu_seconds, make_statement

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED = SHARED / "seed" / "000_db4787a6ea123cdc.txt"
CORPUS = SHARED / "corpus"
needs_shared = pytest.mark.skipif(
    not SEED.exists(), reason=f"../shared is not beside the project ({SHARED} is missing)"
)


def import_one(name: str, content: str | bytes, **options):
    raw = content.encode() if isinstance(content, str) else content
    return statement_import(files=[(name, raw)], **options)


class TestMuseHeader:
    def test_continuation_lines_join_the_directive_until_a_blank_line(self):
        directives, body = muse_split("#title A long\n  title here\n#lang en\n\nBody.\n")
        assert directives == {"title": "A long title here", "lang": "en"}
        assert body.strip() == "Body."

    def test_names_ignore_case_dashes_and_underscores(self):
        directives, _ = muse_split("#SORT_topics a, b\n#Sort-Authors X\n#______\n\nBody")
        assert directives == {"sorttopics": "a, b", "sortauthors": "X"}

    def test_a_repeated_directive_keeps_its_last_value(self):
        directives, _ = muse_split("#title French\n#lang fr\n\n#title Real title\n#lang en\n\nB")
        assert directives["title"] == "Real title"
        assert directives["lang"] == "en"

    def test_the_header_may_start_with_any_directive(self):
        directives, body = muse_split("#pubdate 2020-01-01\n#title T\n\n* Heading\n")
        assert directives["title"] == "T"
        assert body.startswith("* Heading")

    def test_directives_after_the_body_starts_are_text(self):
        directives, body = muse_split("#title T\n\nText\n\n#anchor\n")
        assert "anchor" not in directives
        assert "#anchor" in body


@pytest.mark.django_db
class TestMuseImport:
    MUSE = (
        "#pubdate 2021-02-03T10:00:00\n#title Call to the <em>assembly</em>\n"
        "#SORTauthors Night Shelter Collective; Ana Ruiz\n#date 13 March 2025\n#lang en\n"
        "#SORTtopics housing, evictions\n#isbn 123\n#cat doc howto\n#uid shelter-call\n"
        "#source Retrieved on 1<sup>st</sup> March 2025 from "
        "[[https://example.org/call][Example site]]\n\n"
        "* First part\n\nA paragraph with a note.[1]\n\n<quote>\nA quoted line.\n</quote>\n\n"
        "[1] The footnote.\n"
    )

    def test_fields_metadata_and_rendering(self, client):
        report = import_one("night-shelter-call.muse", self.MUSE, status="published")
        assert report.created and not report.failed
        statement = Statement.objects.get(slug="night-shelter-call")
        assert statement.title == "Call to the assembly"
        assert statement.issued == PartialDate(2025, 3, 13)
        assert statement.language == "en"
        tags = sorted(t.name for t in statement.tags.all())
        assert tags == ["doc", "evictions", "housing", "howto"]
        assert statement.uid == "shelter-call"
        assert statement.published_at == datetime.datetime(2021, 2, 3, 10, tzinfo=datetime.UTC)
        names = [a.author.name for a in statement.authorships.order_by("position")]
        assert names == ["Night Shelter Collective", "Ana Ruiz"]
        assert Author.objects.get(name="Night Shelter Collective").kind == "collective"
        source = statement.sources.get()
        assert (source.url, source.site_name) == ("https://example.org/call", "Example site")
        assert source.retrieved_on == PartialDate(2025, 3, 1)
        assert statement.metadata == {"isbn": "123"}
        page = client.get(statement.get_absolute_url()).content.decode()
        assert "<h2" in page and "First part" in page
        assert "<blockquote>" in page and "A quoted line." in page
        assert 'class="footnote' in page and "The footnote." in page

    def test_emphasis_links_verse_lists_and_tables_survive(self, client):
        muse = (
            "#title Forms\n#lang en\n\n* Part one\n\n"
            "Some *emphasis*, **strong** and =code= with a [[https://example.org/x][link]].\n\n"
            "<verse>\nFirst line of verse\nSecond line of verse\n</verse>\n\n"
            " - apple\n - pear\n\n 1. first\n 2. second\n\n"
            " Year || Groups\n 2024 |  12\n\nAfter.\n"
        )
        import_one("forms.muse", muse, status="published")
        page = client.get(Statement.objects.get(slug="forms").get_absolute_url()).content.decode()
        assert "<em>emphasis</em>" in page and "<strong>strong</strong>" in page
        assert "<code>code</code>" in page
        assert '<a href="https://example.org/x"' in page and ">link</a>" in page
        assert "First line of verse<br" in page
        import re

        assert re.search(r"<ul>\s*<li>\s*(<p>)?apple", page)
        assert re.search(r"<ol>\s*<li>\s*(<p>)?first", page) and "second" in page
        assert "<table>" in page and "<th>Year</th>" in page and "<td>2024</td>" in page

    def test_typography_is_kept_as_written(self, client):
        text = 'He said don\'t. “Quoted” and ‘single’ — a dash – an en dash… and "straight"'
        import_one(
            "typography.muse", f"#title Typography\n#lang en\n\n{text}\n", status="published"
        )
        statement = Statement.objects.get(slug="typography")
        assert text.replace('\\"', '"') in statement.body.replace("\\", "")
        assert "---" not in statement.body and "..." not in statement.body
        page = client.get(statement.get_absolute_url()).content.decode()
        assert "“Quoted” and ‘single’ — a dash – an en dash…" in page
        for fmt in ("muse", "txt", "md"):
            download = client.get(f"/statements/typography.{fmt}").content.decode()
            assert "“Quoted” and ‘single’ — a dash – an en dash…" in download, fmt
            assert "don't" in download.replace("\\", ""), fmt

    def test_deleted_texts_come_in_as_drafts(self):
        import_one("gone.muse", "#title Gone\n#DELETED withdrawn\n\nText", status="published")
        statement = Statement.objects.get(slug="gone")
        assert statement.status == "draft"
        assert statement.metadata["deleted"] == "withdrawn"

    def test_a_header_with_no_body_imports_with_a_note(self):
        report = import_one("empty-body.muse", "#title Only a header\n#lang en\n")
        assert report.created and report.notes == [("empty-body.muse", "no body")]

    def test_reimporting_the_same_file_changes_nothing(self):
        import_one("night-shelter-call.muse", self.MUSE)
        report = import_one("night-shelter-call.muse", self.MUSE)
        assert report.unchanged and not report.created and not report.updated
        changed = self.MUSE.replace("A quoted line.", "Another quoted line.")
        assert import_one("night-shelter-call.muse", changed).updated
        assert "Another quoted line." in Statement.objects.get().body


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize(
        ("raw", "reason"),
        [
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
            (b"", "empty"),
            (b"   \n\n", "empty"),
            (b'{"title": "A"}\n{not json\n', "line 2: not valid JSON"),
            (b'{"body": "no title"}\n', "missing title"),
            (b'{"title": "T", "issued": "2025-13"}\n', "issued"),
            (b"#title\n#lang en\n\nBody", "no #title"),
            # json.loads recurses: 100,000 levels raised RecursionError (a crash, not a reason).
            (
                b'{"title": "T", "metadata": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001,
                "line 1: nested more than 20 levels deep",
            ),
            (b'{"title": "T", "metadata": ' + b"[" * 25 + b"]" * 25 + b"}", "20 levels"),
            (
                b'{"title": "T", "body": "' + b"x" * 5_000_001 + b'"}',
                "line 1: longer than 5,000,000 characters: refused",
            ),
        ],
    )
    def test_each_gets_a_clear_error_and_writes_nothing(self, raw, reason):
        report = import_one("bad.jsonl" if raw.startswith(b"{") else "bad.muse", raw)
        assert len(report.failed) == 1 and reason in report.failed[0][1]
        assert not Statement.objects.exists()

    @pytest.mark.parametrize("body", ["*a " * 60, "<em>a" * 40, "<quote>\n" * 60])
    def test_a_muse_body_pandoc_cannot_finish_is_refused_in_bounded_time(self, body, settings):
        settings.ARCHIVE_BATCH_CPU_SECONDS = 2  # an import outside a request: the batch bound
        before = children_cpu_seconds()
        report = import_one("bomb.muse", f"#title Bomb\n\n{body}\n")
        assert children_cpu_seconds() - before < 3.5  # stopped by its processor time
        assert report.failed == [
            (
                "bomb.muse",
                "the Muse body could not be converted: too complex to convert within 2 s of "
                "processor time",
            )
        ]
        assert not Statement.objects.exists()

    def test_brackets_inside_strings_are_not_nesting(self):
        line = json.dumps({"title": "[" * 30, "metadata": {"note": '\\"' + "{" * 30}})
        report = import_one("brackets.jsonl", line + "\n")
        assert report.failed == [] and Statement.objects.get().title == "[" * 30

    def test_a_folder_import_follows_no_link_out_of_the_folder(self, tmp_path):
        outside, folder = tmp_path / "outside", tmp_path / "import"
        outside.mkdir()
        (folder / "sub").mkdir(parents=True)
        (outside / "secret.muse").write_text("#title Secret\n\nNot for the archive.\n")
        (folder / "sub" / "kept.muse").write_text("#title Kept\n\nText.\n")
        (folder / "link.muse").symlink_to(outside / "secret.muse")
        (folder / "linked-folder").symlink_to(outside, target_is_directory=True)
        (folder / "inside.muse").symlink_to(folder / "sub" / "kept.muse")
        read = dict(import_files([str(folder)]))
        assert isinstance(read[str(folder / "link.muse")], ImportFailure)
        assert "outside the folder" in str(read[str(folder / "link.muse")])
        assert not any("linked-folder" in name for name in read)
        assert read[str(folder / "sub" / "kept.muse")].startswith(b"#title Kept")
        assert read[str(folder / "inside.muse")].startswith(b"#title Kept")  # stays inside

    def test_latin1_bom_and_crlf_are_repaired(self):
        latin = "# Grève générale\r\n\r\nLes travailleuses de l'usine.\r\n".encode("latin-1")
        import_one("latin.txt", latin)
        assert Statement.objects.get().title == "Grève générale"
        import_one("bom.muse", "\ufeff#title Avec BOM\r\n\r\nTexte\r\n".encode())
        assert Statement.objects.filter(title="Avec BOM").exists()

    def test_oversized_files_are_refused(self):
        report = import_one("big.txt", b"# T\n\n" + b"a" * (21 * 1024 * 1024))
        assert "20 MB" in report.failed[0][1]

    def test_a_jsonl_file_is_atomic(self):
        good = json.dumps({"title": "First"})
        report = import_one("two.jsonl", f"{good}\n" + '{"title": ""}\n')
        assert report.failed and not Statement.objects.exists()

    def test_unsafe_and_bomb_zip_members_are_refused(self, tmp_path):
        archive = tmp_path / "upload.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("../escape.muse", "#title Escape\n\nText")
            z.writestr("/abs.muse", "#title Absolute\n\nText")
            z.writestr("bomb.txt", "# Bomb\n\n" + "a" * 5_000_000)
            z.writestr("fine/ok.muse", "#title Fine\n\nText")
        with pytest.raises(CommandError) as error:
            call_command("import_statements", str(archive), stdout=io.StringIO(),
                         stderr=io.StringIO())  # fmt: skip
        assert "1 created" in str(error.value) and "3 failed" in str(error.value)
        assert list(Statement.objects.values_list("title", flat=True)) == ["Fine"]

    def test_parse_refuses_an_unknown_format(self):
        with pytest.raises(ImportFailure):
            parse_bytes(b"text", name="x.txt", format="docx")


def make_varied_statements():
    make_statement(
        "Published one",
        issued="2025-03",
        authors=["Night Shelter Collective", "Ana Ruiz"],
        signatories=["Union A", "Union B"],
        tags=["housing", "Évictions"],
        sources=[
            SourceData(
                url="https://example.org/a",
                site_name="Example",
                retrieved_on=PartialDate(2025, 3, 13),
                note="Retrieved on 13th March",
            ),
            SourceData(site_name="www.example.net", kind="original"),
        ],
        summary="A summary.",
        body="## Part\n\nText with a note.[^1]\n\n[^1]: The note.\n",
        date_text="Spring 2025",
        language="fr",
        rights="Anti-Copyright",
        metadata={"isbn": "1", "cover": "shelter.jpg"},
        uid="shelter-call",
    )
    make_statement("A draft", published=False, issued="1999")
    make_statement(
        "Scheduled",
        published_at=datetime.datetime(2031, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )


@pytest.mark.django_db
def test_jsonl_round_trip_is_byte_identical(tmp_path):
    make_varied_statements()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    call_command("export_statements", str(first), stdout=io.StringIO())
    Statement.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    call_command("import_statements", str(first), stdout=io.StringIO(), stderr=io.StringIO())
    assert Statement.objects.count() == 3
    call_command("export_statements", str(second), stdout=io.StringIO())
    assert first.read_bytes() == second.read_bytes()
    record = json.loads(first.read_text().splitlines()[1])
    assert record["issued"] == "2025-03" and record["status"] == "published"
    assert [a["role"] for a in record["authors"]] == ["author", "author", "signatory", "signatory"]


@pytest.mark.django_db
def test_muse_export_imports_back_with_every_mapped_field(tmp_path):
    make_varied_statements()
    call_command("export_statements", str(tmp_path), "--format", "muse", stdout=io.StringIO())
    original = Statement.objects.get(title="Published one")
    text = (tmp_path / f"{original.slug}.muse").read_text()
    original.delete()
    report = import_one(f"{original.slug}.muse", text)
    assert report.created, report.failed
    again = Statement.objects.get(title="Published one")
    for field in ("slug", "summary", "language", "date_text", "editorial_notes", "uid"):
        assert getattr(again, field) == getattr(original, field), field
    assert again.issued == PartialDate(2025, 3)
    assert sorted(t.name for t in again.tags.all()) == ["housing", "Évictions"]
    assert [a.author.name for a in again.authorships.filter(role="author")] == [
        "Night Shelter Collective",
        "Ana Ruiz",
    ]
    source = again.sources.get()
    assert (source.url, source.retrieved_on) == ("https://example.org/a", PartialDate(2025, 3, 13))
    assert again.metadata == {"isbn": "1", "cover": "shelter.jpg"}
    assert again.published_at == original.published_at
    assert "The note." in again.body and again.body.startswith("## Part")


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "one.muse"
    path.write_text("#title One\n\nText")
    out = io.StringIO()
    call_command("import_statements", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "1 created" in out.getvalue() and "dry run" in out.getvalue()
    assert not Statement.objects.exists()


@needs_shared
@pytest.mark.django_db
def test_the_seed_imports_as_the_library_published_it():
    out = io.StringIO()
    call_command("import_statements", str(SEED), stdout=out, stderr=io.StringIO())
    statement = Statement.objects.get()
    assert statement.title == "Fuck empires, support local resistances"
    author = statement.authorships.get().author
    assert (author.name, author.kind) == ("Solidarity Collectives", "collective")
    assert statement.issued == PartialDate(2025, 3, 13)
    source = statement.sources.get()
    assert source.retrieved_on == PartialDate(2025, 3, 13)
    assert source.site_name == "www.solidaritycollectives.org"
    assert source.url == "https://www.solidaritycollectives.org"  # a link, as a reader expects
    assert statement.rights == "Anti-Copyright"
    assert statement.body.rstrip().endswith("Build internationalism together.")
    assert "Anarchist Library" not in statement.body and "Retrieved" not in statement.body


@needs_shared
@pytest.mark.django_db
@pytest.mark.parametrize("folder", ["muse", "text"])
def test_every_corpus_file_imports(folder, settings):
    # Outside a request, the command line's bound holds: pandoc reads Kropotkin's *Ethics*
    # (770 KB of Muse) in about 8 s of processor time, however busy the machine.
    files = sorted(p for p in (CORPUS / folder).rglob("*") if p.suffix in {".muse", ".txt", ".md"})
    assert files, f"no files under {CORPUS / folder}"
    report = statement_import(files=[(str(p), p.read_bytes()) for p in files])
    assert report.failed == []
    assert len(report.created) == len(files)  # namesakes from different sites stay apart
    slugs = dict(label.split(" → ") for label in report.created)
    for path in files:
        statement = Statement.objects.get(slug=slugs[str(path)])
        assert statement.title
        if folder != "muse":
            continue
        directives, _ = muse_split(path.read_text())
        assert statement.title == muse_inline_plain(directives["title"]), path
        # The ten files without #lang are all in English: detected, not left empty.
        assert statement.language == (directives.get("lang", "").lower() or "en"), path
        names = directives.get("sortauthors") or directives.get("authors") or ""
        names = names or directives.get("author", "")
        assert statement.authorships.exists() == bool(names.strip(" ,;")), path
        topics = directives.get("sorttopics") or directives.get("topics") or ""
        topics += directives.get("cat", "")
        assert statement.tags.exists() == bool(topics.strip(" ,;")), path
        assert statement.sources.exists() == bool(directives.get("source")), path
        if directives.get("date"):
            assert statement.issued or statement.date_text, path


@needs_shared
@pytest.mark.django_db
def test_a_second_import_of_the_corpus_changes_nothing():
    from statements.catalog.services import statement_publish

    # Every text export (libcom's, the library's, Gutenberg's books) and 40 Muse sources.
    files = sorted((CORPUS / "muse").rglob("*.muse"))[:40]
    files += sorted(p for p in (CORPUS / "text").rglob("*") if p.suffix in {".txt", ".md"})
    statement_import(files=[(str(p), p.read_bytes()) for p in files])
    statement_publish(statements=Statement.objects.all())
    published = dict(Statement.objects.values_list("pk", "published_at"))
    again = statement_import(files=[(str(p), p.read_bytes()) for p in files])
    assert len(again.unchanged) == len(files), again.updated[:3]
    assert not again.created and not again.updated and not again.failed
    assert dict(Statement.objects.values_list("pk", "published_at")) == published
    assert set(Statement.objects.values_list("status", flat=True)) == {"published"}


@pytest.mark.django_db
class TestDownloads:
    def test_each_format_of_a_public_statement(self, client, django_assert_max_num_queries):
        make_varied_statements()
        statement = Statement.objects.get(title="Published one")
        page = client.get(statement.get_absolute_url()).content.decode()
        expected = {
            "md": ("text/markdown", "# Published one"),
            "muse": ("text/plain", "#title Published one"),
            "txt": ("text/plain", "Published one"),
            "json": ("application/json", '"slug"'),
        }
        for fmt, (content_type, start) in expected.items():
            url = f"/statements/{statement.slug}.{fmt}"
            assert f'href="{url}"' in page
            with django_assert_max_num_queries(5):
                response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"].startswith(content_type)
            assert start in response.content.decode()
        record = json.loads(client.get(f"/statements/{statement.slug}.json").content)
        assert record["issued"] == "2025-03" and record["tags"] == ["housing", "Évictions"]

    def test_a_format_pandoc_cannot_make_within_bounds_is_a_503_with_a_reason(
        self, client, settings
    ):
        settings.ARCHIVE_CONVERSION_MEMORY_MB = 16  # a reader's request
        statement = make_statement("Long one", body="word " * 200_000)
        for fmt in ("txt", "muse"):
            response = client.get(f"/statements/{statement.slug}.{fmt}")
            assert response.status_code == 503
            assert "within 16 MB of memory" in response.content.decode()
        assert client.get(f"/statements/{statement.slug}.md").status_code == 200

    def test_drafts_and_scheduled_statements_are_not_downloadable(self, client):
        make_varied_statements()
        for title in ("A draft", "Scheduled"):
            slug = Statement.objects.get(title=title).slug
            for fmt in ("md", "muse", "txt", "json"):
                assert client.get(f"/statements/{slug}.{fmt}").status_code == 404

    def test_a_kept_download_changes_with_the_statement(self, client):
        from statements.catalog.services import statement_save

        statement = make_statement("Kept", body="The first words.", authors=["Dock Union"])
        for fmt in ("txt", "muse", "md", "json"):
            assert "first words" in client.get(f"/statements/{statement.slug}.{fmt}").text
        statement.body = "The second words."
        statement_save(statement=statement, body_changed=True)
        Author.objects.filter(name="Dock Union").update(name="Dockers")  # no service: raw
        statement_save(statement=statement, body_changed=False)  # a later save through one
        for fmt in ("txt", "muse", "md", "json"):
            text = client.get(f"/statements/{statement.slug}.{fmt}").text
            assert "second words" in text and "first words" not in text, fmt
            assert "Dockers" in text, fmt

    def test_an_unknown_format_is_a_404(self, client):
        make_varied_statements()
        slug = Statement.objects.get(title="Published one").slug
        assert client.get(f"/statements/{slug}.exe").status_code == 404


class TestMuseMapping:
    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            ("2018-11-01T14:36:51", (2018, 11, 1, 14, 36, 51)),
            ("2019-06-14 18:55:23 +0200", (2019, 6, 14, 16, 55, 23)),
            ("2019-06-14 18:55:23 -0500", (2019, 6, 14, 23, 55, 23)),
            ("2020-01-01", (2020, 1, 1)),
            ("2020-01-01T10:00:00.500Z", (2020, 1, 1, 10, 0, 0, 500000)),
            ("2021-03-04T10:11", (2021, 3, 4, 10, 11)),
        ],
    )
    def test_every_pubdate_shape_of_the_corpus(self, written, expected):
        [item] = parse_bytes(f"#title T\n#pubdate {written}\n\nText".encode(), name="t.muse")
        assert item.data.published_at == datetime.datetime(*expected, tzinfo=datetime.UTC)
        assert "pubdate" not in item.data.metadata

    def test_an_unreadable_pubdate_is_kept_as_read(self):
        [item] = parse_bytes(b"#title T\n#pubdate last spring\n\nText", name="t.muse")
        assert item.data.published_at is None
        assert item.data.metadata == {"pubdate": "last spring"}
        assert any("pubdate" in note for note in item.notes)

    def test_the_chinese_retrieved_line(self):
        line = "#source 于2022-01-04从https://zhuanlan.zhihu.com/p/426914834拾获"
        [item] = parse_bytes(f"#title T\n{line}\n\nText".encode(), name="t.muse")
        [source] = item.data.sources
        assert source.url == "https://zhuanlan.zhihu.com/p/426914834"
        assert source.retrieved_on == PartialDate(2022, 1, 4)
        assert source.note == line.removeprefix("#source ")


@pytest.mark.django_db
class TestMatchingAndProvenance:
    def test_authors_and_tags_match_without_case_spacing_or_accents(self):
        import_one("a.muse", "#title A\n#author Pëtr Kropotkin\n#topics Évictions\n\nText")
        import_one("b.muse", "#title B\n#author petr   KROPOTKIN\n#topics evictions\n\nText")
        import_one("c.muse", "#title C\n#author Petr Kropotkin, Pëtr  kropotkin\n\nText")
        assert list(Author.objects.values_list("name", flat=True)) == ["Pëtr Kropotkin"]
        assert list(Tag.objects.values_list("name", flat=True)) == ["Évictions"]
        assert Statement.objects.get(slug="c").authorships.count() == 1

    def test_the_original_file_is_kept_with_its_sha256(self):
        import hashlib

        from statements.models import ImportedFile

        raw = b"#title Kept\r\n#lang en\r\n\r\nThe text.\r\n"
        import_one("kept.muse", raw)
        statement = Statement.objects.get(slug="kept")
        kept = statement.imported_from
        assert kept.sha256 == hashlib.sha256(raw).hexdigest()
        assert bytes(kept.content) == raw and kept.size == len(raw)
        assert (kept.name, kept.format) == ("kept.muse", "muse")
        # Unchanged: no new row. Changed: a new row, the old one kept for the record.
        assert import_one("kept.muse", raw).unchanged
        assert ImportedFile.objects.count() == 1
        import_one("kept.muse", raw.replace(b"The text.", b"The new text."))
        statement.refresh_from_db()
        assert ImportedFile.objects.count() == 2
        assert bytes(statement.imported_from.content).endswith(b"The new text.\r\n")

    def test_a_jsonl_file_is_kept_once_for_all_its_lines(self):
        from statements.models import ImportedFile

        lines = b'{"title": "One"}\n{"title": "Two"}\n'
        import_one("two.jsonl", lines)
        assert ImportedFile.objects.get().statements.count() == 2

    def test_a_dry_run_keeps_no_file(self):
        from statements.models import ImportedFile

        import_one("x.muse", "#title X\n\nText", dry_run=True)
        assert not ImportedFile.objects.exists()

    def test_translations_link_to_each_other(self, client, django_assert_num_queries):
        make_statement("Call", language="en", uid="call-2025", slug="call")
        make_statement("Appel", language="fr", uid="call-2025", slug="appel")
        make_statement("Brouillon", language="de", uid="call-2025", published=False)
        make_statement("Other", language="en", slug="other")
        page = client.get("/statements/call/").content.decode()
        assert 'href="/statements/appel/" hreflang="fr"' in page and "Brouillon" not in page
        assert "Also in" not in client.get("/statements/other/").content.decode()


@pytest.mark.django_db
def test_fail_fast_stops_at_the_first_failure(tmp_path):
    (tmp_path / "a.muse").write_text("#title A\n\nText")
    (tmp_path / "b.muse").write_bytes(b"\x00binary")
    (tmp_path / "c.muse").write_text("#title C\n\nText")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 created, 0 updated, 0 unchanged, 1 failed"):
        call_command(
            "import_statements", str(tmp_path), "--fail-fast", stdout=io.StringIO(), stderr=err
        )
    assert "1 files not read" in err.getvalue()
    assert list(Statement.objects.values_list("slug", flat=True)) == ["a"]


class TestMuseShortcut:
    """Paragraphs without markup go around pandoc; the Markdown must be what pandoc alone
    gives, to the byte."""

    @staticmethod
    def both(body: str) -> tuple[str, str]:
        from statements.ingest.formats.muse import _pandoc_muse, muse_to_markdown

        return muse_to_markdown(body), _pandoc_muse(body)

    def test_every_allowed_character_comes_out_as_pandoc_writes_it(self):
        from statements.ingest.formats.muse import _PLAIN_PUNCTUATION, _set_aside_plain_paragraphs

        paragraphs = [
            f"Word{c * n}word {c * n}word word{c * n} {c * n}\nnext line{c * n}"
            for c in sorted(_PLAIN_PUNCTUATION)
            for n in (1, 2, 3)
        ]
        body = "\n\n".join(["* Heading", *paragraphs, "A *marked* one."]) + "\n"
        _, aside = _set_aside_plain_paragraphs(body)
        # Every one went around pandoc but "::", which Muse reads as a definition list.
        assert sorted(aside.values()) == sorted(
            " ".join(p.split()) for p in paragraphs if "::" not in p
        )
        shortcut, pandoc = self.both(body)
        assert shortcut == pandoc

    @pytest.mark.parametrize(
        "body",
        [
            "<quote>\nPlain inside a quote.\n\nAnd another.\n</quote>\n\nAfter.\n",
            "<center>\nCentred words.\n</center>\n\n<right>\nRight words.\n</right>\n",
            "<example>\nPlain code line.\n\nStill code, with - and 1. here.\n</example>\n\nOut.\n",
            "{{{\nCode.\n\nMore code.\n}}}\n\nOut.\n",
            "<verse>\nA line.\n\nAnother stanza.\n</verse>\n\nProse.\n",
            " - item one\n\n - item two\n\nNot an item.\n\n 1. first\n\nAfter the list.\n",
            "Text with a note.[1]\n\n[1] The note.\n\nA paragraph after the notes.\n",
            "; a comment\n\n1987. The year.\n\n- not a list\n\n----\n\nplain again\n",
            "term :: definition\n\nSee https://example.org/a and www.example.org too.\n",
            "A line\n  indented continuation\n\nTabs\tinside.\n\nNo\u00a0break space.\n",
            "Plain.\n\n\n\nAfter many blank lines.\n\n   \n\nAnd spaces.\n",
            "(5) A numbered clause.\n\nA. Smith wrote.\n\niv) Roman.\n\nb. Letter.\n",
            "Secondary note here{1} and a primary one[1].\n\n[1] Primary.\n\n{1} Secondary.\n",
        ],
    )
    def test_structures_around_plain_paragraphs(self, body):
        shortcut, pandoc = self.both(body)
        assert shortcut == pandoc

    @needs_shared
    def test_real_corpus_files_convert_as_with_pandoc_alone(self):
        from statements.ingest.formats.muse import _set_aside_plain_paragraphs

        sample = []
        for folder in sorted((CORPUS / "muse").iterdir()):
            files = sorted(folder.rglob("*.muse"), key=lambda p: p.stat().st_size)
            sample += files[:: max(1, len(files) // 4)][:4]
        sample = [p for p in sample if p.stat().st_size < 60_000]
        assert len(sample) >= 10
        set_aside = 0
        for path in sample:
            _, body = muse_split(path.read_text())
            if not body.strip():
                continue
            shortcut, pandoc = self.both(body)
            assert shortcut == pandoc, path
            set_aside += len(_set_aside_plain_paragraphs(body)[1])
        assert set_aside > 50  # the shortcut was taken, not only the fallback


@pytest.mark.django_db
class TestImportingAgain:
    MUSE = (
        "#title Rent strike call\n#author Dock Union\n#topics Abolition, Pëtr Kropotkin\n\n"
        "We call.\n"
    )

    def test_a_published_statement_stays_published_and_keeps_its_time(self):
        import_one("rent.muse", self.MUSE, status="published")
        statement = Statement.objects.get()
        published_at = statement.published_at
        assert statement.status == "published"
        again = import_one("rent.muse", self.MUSE)  # no --status: a plain re-import
        assert again.unchanged == ["rent.muse → rent"] and again.updated == []
        edited = import_one("rent.muse", self.MUSE.replace("We call.", "We call again."))
        assert edited.updated == ["rent.muse → rent"]
        statement.refresh_from_db()
        assert statement.status == "published" and statement.published_at == published_at
        assert statement.body == "We call again.\n"
        assert not Withdrawal.objects.exists()  # OAI-PMH recorded no deletion

    def test_a_draft_stays_a_draft_whatever_status_is_asked(self):
        import_one("rent.muse", self.MUSE)
        import_one("rent.muse", self.MUSE.replace("We call.", "Edited."), status="published")
        assert Statement.objects.get().status == "draft"
        line = json.dumps(
            {"title": "Rent strike call", "slug": "rent", "status": "published",
             "published_at": "2025-01-01T00:00:00Z", "body": "Edited.\n"}
        )  # fmt: skip
        import_one("rent.jsonl", line + "\n")
        assert Statement.objects.get().status == "draft"

    def test_names_differing_in_case_spacing_or_accents_change_nothing(self):
        Tag.objects.create(name="abolition", slug="abolition")
        Tag.objects.create(name="Petr Kropotkin", slug="petr-kropotkin")
        first = import_one("rent.muse", self.MUSE, status="published")
        assert first.created == ["rent.muse → rent"]
        assert set(Statement.objects.get().tags.names()) == {"abolition", "Petr Kropotkin"}
        Author.objects.filter(name="Dock Union").update(kind="organisation")  # an editor's fix
        for _ in range(2):
            again = import_one("rent.muse", self.MUSE.replace("Abolition", "ABOLITION "))
            assert again.unchanged == ["rent.muse → rent"], again
        assert Author.objects.get(name="Dock Union").kind == "organisation"


SCHEMELESS_SOURCES = [
    (
        "Retrieved on 2 May 2024 from [[example.net/page][Example]]",
        "https://example.net/page",
        "Example",
    ),
    (
        "Retrieved on 2 May 2024 from www.example.org.",
        "https://www.example.org",
        "www.example.org",
    ),
    ("于2022-01-02从libcom.org/library/call拾获", "https://libcom.org/library/call", ""),
    ("Retrieved on 2 May 2024 from The Anarchist Library", "", "The Anarchist Library"),
    ("Retrieved on 2 May 2024 from [[https://a.example/x][A]]", "https://a.example/x", "A"),
]


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Proofread version retrieved on October 4th, 2019", "2019-10-04"),
        ("Proofread version retrieved on October 4th, 2019.", "2019-10-04"),
        ("Retrieved on 13th March 2025 from www.example.org", "2025-03-13"),
    ],
)
def test_a_retrieval_date_is_read_with_or_without_where_from(line, date):
    """Finding 32 of issue 32: a source line ending with its date gave no date."""
    assert source_from_line(line).retrieved_on.isoformat() == date


@pytest.mark.parametrize(("line", "url", "site"), SCHEMELESS_SOURCES)
def test_a_source_written_without_a_scheme_keeps_its_address(line, url, site):
    source = source_from_line(line)
    assert (source.url, source.site_name) == (url, site)
    assert source.note == muse_inline_plain(line)  # the line as written
    assert source.retrieved_on is not None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Situationist International", "collective"),
        ("Anarchist Black Cross Library", "collective"),
        ("Strike Committee", "collective"),
        ("无政府主义者委员会", "collective"),
        ("人民图书馆", "collective"),
        ("翻译小组", "collective"),
        ("Emma Goldman", "person"),
    ],
)
def test_names_that_say_they_are_a_group_are_collectives(name, kind):
    assert author_kind(name) == kind
