"""The admin's import page: upload, preview, import as drafts; bad files get their reason."""

import contextlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from statements.ingest import uploads
from statements.models import ImportedFile, Statement

URL = "/admin/statements/statement/import/"
MUSE = b"#title Night shelter call\n#author Night Shelter Collective\n#date 2025-03\n\nWe call.\n"


def upload(client, *files):
    return client.post(URL, {"files": [SimpleUploadedFile(name, raw) for name, raw in files]})


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)
    return buffer.getvalue()


@pytest.mark.django_db
class TestAdminImport:
    def test_preview_then_import_as_drafts(self, editor_client, client):
        page = editor_client.get("/admin/statements/statement/")
        assert f'href="{URL}"' in page.content.decode()
        preview = upload(editor_client, ("night.muse", MUSE), ("x.jsonl", b'{"title": "Line"}\n'))
        assert preview.status_code == 200
        html = preview.content.decode()
        assert "Night shelter call" in html and "Night Shelter Collective" in html
        assert "March 2025" in html and "Import: 2 new drafts" in html
        assert not Statement.objects.exists()  # nothing written by the preview
        token = preview.context["token"]
        done = editor_client.post(URL, {"token": token})
        assert done.status_code == 200
        assert "2 created as drafts and 0 updated" in done.content.decode()
        assert set(Statement.objects.values_list("status", flat=True)) == {"draft"}
        statement = Statement.objects.get(slug="night")
        assert bytes(statement.imported_from.content) == MUSE
        assert client.get(statement.get_absolute_url()).status_code == 404  # a draft
        # The token is spent: posting it again imports nothing twice.
        again = editor_client.post(URL, {"token": token})
        assert "expired" in again.content.decode()
        assert Statement.objects.count() == 2

    def test_bad_files_get_their_reason_and_the_good_ones_go_on(self, editor_client):
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("bomb.txt", b"0" * 5_000_000)
        preview = upload(
            editor_client,
            ("good.muse", MUSE),
            ("picture.png", b"\x89PNG\r\n\x1a\n"),
            ("binary.txt", b"\x00\x01\x02binary"),
            ("empty.md", b""),
            ("fake.zip", b"not a zip"),
            ("evil.zip", zipped({"../../etc/passwd.txt": b"root"})),
            ("bomb.zip", bomb.getvalue()),
            ("broken.jsonl", b'{"title": "A"}\n{oops\n'),
        )
        assert preview.status_code == 200
        errors = dict(preview.context["errors"])
        # A picture holds no statement: named, with why, and no failure (finding 26).
        ignored = dict(preview.context["plan"].ignored)
        assert ignored["picture.png"] == "binary data, not text: a .png file"
        assert "picture.png" not in errors
        assert "binary data, not text: a .png file" in preview.content.decode()
        assert errors["binary.txt"] == "binary data, not text"
        assert errors["empty.md"] == "empty file"
        assert errors["fake.zip"] == "named .zip but not a zip archive"
        assert "unsafe name" in errors["evil.zip/../../etc/passwd.txt"]
        assert "zip bomb" in errors["bomb.zip/bomb.txt"]
        assert "line 2: not valid JSON" in errors["broken.jsonl"]
        assert [p.data.title for p in preview.context["previews"]] == ["Night shelter call"]
        editor_client.post(URL, {"token": preview.context["token"]})
        assert list(Statement.objects.values_list("title", flat=True)) == ["Night shelter call"]

    def test_oversized_upload_is_refused(self, editor_client, monkeypatch):
        monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
        preview = upload(editor_client, ("big.muse", MUSE + b"x" * 200))
        assert dict(preview.context["errors"])["big.muse"].startswith("larger than")
        assert not preview.context["previews"]

    def test_no_file_chosen(self, editor_client):
        preview = editor_client.post(URL, {})
        assert preview.status_code == 200
        assert "Choose at least one file." in preview.content.decode()

    def test_a_token_from_another_session_is_refused(self, editor_client):
        from django.test import Client

        from tests.factories import make_editor

        token = upload(editor_client, ("night.muse", MUSE)).context["token"]
        other = Client()
        other.force_login(make_editor("other"))
        response = other.post(URL, {"token": token})
        assert "expired or is not yours" in response.content.decode()
        assert other.post(URL, {"token": "../../etc"}).status_code == 200
        assert not Statement.objects.exists()

    def test_only_editors_reach_the_page(self, client):
        assert client.get(URL).status_code == 302  # to the login page
        from django.contrib.auth.models import User

        staff = User.objects.create_user("staff", password="x-long-password-1", is_staff=True)
        client.force_login(staff)
        assert client.get(URL).status_code == 403

    def test_the_kept_file_is_shown_and_downloadable(self, editor_client):
        upload_token = upload(editor_client, ("night.muse", MUSE)).context["token"]
        editor_client.post(URL, {"token": upload_token})
        statement = Statement.objects.get()
        kept = ImportedFile.objects.get()
        change = editor_client.get(f"/admin/statements/statement/{statement.pk}/change/")
        assert kept.sha256 in change.content.decode()
        download = editor_client.get(f"/admin/statements/importedfile/{kept.pk}/download/")
        assert download.content == MUSE
        assert download["X-Content-SHA256"] == kept.sha256
        listing = editor_client.get("/admin/statements/importedfile/")
        assert listing.status_code == 200 and "night.muse" in listing.content.decode()
        assert editor_client.get("/admin/statements/importedfile/add/").status_code == 403


