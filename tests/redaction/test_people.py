"""Removing a person, end to end: a unique name credited on several statements (now and in
earlier versions, in a kept PDF, a book, a capture, an author merged into theirs, a
misspelling searched) is on every public surface before, and on none after; a pg_dump of
the database holds neither the name nor its accent-folded form.

Transactional: versions are transactions, and pg_dump reads what is committed."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from statements.catalog.merging import author_merge
from statements.catalog.revisions import revision_context, statement_revisions
from statements.catalog.services import statement_save
from statements.core.records import SourceData
from statements.models import (
    Author,
    AuthorRedirect,
    Authorship,
    HiddenVersion,
    Redaction,
    SourceCapture,
    SourceLink,
    Statement,
)
from statements.redaction.captures import capture_hide, capture_suppress
from statements.redaction.log import RedactionRefused
from statements.redaction.people import person_removal_plan, person_remove
from statements.redaction.versions import version_suppress
from statements.sources.captures import warc_bytes
from statements.sources.fetch import Exchange
from tests.factories import make_author, make_editor, make_statement, make_suppressor
from tests.redaction.helpers import folded, pg_dump_text

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Ximena Quetzalí Ñúñez"
OTHER_SPELLING = "Ximena Q. Nuñez"
MISSPELT = "Ximenna"
CAPTURED_URL = "http://127.0.0.1:9/call-against-the-war"


def make_capture(url: str, html: str) -> SourceCapture:
    """A capture of ``url`` whose page is ``html``, as link_capture would keep it."""
    now = timezone.now()
    exchange = Exchange(
        url=url,
        method="GET",
        request_headers=[("Host", "127.0.0.1:9")],
        status=200,
        reason="OK",
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=html.encode(),
    )
    content = warc_bytes([exchange], captured_at=now)
    sha = hashlib.sha256(content).hexdigest()
    link, _ = SourceLink.objects.get_or_create(url=url)
    saved = default_storage.save(f"captures/{link.pk}/{sha[:12]}.warc.gz", ContentFile(content))
    capture = SourceCapture.objects.create(
        link=link,
        captured_at=now,
        url=url,
        status=200,
        file=saved,
        size=len(content),
        sha256=sha,
        page_sha256=hashlib.sha256(exchange.body).hexdigest(),
        page_size=len(exchange.body),
        content_type="text/html; charset=utf-8",
    )
    SourceLink.objects.filter(pk=link.pk).update(capture=capture)
    return capture


@pytest.fixture
def archive(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with revision_context(by="test"):
        war = make_statement(
            "Call against the war",
            slug="call-against-the-war",
            issued="2025-03",
            authors=["Assembly of the Port"],
            signatories=[NAME, "Harbour Collective"],
            tags=["anti-war"],
            body="We refuse this war.",
            sources=[SourceData(url=CAPTURED_URL, site_name="The assembly")],
        )
        teacher = make_statement(
            "Open letter of a teacher",
            slug="open-letter-of-a-teacher",
            issued="2025",
            authors=[NAME],
            tags=["schools"],
            body=f"I, {NAME}, teach in the port's school. I will not teach war.",
        )
        strike = make_statement(
            "Strike at the docks",
            slug="strike-at-the-docks",
            issued="2024-11-02",
            signatories=[NAME, "Dock Union"],
            tags=["strikes"],
            body="The docks stop on Monday.",
        )
    # An earlier version of the strike lists the person; the current one no longer does.
    with revision_context(reason="signatory list corrected"):
        Authorship.objects.filter(statement=strike, author__name=NAME).delete()
        statement_save(statement=strike)
    with revision_context(reason="typo"):
        war.body = "We refuse this war, and every war."
        statement_save(statement=war, body_changed=True)
    other = make_author(OTHER_SPELLING, kind=Author.Kind.PERSON)
    make_statement("A note", signatories=[OTHER_SPELLING], body="A short note.")
    author_merge(authors=[other], into=Author.objects.get(name=NAME))
    capture = make_capture(
        CAPTURED_URL, f"<html><title>Call</title><body><p>Signed: {NAME}</p></body></html>"
    )
    return {"war": war, "teacher": teacher, "strike": strike, "capture": capture}


def _text_of(path: str, response) -> str:
    content = b"".join(response) if response.streaming else response.content
    if path.endswith(".pdf") and content.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if path.endswith(".epub") and content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "\n".join(
                book.read(name).decode("utf-8", errors="replace")
                for name in book.namelist()
                if name.endswith((".xhtml", ".html", ".opf", ".ncx"))
            )
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON escapes accented letters (\u00ed): read as the text it stands for.
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode("utf-8", errors="replace")


def _sitemap_paths(client) -> list[str]:
    index = client.get("/sitemap.xml").content.decode()
    paths = []
    for section in re.findall(r"<loc>https?://[^/]+(/[^<]+)</loc>", index):
        paths.append(section)
        body = client.get(section).content.decode()
        paths += re.findall(r"<loc>https?://[^/]+(/[^<]+)</loc>", body)
    return paths


def crawl(client, slugs: list[str], author_slugs: list[str], capture: SourceCapture) -> dict:
    """Every public address of these statements and authors, and the archive-wide ones:
    address → (status, text)."""
    paths = [
        "/", "/statements/", "/authors/", "/authors/?q=Ximena", "/tags/", "/archive/",
        "/archive/2025/", "/archive/2024/", "/changes/", "/changes.atom",
        "/feeds/latest.atom", "/feeds/latest.rss", "/tags/anti-war/", "/feeds/tags/anti-war.atom",
        f"/search/?q={quote(NAME)}", f"/search/?q={MISSPELT}", "/search/?q=Ximena",
        "/oai/?verb=ListRecords&metadataPrefix=oai_dc", "/oai/?verb=ListSets",
        "/oai/?verb=ListIdentifiers&metadataPrefix=oai_dc",
        "/opds/", "/opds/latest/", "/opds/authors/", "/opds/search/?q=Ximena",
        "/api/statements/", "/api/authors/", f"/api/statements/?q={quote(NAME)}",
        "/book/?s=" + ",".join(slugs), "/book/book.epub?s=" + ",".join(slugs),
    ]  # fmt: skip
    for slug in slugs:
        base = f"/statements/{slug}"
        paths += [f"{base}/", f"{base}/history/", f"/api/statements/{slug}/"]
        paths += [f"{base}.{fmt}" for fmt in ("md", "muse", "txt", "json", "bib", "ris",
                                              "csl.json", "pdf", "epub")]  # fmt: skip
        statement = Statement.objects.get(slug=slug)
        for revision in statement_revisions(statement_id=statement.pk):
            paths += [f"{base}/v/{revision.number}/", f"{base}/v/{revision.number}.bib"]
        for source in statement.sources.all():
            paths.append(f"/sources/{source.pk}/capture/")
    for slug in author_slugs:
        paths += [f"/authors/{slug}/", f"/feeds/authors/{slug}.atom", f"/api/authors/{slug}/",
                  f"/opds/authors/{slug}/", f"/statements/?author={slug}"]  # fmt: skip
    paths += _sitemap_paths(client)
    seen = {}
    for path in dict.fromkeys(p for p in paths if p):
        response = client.get(path)
        assert response.status_code < 500, path
        seen[path] = (response.status_code, _text_of(path.split("?")[0], response))
    return seen


def naming(seen: dict, names: list[str]) -> list[str]:
    wanted = [folded(n) for n in names]
    return [
        path
        for path, (_, text) in seen.items()
        if any(name in folded(text) for name in wanted)
        or any(name in folded(text.replace("&#x27;", "'")) for name in wanted)
    ]


def test_removing_a_person_takes_the_name_off_every_surface_and_out_of_the_database(
    client, archive
):
    slugs = ["call-against-the-war", "open-letter-of-a-teacher", "strike-at-the-docks"]
    person = Author.objects.get(name=NAME)
    author_slugs = [person.slug, *AuthorRedirect.objects.values_list("old_slug", flat=True)]
    before = crawl(client, slugs, author_slugs, archive["capture"])
    named_before = naming(before, [NAME])
    # The name is everywhere to begin with: the test can fail.
    for path in ("/statements/call-against-the-war/", "/statements/call-against-the-war.pdf",
                 "/book/book.epub?s=" + ",".join(slugs), "/feeds/latest.atom",
                 "/oai/?verb=ListRecords&metadataPrefix=oai_dc", "/api/authors/",
                 f"/authors/{person.slug}/", "/statements/strike-at-the-docks/v/1/",
                 f"/sources/{archive['war'].sources.get().pk}/capture/"):  # fmt: skip
        assert path in named_before, path
    assert 'did you mean <a href="?q=ximena">' in before[f"/search/?q={MISSPELT}"][1].casefold()
    assert folded(NAME) in folded(pg_dump_text())

    # An earlier act's private note spelled the name: the removal rewrites it too.
    capture_hide(capture=archive["capture"], reason_class="privacy", note=f"names {NAME}")
    plan = person_removal_plan(author=person)
    assert {s.slug for s in plan.statements} == {*slugs, "a-note"}
    assert plan.version_count >= 4
    assert [c.pk for c in plan.captures] == [archive["capture"].pk]
    assert ("open-letter-of-a-teacher", "the current text or details") in {
        (s.slug, where) for s, where in plan.texts
    }
    client.force_login(make_suppressor("protector"))
    url = reverse("admin:statements_author_remove", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Open letter of a teacher" in page and "cannot be undone" in page
    redirected = AuthorRedirect.objects.get().old_slug
    assert f"/authors/{redirected}/" in page
    refused = client.post(url, {"reason_class": "safety", "confirm": "on", "note": NAME})
    assert refused.status_code == 200 and Author.objects.get(pk=person.pk).removed_at is None
    done = client.post(url, {"reason_class": "safety", "confirm": "on", "note": "asked by mail"})
    assert done.status_code == 302
    client.logout()

    # What spells the name is the editor's to handle: the teacher's text is edited and its
    # earlier versions suppressed; the capture is suppressed.
    teacher = Statement.objects.get(slug="open-letter-of-a-teacher")
    with revision_context(reason="name taken out"):
        teacher.body = "I teach in the port's school. I will not teach war."
        statement_save(statement=teacher, body_changed=True)
    earlier = [r.number for r in statement_revisions(statement_id=teacher.pk)][:-1]
    version_suppress(statement=teacher, numbers=earlier, reason_class="safety")
    capture = SourceCapture.objects.get(pk=archive["capture"].pk)
    capture_suppress(capture=capture, reason_class="safety")

    after = crawl(client, slugs, author_slugs, capture)
    # A search for the name says the name back (its title, its box): it must find nothing.
    echoed = [p for p in after if quote(NAME) in p]
    for path in echoed:
        assert "Nothing found" in after[path][1] or '"count":0' in after[path][1].replace(" ", "")
    assert naming({p: v for p, v in after.items() if p not in echoed}, [NAME, OTHER_SPELLING]) == []
    for slug in author_slugs:
        assert after[f"/authors/{slug}/"][0] == 410, slug
        assert after[f"/api/authors/{slug}/"][0] == 410, slug
    assert after["/statements/call-against-the-war/"][0] == 200
    assert "Harbour Collective" in after["/statements/call-against-the-war/"][1]
    assert after["/statements/strike-at-the-docks/v/1/"][0] == 410
    assert after[f"/sources/{archive['war'].sources.get().pk}/capture/"][0] == 410
    assert "ximena" not in after[f"/search/?q={MISSPELT}"][1].casefold()
    dump = folded(pg_dump_text())
    assert folded(NAME) not in dump and folded(OTHER_SPELLING) not in dump
    assert "ximena" not in dump and "quetzali" not in dump

    tombstone = Author.objects.get(pk=person.pk)
    assert tombstone.removed_at and tombstone.alternative_names == ""
    assert not tombstone.authorships.exists()
    log = Redaction.objects.get(act="remove")
    assert log.author_id == person.pk and log.details["suppressed"] is True
    assert HiddenVersion.objects.filter(suppressed_at__isnull=False).count() >= 4
    assert not default_storage.exists(capture.file)


def test_without_the_permission_to_suppress_the_versions_are_hidden(archive):
    person = Author.objects.get(name=NAME)
    person_remove(author=person, reason_class="privacy", user=make_editor("ed"), suppress=False)
    rows = HiddenVersion.objects.all()
    assert rows.exists() and not rows.filter(suppressed_at__isnull=False).exists()
    with pytest.raises(RedactionRefused, match="already been removed"):
        person_removal_plan(author=Author.objects.get(pk=person.pk))


def test_the_private_note_may_not_spell_the_name(archive):
    person = Author.objects.get(name=NAME)
    with pytest.raises(RedactionRefused, match="must not spell"):
        person_remove(author=person, reason_class="privacy", note=f"asked by {NAME.upper()}")
    assert not Redaction.objects.exists() and Author.objects.get(pk=person.pk).name == NAME


def test_removing_a_person_needs_the_permission_to_hide(client, archive):
    person = Author.objects.get(name=NAME)
    editor = make_editor("bystander")
    editor.groups.clear()
    client.force_login(editor)
    url = reverse("admin:statements_author_remove", args=[person.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason_class": "safety", "confirm": "on"}).status_code == 403
    assert Author.objects.get(pk=person.pk).removed_at is None
    assert json.loads(json.dumps(list(Redaction.objects.values()))) == []


def test_a_removed_person_is_never_credited_again(archive):
    from statements.catalog.services import statement_credits_append
    from statements.core.records import AuthorCredit

    person = Author.objects.get(name=NAME)
    person_remove(author=person, reason_class="privacy")
    folded_spelling = "XIMENA  QUETZALI NUNEZ"  # another case, no accents, two spaces
    statement = make_statement(
        "A later call", signatories=[folded_spelling, "Port Union"], body="Later."
    )
    assert [a.author.name for a in statement.authorships.select_related("author")] == ["Port Union"]
    added = statement_credits_append(
        statement=statement, credits=[AuthorCredit(name=OTHER_SPELLING, role="signatory")]
    )
    assert added == [] and not Author.objects.filter(name__icontains="ximena").exists()
    assert folded(NAME) not in folded(Statement.objects.get(pk=statement.pk).search_names)


def test_the_tombstone_cannot_be_edited_back(client, archive):
    person = Author.objects.get(name=NAME)
    person_remove(author=person, reason_class="privacy")
    client.force_login(make_suppressor("keeper"))
    url = reverse("admin:statements_author_change", args=[person.pk])
    refused = client.post(url, {"name": NAME, "slug": "back", "kind": "person"})
    assert refused.status_code == 403
    assert Author.objects.get(pk=person.pk).name == f"(removed person {person.pk})"
