"""Taking a statement down: every public surface of it answers 410 or drops it, its kept
files are deleted, and OAI-PMH gives a deleted record that the schema validates."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from lxml import etree

from statements.catalog.revisions import revision_context, statement_revisions
from statements.catalog.services import statement_save
from statements.interop import oai_records
from statements.models import Redaction, Statement, Takedown
from statements.redaction.log import RedactionRefused
from statements.redaction.takedowns import statement_take_down
from tests.factories import make_editor, make_statement
from tests.interop.test_oai import oai_schema  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)

NS = {"o": oai_records.OAI}


@pytest.fixture
def letter(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with revision_context(by="test"):
        statement = make_statement(
            "Letter naming the assembly's hosts",
            slug="letter-naming-hosts",
            issued="2025-02-01",
            authors=["Assembly of the Hill"],
            tags=["assemblies"],
            body="The assembly meets at the hosts' house.",
        )
    with revision_context(reason="date"):
        statement.place = "Hill"
        statement_save(statement=statement)
    return Statement.objects.get(pk=statement.pk)


PUBLIC = [
    "/statements/letter-naming-hosts/",
    "/statements/letter-naming-hosts/history/",
    "/statements/letter-naming-hosts/v/1/",
    "/statements/letter-naming-hosts/v/1.bib",
    "/statements/letter-naming-hosts.md",
    "/statements/letter-naming-hosts.json",
    "/statements/letter-naming-hosts.pdf",
]
LISTS = ["/", "/statements/", "/tags/assemblies/", "/feeds/latest.atom", "/sitemap-statements.xml",
         "/search/?q=hosts", "/api/statements/", "/opds/latest/", "/changes/"]  # fmt: skip


def test_every_public_surface_answers_410_or_drops_it(client, letter):
    for path in PUBLIC:
        assert client.get(path).status_code == 200, path
    for path in LISTS:
        assert "letter-naming-hosts" in client.get(path).content.decode(), path
    assert default_storage.listdir(f"editions/{letter.pk}/")[1]  # the PDF is kept
    statement_take_down(statement=letter, reason_class="safety", show_title=False, note="hosts")
    for path in PUBLIC:
        response = client.get(path)
        assert response.status_code == 410, path
        page = response.content.decode()
        assert "taken down" in page and "Letter naming" not in page, path
    for path in LISTS:
        assert "letter-naming-hosts" not in client.get(path).content.decode(), path
    assert client.get("/api/statements/letter-naming-hosts/").status_code == 410
    assert default_storage.listdir(f"editions/{letter.pk}/")[1] == []
    assert Statement.objects.get(pk=letter.pk).status == "withdrawn"
    # A new version records the takedown; the editors still have every version.
    assert len(statement_revisions(statement_id=letter.pk)) == 3
    assert Redaction.objects.get().act == "takedown"


def test_the_note_names_the_title_and_date_only_when_the_editor_chooses(client, letter):
    statement_take_down(statement=letter, reason_class="legal", show_title=True)
    page = client.get("/statements/letter-naming-hosts/").content.decode()
    assert "Letter naming the assembly" in page and "1 February 2025" in page and "Legal" in page


def test_oai_gives_a_deleted_record_that_validates(client, letter, oai_schema):  # noqa: F811
    statement_take_down(statement=letter, reason_class="error", show_title=False)
    response = client.get(
        "/oai/",
        {"verb": "GetRecord", "metadataPrefix": "oai_dc",
         "identifier": oai_records.statement_identifier("testserver", letter.pk)},
    )  # fmt: skip
    root = etree.fromstring(response.content)
    oai_schema.assertValid(root)
    header = root.find(".//o:header", NS)
    assert header.get("status") == "deleted"
    listed = etree.fromstring(
        client.get("/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}).content
    )
    oai_schema.assertValid(listed)
    assert [h.get("status") for h in listed.findall(".//o:header", NS)] == ["deleted"]


def test_a_book_counts_it_as_not_in_the_archive_any_more(client, letter):
    other = make_statement("Another call", slug="another-call", body="Come.")
    statement_take_down(statement=letter, reason_class="privacy", show_title=False)
    page = client.get("/book/?s=letter-naming-hosts,another-call").content.decode()
    assert "Another call" in page and "Letter naming" not in page
    assert "not in the archive" in page or "no longer" in page
    assert other.pk


def test_taking_down_twice_is_refused_and_needs_the_permission(client, letter):
    statement_take_down(statement=letter, reason_class="privacy", show_title=False)
    with pytest.raises(RedactionRefused):
        statement_take_down(statement=letter, reason_class="privacy", show_title=False)
    outsider = make_editor("outsider")
    outsider.groups.clear()
    client.force_login(outsider)
    url = reverse("admin:statements_statement_take_down", args=[letter.pk])
    assert client.get(url).status_code == 403


def test_the_admin_takes_down_after_its_confirmation(client, letter):
    client.force_login(make_editor("ed"))
    url = reverse("admin:statements_statement_take_down", args=[letter.pk])
    page = client.get(url)
    assert page.status_code == 200 and "410 Gone" in page.content.decode()
    unconfirmed = client.post(url, {"reason_class": "safety"})
    assert unconfirmed.status_code == 200 and not Takedown.objects.exists()
    done = client.post(url, {"reason_class": "safety", "confirm": "on"})
    assert done.status_code == 302 and Takedown.objects.get().reason_class == "safety"