@pytest.mark.django_db
class TestBoundedConfirmation:
    def test_files_not_reached_in_time_are_reported_and_nothing_is_left(
        self, editor_client, settings
    ):
        settings.ARCHIVE_ADMIN_IMPORT_SECONDS = 0  # time is up after the first file
        files = [(f"call-{n}.muse", f"#title Call {n}\n\nText {n}.\n".encode()) for n in range(3)]
        token = upload(editor_client, *files).context["token"]
        done = editor_client.post(URL, {"token": token})
        report = done.context["report"]
        assert report.created == ["call-0.muse → call-0"]
        assert report.skipped == ["call-1.muse", "call-2.muse"]
        assert "ran out" in report.stopped
        html = done.content.decode()
        assert "Not reached" in html and "call-2.muse" in html
        assert list(Statement.objects.values_list("title", flat=True)) == ["Call 0"]
        assert not stored(token)  # the upload is gone, partial or not

    def test_a_refused_upload_leaves_no_folder(self, editor_client):
        token = upload(editor_client, ("picture.png", b"\x89PNG\r\n\x1a\n")).context["token"]
        assert not stored(token)


def stored(token: str) -> list[str]:
    """What the storage holds of an upload."""
    from django.core.files.storage import default_storage

    try:
        return default_storage.listdir(f"uploads/{token}")[1]
    except FileNotFoundError:
        return []


@pytest.mark.django_db
class TestPreviewSaysWhatChanges:
    """The preview tells a new statement from an update of one in the archive (with its
    status, a link, the fields and the text that change) before anything is written; the
    result links every statement created or updated."""

    EDITED = MUSE.replace(b"We call.", b"We call again.\n\nCome at six.").replace(
        b"#date 2025-03", b"#date 2025-04"
    )

    def published(self, editor_client):
        token = upload(editor_client, ("night.muse", MUSE)).context["token"]
        editor_client.post(URL, {"token": token})
        statement = Statement.objects.get(slug="night")
        statement.status, statement.published_at = "published", timezone.now()
        statement.save()
        return statement

    def test_an_update_shows_its_statement_fields_and_diff(self, editor_client):
        statement = self.published(editor_client)
        before = Statement.objects.get(pk=statement.pk)
        preview = upload(
            editor_client, ("night.muse", self.EDITED), ("new.muse", MUSE[:7] + b" Other\n\nX\n")
        )
        entries = {e.name: e for e in preview.context["previews"]}
        update, new = entries["night.muse"], entries["new.muse"]
        assert (update.action, update.statement_id, update.status) == (
            "updated",
            statement.pk,
            "published",
        )
        assert update.changed == ["body", "issued"]
        assert "-We call." in update.body_diff and "+We call again." in update.body_diff
        assert "+Come at six." in update.body_diff
        assert (new.action, new.statement_id, new.status) == ("created", None, "draft")
        html = preview.content.decode()
        change = f"/admin/statements/statement/{statement.pk}/change/"
        assert f'href="{change}"' in html and 'href="/statements/night/"' in html
        assert "(it stays published: the change is public at once): changes body" in html
        # Finding 10 of issue 32: the button says what happens to each, never "as drafts".
        assert (
            'value="Import: 1 new draft; 1 update to a published statement, public at once"' in html
        )
        assert '<span class="diff-added">+Come at six.</span>' in html
        assert "New statement, as a draft" in html
        # Nothing was written by the preview.
        after = Statement.objects.get(pk=statement.pk)
        assert (after.body, after.issued, after.updated_at) == (
            before.body,
            before.issued,
            before.updated_at,
        )
        assert not Statement.objects.filter(title="Other").exists()
        # The import then does what the preview said, and links both statements.
        done = editor_client.post(URL, {"token": preview.context["token"]})
        html = done.content.decode()
        created = Statement.objects.get(title="Other")
        assert f'href="{change}"' in html
        assert f'href="/admin/statements/statement/{created.pk}/change/"' in html
        assert "Updated: night.muse" in html and "Created: new.muse" in html
        after = Statement.objects.get(pk=statement.pk)
        assert after.status == "published" and "Come at six." in after.body

    def test_an_unchanged_file_says_so(self, editor_client):
        statement = self.published(editor_client)
        preview = upload(editor_client, ("night.muse", MUSE))
        (entry,) = preview.context["previews"]
        assert (entry.action, entry.statement_id, entry.changed) == ("unchanged", statement.pk, [])
        assert "Already in the archive, unchanged" in preview.content.decode()


