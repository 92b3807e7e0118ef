"""The same text found twice: the detector's precision and recall on a labelled list of the
shared corpus' pairs, the import's "looks like" and its three choices, the admin's list, and
the merge (revisions and redirects), the "not duplicates" kept, and translations linked."""

from __future__ import annotations

import collections
import itertools

import pytest
from django.urls import reverse

from statements.catalog.duplicates import CROWDED, duplicates_find
from statements.catalog.revisions import statement_revisions
from statements.core.fingerprints import signature_similarity, text_fingerprint
from statements.core.records import SourceData
from statements.ingest.services import statement_import
from statements.models import DuplicatePair, SlugRedirect, Source, Statement
from tests.factories import make_editor, make_statement
from tests.plugin import ROOT

CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not beside the project ({CORPUS})"
)
KROPOTKIN = "muse/tal-en_krobotkin/petr-kropotkin-"
RSTU = "text/tal-pdf-export_rstu-connect/"
MK = "muse/abiblio-mk_ajdutin/"
ZH = "muse/zh-anarchist-library_fixedpointdirichlet/a/ag/"
ZH_FILE = ZH + "anarchy247-guan-yu-gong-tuan-zhu-yi-yu-gong-hui-de-yi-xie-tan-tao.muse"
ZH_REVISION = "revision/zh-edited.muse"  # made by the test from ZH_FILE (zh_revision)

# The pairs of the corpus that are one text (read and checked by hand); every other pair of
# its files is two texts.
SAME_TEXT = {
    frozenset({KROPOTKIN + "anarchist-morality.muse", RSTU + "Article_anarchist-morality.md"}),
    frozenset(
        {
            KROPOTKIN + "anarchist-communism-its-basis-and-principles.muse",
            RSTU + "Article_petr_kropotkin__anarchist_communism__its_basis_and_principles_a4.md",
        }
    ),
    frozenset(
        {
            KROPOTKIN + "anarchism-from-the-encyclopaedia-britannica.muse",
            KROPOTKIN + "kropotkin-s-definition-of-anarchism-for-the-encyclopedia-britannica.muse",
        }
    ),
    # "Reprinted in Small Communal Experiments and Why They Fail" (its #notes): one holds it.
    frozenset(
        {
            KROPOTKIN + "communism-and-anarchy.muse",
            KROPOTKIN + "small-communal-experiments-and-why-they-fail.muse",
        }
    ),
    frozenset({MK + "a/ab/anon-bez-ispukan-kurshum.muse", MK + "b/bi/bez-ispukan-kurshum.muse"}),
    frozenset(
        {
            MK + "a/ad/anon-da-se-ubie-kralot-abakus.muse",
            MK + "k/kk/killing-king-abacus-da-se-ubie-kralot-abakus.muse",
        }
    ),
    frozenset({ZH_FILE, ZH_REVISION}),
}


def zh_revision() -> str:
    """An editor's revision of a Chinese library file: a new title, a paragraph in twelve
    left out, a note added, a few words changed."""
    text = (CORPUS / ZH_FILE).read_text()
    head, body = text.split("\n\n", 1)
    head = head.replace("#title 关于工团主义与工会的一些探讨", "#title 工团主义与工会（修订版）")
    paragraphs = [p for i, p in enumerate(body.split("\n\n")) if i % 12 != 5]
    paragraphs.insert(1, "编者按：本文经过校对，删去了部分重复段落。")
    body = "\n\n".join(paragraphs).replace("显而易见", "很明显").replace("老生常谈", "陈词滥调")
    return f"{head}\n\n{body}"


def corpus_texts() -> dict[str, str]:
    texts = {
        str(path.relative_to(CORPUS)): path.read_text(errors="replace")
        for path in sorted(CORPUS.rglob("*"))
        if path.suffix in (".muse", ".txt", ".md") and path.name != "SOURCES.md"
    }
    texts[ZH_REVISION] = zh_revision()
    return texts


