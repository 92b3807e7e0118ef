"""Titles as exports leave them (issue 32, finding 2): an address, a site's name or a file
extension at the end goes to the source, at import and, for what is stored, by the
``tidy_titles`` command, which leaves a revision. The files are written for the test in the
shapes of The Anarchist Library's PDF and reader-view exports."""

import pytest
from django.core.management import call_command

from statements.catalog.revisions import statement_revisions
from statements.core.titles import title_tidy
from statements.ingest.files import parse_bytes
from statements.ingest.services import statement_import
from statements.models import Statement
from tests.factories import make_statement

BODY = "The assembly met on Sunday and every tenant spoke.\n" * 8


def export(front_title: str, first_line: str, name: str = "Article_x.md") -> tuple:
    head = f'---\ntitle: "{front_title}"\ndate: 2025\n---\n\n# {front_title}\n\n'
    text = f"{head}{first_line}\n{BODY}"
    (item,) = parse_bytes(text.encode(), name=name)
    return item.data, item.notes


@pytest.mark.parametrize(
    ("written", "title"),
    [
        ("Anarchist Education https://theanarchistlibrary.org/library/judith-suissa-anar...",
         "Anarchist Education"),
        ("The Haymarket Martyrs _ The Anarchist Library.pdf", "The Haymarket Martyrs"),
        ("The Facts of Anarchy | The Anarchist Library", "The Facts of Anarchy"),
        ("Communisation | The Anarchist Library about:reader?url=https%3A%2F%2Ftheanarchist...",
         "Communisation"),
        ("Libertarian Municipalism: An Overview | The Anarchist ... about:reader?url=https%3A",
         "Libertarian Municipalism: An Overview"),
        ("Reﬂections for the US Occupy Movement", "Reflections for the US Occupy Movement"),
        # A title that only speaks of a library, or a line, stays as it is.
        ("Building the Anarchist Library", "Building the Anarchist Library"),
        ("Bread | Roses", "Bread | Roses"),
        ("https://example.org/", "https://example.org/"),
    ],
)  # fmt: skip
def test_an_export_s_junk_leaves_the_title(written, title):
    assert title_tidy(written).title == title


def test_a_whole_address_is_kept_apart_and_a_cut_one_dropped():
    whole = title_tidy("Call to the Tenants https://example.org/call")
    assert (whole.title, whole.address) == ("Call to the Tenants", "https://example.org/call")
    assert title_tidy("Call https://example.org/ca...").address == ""


def test_the_file_name_shows_a_lost_separator():
    name = "Article_notes-on-building-_-the-anarchist-library.md"
    assert title_tidy("Notes on Building the Anarchist Library", file_name=name).title == (
        "Notes on Building"
    )


def test_an_imported_pdf_export_gets_a_clean_title_and_a_source():
    data, notes = export(
        "The Facts of Anarchy the Anarchist Library",
        "The Facts of Anarchy | The Anarchist Library https://theanarchistlibrary.org/libr...",
        name="Article_the-facts-of-anarchy-_-the-anarchist-library.md",
    )
    assert data.title == "The Facts of Anarchy"
    assert [s.site_name for s in data.sources] == ["The Anarchist Library"]
    assert "The Facts of Anarchy" not in data.body.splitlines()[0]
    assert any(
        "moved to the source" in note and "“The Facts of Anarchy” kept" in note for note in notes
    )


def test_a_whole_address_in_the_title_becomes_the_source():
    data, _notes = export(
        "Call to the Tenants", "Call to the Tenants https://example.org/tenants/call"
    )
    assert data.title == "Call to the Tenants"
    assert [s.url for s in data.sources] == ["https://example.org/tenants/call"]


def test_a_web_page_s_title_loses_its_site_name():
    page = (
        "<!doctype html><html lang=en><head><title>Rent strike now – Tenants United</title>"
        '<meta property="og:site_name" content="Tenants United"></head><body><article>'
        f"<p>{BODY}</p></article></body></html>"
    )
    (item,) = parse_bytes(page.encode(), name="strike.html")
    assert item.data.title == "Rent strike now"


@pytest.mark.django_db(transaction=True)
def test_the_command_tidies_stored_titles_with_a_revision():
    junk = make_statement(title="Mutual Aid | The Anarchist Library", slug="mutual-aid")
    fine = make_statement(title="Bread and Roses", slug="bread")
    before = len(statement_revisions(statement_id=junk.pk))
    call_command("tidy_titles", "--dry-run")
    assert Statement.objects.get(pk=junk.pk).title.endswith("Library")
    call_command("tidy_titles")
    junk.refresh_from_db()
    assert (junk.title, junk.slug) == ("Mutual Aid", "mutual-aid")
    assert len(statement_revisions(statement_id=junk.pk)) == before + 1
    assert statement_revisions(statement_id=junk.pk)[-1].metadata.get("by") == "command tidy_titles"
    assert Statement.objects.get(pk=fine.pk).title == "Bread and Roses"


PAGE = (
    "<!doctype html><html lang=en><head><title>Police myths</title></head><body><article>"
    "<h1>Police myths</h1><p>{}</p></article></body></html>"
)


@pytest.mark.django_db
def test_same_title_other_text_is_a_new_statement_and_a_second_run_changes_nothing():
    """Finding 21: two pages of one site with the same title are two statements."""
    files = [
        ("policemyths.html", PAGE.format("Myth one: the police keep us safe. " * 10).encode()),
        ("fuckpolice.php", PAGE.format("Another page, another text entirely. " * 10).encode()),
    ]
    first = statement_import(files=files, status="published")
    assert len(first.created) == 2 and not first.updated, first
    assert Statement.objects.filter(title="Police myths").count() == 2
    assert any("a different text has this title" in note for _name, note in first.notes)
    second = statement_import(files=files)
    assert len(second.unchanged) == 2 and not second.updated and not second.created


@pytest.mark.django_db
def test_the_same_file_edited_is_still_an_update():
    page = ("call.html", PAGE.format("First words of the call. " * 10).encode())
    statement_import(files=[page])
    edited = ("call.html", PAGE.format("Corrected words of the call. " * 10).encode())
    report = statement_import(files=[edited])
    assert len(report.updated) == 1 and Statement.objects.count() == 1


@pytest.mark.django_db
def test_a_title_made_in_the_admin_is_not_overwritten_by_an_unrelated_file():
    make_statement(title="Police myths", body="Our own text, typed in by an editor.")
    report = statement_import(files=[("other.html", PAGE.format("Someone else's. " * 10).encode())])
    assert report.created and not report.updated