def _words(count: int) -> str:
    """``count`` different made-up words: a text whose search vector passes 1 MB."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return " ".join(
        "".join(letters[(n // 26**k) % 26] for k in range(6)) + "x" * 6 for n in range(count)
    )


NUL_LATE = b"#title Late nul\n\n" + b"word " * 3000 + b"\x00 after"
TOO_MANY_WORDS = ("#title Every word\n\n" + _words(120_000)).encode()


@pytest.mark.django_db
def test_a_late_nul_byte_and_too_many_words_are_refused_per_file(editor_client):
    """A NUL byte after the first 8 KB, and a text whose search vector passes PostgreSQL's
    1 MB: each file is refused with its reason, the others go on (a 500 before)."""
    preview = upload(
        editor_client, ("nul.muse", NUL_LATE), ("words.muse", TOO_MANY_WORDS), ("good.muse", MUSE)
    )
    assert preview.status_code == 200
    errors = dict(preview.context["errors"])
    assert errors["nul.muse"] == "binary data, not text (a NUL byte at byte 15,017)"
    assert errors["words.muse"].startswith("too many different words for the search index")
    assert "split it into parts" in errors["words.muse"]
    assert [p.data.title for p in preview.context["previews"]] == ["Night shelter call"]


@pytest.mark.django_db(transaction=True)
def test_the_command_reports_them_and_imports_the_rest(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    (tmp_path / "nul.muse").write_bytes(NUL_LATE)
    (tmp_path / "words.muse").write_bytes(TOO_MANY_WORDS)
    (tmp_path / "good.muse").write_bytes(MUSE)
    out, err = io.StringIO(), io.StringIO()
    # Failures make a non-zero exit; the report is what matters.
    with contextlib.suppress(CommandError):
        call_command("import_statements", str(tmp_path), stdout=out, stderr=err)
    said = out.getvalue() + err.getvalue()
    assert "Traceback" not in said
    assert "NUL byte" in said and "too many different words" in said
    assert list(Statement.objects.values_list("title", flat=True)) == ["Night shelter call"]


ASSEMBLY = " ".join(f"The {w} assembly calls every neighbour to the square." for w in "abcdefghij")


@pytest.mark.django_db
def test_preview_says_what_a_text_looks_like_and_the_editor_chooses(
    editor_client, django_capture_on_commit_callbacks
):
    from tests.factories import make_statement

    with django_capture_on_commit_callbacks(execute=True):
        kept = make_statement("Square call", slug="square-call", body=ASSEMBLY, language="en")
    muse = f"#title Square call, mirrored\n#lang en\n#source https://mirror.example.org/call\n\n{ASSEMBLY}\n"
    preview = upload(editor_client, ("mirror.muse", muse.encode()))
    html = preview.content.decode()
    assert "It looks like" in html and f"/admin/statements/statement/{kept.pk}/change/" in html
    assert 'name="duplicates" value="skip"' in html
    done = editor_client.post(URL, {"token": preview.context["token"], "duplicates": "source"})
    assert "Not imported, recorded as another source of" in done.content.decode()
    assert Statement.objects.count() == 1
    assert kept.sources.filter(url="https://mirror.example.org/call").exists()
    # A choice that is not one is read as the default: imported as a new statement.
    again = upload(editor_client, ("mirror.muse", muse.encode()))
    editor_client.post(URL, {"token": again.context["token"], "duplicates": "everything"})
    assert Statement.objects.count() == 2