@needs_corpus
def test_precision_and_recall_on_the_labelled_corpus():
    """Every pair of the corpus' 278 files (and the revision): those the detector shows as
    alike against those labelled as one text."""
    prints = {name: text_fingerprint(text) for name, text in corpus_texts().items()}
    buckets = collections.defaultdict(set)
    for name, fingerprint in prints.items():
        for band in fingerprint.bands:
            buckets[band].add(name)
    candidates = {
        frozenset(pair)
        for names in buckets.values()
        if len(names) <= CROWDED  # as the detector does
        for pair in itertools.combinations(names, 2)
    }
    found = {
        pair
        for pair in candidates
        if signature_similarity(*(prints[name].signature for name in pair)) >= 0.5
    }
    hits = found & SAME_TEXT
    precision, recall = len(hits) / len(found), len(hits) / len(SAME_TEXT)
    print(f"pairs: {len(found)} found, {len(SAME_TEXT)} labelled; "
          f"precision {precision:.2f}, recall {recall:.2f}")  # fmt: skip
    assert recall == 1.0, SAME_TEXT - found
    assert precision == 1.0, found - SAME_TEXT
    # Two texts of one author on one subject are not one text.
    distinct = frozenset(
        {
            KROPOTKIN + "anarchist-morality.muse",
            KROPOTKIN + "anarchism-its-philosophy-and-ideal.muse",
        }
    )
    assert distinct not in found


@pytest.fixture
def corpus_imported(db):
    """A few of the corpus' files imported as drafts: three pairs of one text (two exports
    of Kropotkin, a Macedonian file found twice, a Chinese file and its revision) and texts
    that are not one another's."""
    names = [
        KROPOTKIN + "anarchist-morality.muse",
        RSTU + "Article_anarchist-morality.md",
        MK + "a/ab/anon-bez-ispukan-kurshum.muse",
        MK + "b/bi/bez-ispukan-kurshum.muse",
        ZH_FILE,
        KROPOTKIN + "anarchists-and-unions.muse",
        KROPOTKIN + "municipal-socialism.muse",
        MK + "d/dm/dzhejson-mekvin-postlevicharska-anarhija.muse",
        MK + "d/dm/dzhejson-mekvin-postlevicharska-anarhijaa.muse",
        ZH + "../al/anarchy247-li-shi-duo-yuan-de.muse",
    ]
    files = [(name, (CORPUS / name).read_bytes()) for name in names]
    files.append(("zh-edited.muse", zh_revision().encode()))
    return statement_import(files=files)


@needs_corpus
def test_import_and_scan_find_the_corpus_pairs_and_no_others(corpus_imported):
    report = corpus_imported
    assert not report.failed, report.failed
    noted = [note for _name, note in report.notes if "looks like" in note]
    assert len(noted) == 3  # the second of each pair, compared at its import
    assert any("(petr-kropotkin-anarchist-morality, " in note for note in noted)
    found = duplicates_find()
    assert found == {"fingerprinted": 0, "pairs": 3, "new": 0}
    slugs = [
        {p.first.slug, p.second.slug}
        for p in DuplicatePair.objects.select_related("first", "second")
    ]
    assert any("petr-kropotkin-anarchist-morality" in pair for pair in slugs)
    assert any("bez-ispukan-kurshum" in pair for pair in slugs)
    zh = DuplicatePair.objects.get(first__language="zh")
    assert zh.kind == "duplicate" and zh.similarity > 0.7
    assert {zh.first.title, zh.second.title} == {
        "关于工团主义与工会的一些探讨",
        "工团主义与工会（修订版）",
    }


BODY = " ".join(
    f"The assembly of the {word} district calls every neighbour to the square on Sunday."
    for word in ("north", "south", "east", "west", "harbour", "station")
)


def test_import_choices_new_skip_and_source(db, django_capture_on_commit_callbacks):
    # Saved as an editor saves: fingerprinted once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        kept = make_statement("Call to the square", body=BODY, language="en")
    assert kept.fingerprint.words > 30
    head = "#title Call to the square (copy)\n#lang en\n#source https://elsewhere.example.org/call"
    copy = f"{head}\n\n{BODY} Signed.\n"
    plan = statement_import(files=[("copy.muse", copy.encode())], dry_run=True)
    [entry] = plan.entries
    assert entry.action == "created" and entry.alike[0].statement_id == kept.pk
    assert "looks like “Call to the square” (call-to-the-square, " in entry.notes[0]
    assert not DuplicatePair.objects.exists()  # a dry run keeps nothing

    skipped = statement_import(files=[("copy.muse", copy.encode())], duplicates="skip")
    assert skipped.duplicate and not skipped.created
    assert Statement.objects.count() == 1

    sourced = statement_import(files=[("copy.muse", copy.encode())], duplicates="source")
    assert sourced.sourced and not sourced.created
    assert Statement.objects.count() == 1
    assert kept.sources.filter(url="https://elsewhere.example.org/call").exists()

    made = statement_import(files=[("copy.muse", copy.encode())], status="published")
    assert made.created
    pair = DuplicatePair.objects.get()
    assert pair.first_id == kept.pk and pair.kind == "duplicate" and pair.similarity > 0.8


def test_a_pair_in_two_languages_is_a_possible_translation_and_always_imported(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_statement("Call to the square", body=BODY, language="en")
    other = f"#title Appel\n#lang fr\n\n{BODY}\n"
    report = statement_import(files=[("fr.muse", other.encode())], duplicates="skip")
    assert report.created  # not skipped: a translation is not a duplicate
    assert "may be a translation of" in report.entries[0].notes[0]
    assert DuplicatePair.objects.get().kind == "translation"


@pytest.fixture
def pair(transactional_db):
    """Two statements of one text, each made in its own transaction (one revision each)."""
    first = make_statement(
        "Call to the square",
        slug="call-to-the-square",
        body=BODY,
        language="en",
        authors=["North Assembly"],
        tags=["assemblies"],
        sources=[SourceData(url="https://one.example.org/call")],
    )
    second = make_statement(
        "Call to the square (mirror)",
        slug="call-mirror",
        body=BODY + " Mirrored from the assembly's site.",
        language="en",
        authors=["North Assembly"],
        signatories=["Station Collective"],
        tags=["sunday"],
        sources=[SourceData(url="https://two.example.org/call")],
    )
    duplicates_find()
    return DuplicatePair.objects.get(first=first, second=second)


def test_admin_lists_pairs_and_shows_them_side_by_side(client, pair):
    client.force_login(make_editor())
    listing = client.get(reverse("admin:statements_duplicatepair_changelist"))
    assert listing.status_code == 200
    assert "Call to the square (mirror)" in listing.content.decode()
    page = client.get(reverse("admin:statements_duplicatepair_change", args=[pair.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<ins>" in html and "Mirrored from the assembly" in html
    assert 'value="merge-first"' in html and 'value="distinct"' in html
    found = client.post(reverse("admin:statements_duplicatepair_find"), follow=True)
    assert "Pairs alike in the archive: 1, of which 0 new." in found.content.decode()


def test_merge_moves_what_the_other_had_redirects_it_and_leaves_revisions(client, pair):
    client.force_login(make_editor())
    first, second = pair.first, pair.second
    before = {s: len(statement_revisions(statement_id=s)) for s in (first.pk, second.pk)}
    response = client.post(
        reverse("admin:statements_duplicatepair_decide", args=[pair.pk]),
        {"action": "merge-first"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == "withdrawn"
    pair.refresh_from_db()
    assert pair.decision == "merged" and pair.decided_by.username == "editor"
    assert set(first.sources.values_list("url", flat=True)) == {
        "https://one.example.org/call",
        "https://two.example.org/call",
    }
    assert {a.name for a in first.authors.all()} == {"North Assembly", "Station Collective"}
    assert set(first.tags.names()) == {"assemblies", "sunday"}
    assert SlugRedirect.objects.get(old_slug="call-mirror").statement_id == first.pk
    client.logout()
    answer = client.get("/statements/call-mirror/")
    assert answer.status_code == 301 and answer["Location"] == "/statements/call-to-the-square/"
    for statement in (first, second):
        revisions = statement_revisions(statement_id=statement.pk)
        assert len(revisions) == before[statement.pk] + 1
        assert revisions[-1].metadata["reason"].startswith("Merged: “Call to the square (mirror)”")


def test_not_duplicates_is_remembered(client, pair):
    client.force_login(make_editor())
    client.post(
        reverse("admin:statements_duplicatepair_decide", args=[pair.pk]), {"action": "distinct"}
    )
    pair.refresh_from_db()
    assert pair.decision == "distinct"
    duplicates_find()
    assert DuplicatePair.objects.get().decision == "distinct"  # not offered again
    listing = client.get(reverse("admin:statements_duplicatepair_changelist") + "?decision__exact=")
    assert "Call to the square (mirror)" not in listing.content.decode()


def test_translations_are_linked_with_the_translation_relation(client, db):
    english = make_statement("Call", slug="call-en", body=BODY, language="en")
    french = make_statement("Appel", slug="appel-fr", body=BODY + " Traduit.", language="fr")
    duplicates_find()
    found = DuplicatePair.objects.get()
    assert found.kind == "translation"
    client.force_login(make_editor())
    client.post(
        reverse("admin:statements_duplicatepair_decide", args=[found.pk]),
        {"action": "translations"},
    )
    english.refresh_from_db()
    french.refresh_from_db()
    assert english.uid and english.uid == french.uid
    client.logout()
    assert 'href="/statements/appel-fr/"' in client.get("/statements/call-en/").content.decode()


def test_bad_decisions_are_refused_with_a_message(client, pair):
    client.force_login(make_editor())
    url = reverse("admin:statements_duplicatepair_decide", args=[pair.pk])
    response = client.post(url, {"action": "delete-everything"}, follow=True)
    assert "Choose what to do with the pair." in response.content.decode()
    assert client.get(url).status_code == 405
    missing = reverse("admin:statements_duplicatepair_decide", args=[pair.pk + 999])
    assert client.post(missing, {"action": "distinct"}).status_code == 404
    client.logout()
    assert client.post(url, {"action": "distinct"}).status_code == 302  # to the login page
    pair.refresh_from_db()
    assert pair.decision == ""


def test_short_texts_are_not_compared(db):
    make_statement("One", body="See the attached PDF.")
    make_statement("Two", body="See the attached PDF.")
    assert duplicates_find()["pairs"] == 0


def test_an_edited_body_gets_a_new_fingerprint(db):
    statement = make_statement("Call", body=BODY)
    duplicates_find()
    old = bytes(statement.fingerprint.signature)
    Statement.objects.filter(pk=statement.pk).update(body="Another text entirely. " * 20)
    assert duplicates_find()["fingerprinted"] == 1
    statement.fingerprint.refresh_from_db()
    assert bytes(statement.fingerprint.signature) != old
    assert Source.objects.count() == 0


def test_texts_of_one_import_are_compared_with_each_other(db):
    import json

    lines = [
        json.dumps({"title": "First copy", "slug": "first-copy", "body": BODY}),
        json.dumps({"title": "Second copy", "slug": "second-copy", "body": BODY + " Again."}),
        json.dumps({"title": "Other", "slug": "other", "body": "Nothing alike at all. " * 20}),
    ]
    report = statement_import(files=[("two.jsonl", "\n".join(lines).encode())])
    assert len(report.created) == 3
    pair = DuplicatePair.objects.select_related("first", "second").get()
    assert {pair.first.slug, pair.second.slug} == {"first-copy", "second-copy"}
