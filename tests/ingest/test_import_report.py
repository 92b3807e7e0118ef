"""What an import says (issue 32, findings 26 and 36): a file of any name is read by what it
holds, every file left aside is named with why, and every warning reaches the command's
output, the admin's preview and the import's job page, by file and line."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from statements.ingest.files import import_files
from statements.ingest.services import statement_import
from statements.ingest.tasks import import_upload
from statements.models import Job, Statement

URL = "/admin/statements/statement/import/"
PAGE = (
    b"<!doctype html><html lang=en><head><title>Halloween action</title></head><body>"
    b"<article><h1>Halloween action</h1><p>Masks on, we meet at the square at nine.</p>"
    b"</article></body></html>"
)
CUT = b"#title \xd0\xa2\xd0\xb5\xd1\x81\xd1\x82\n#lang mk\n\n\xd0\xa2\xd0"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "halloween.php").write_bytes(PAGE)
    (tmp_path / "style.css").write_text("body { color: red }\n")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "cut.muse").write_bytes(CUT)
    return tmp_path


def test_a_folder_gives_every_file_and_its_content_decides(folder):
    names = sorted(name.rsplit("/", 1)[-1] for name, _raw in import_files([str(folder)]))
    assert names == ["cut.muse", "halloween.php", "logo.png", "style.css"]


@pytest.mark.django_db(transaction=True)
def test_the_command_imports_html_of_any_name_and_names_what_it_leaves(folder):
    out = io.StringIO()
    call_command("import_statements", str(folder), stdout=out, stderr=io.StringIO())
    said = out.getvalue()
    assert Statement.objects.filter(title="Halloween action").exists()
    assert f"not read: {folder / 'style.css'}: plain text, not HTML, Muse or JSON Lines" in said
    assert f"not read: {folder / 'logo.png'}: binary data, not text: a .png file" in said
    assert f"warning: {folder / 'cut.muse'}: line 4: the file ends in the middle" in said
    assert f"warning: {folder / 'halloween.php'}: read as HTML by its content" in said
    assert "2 created, 0 updated, 0 unchanged, 0 failed, 2 not read, 2 warnings" in said


@pytest.mark.django_db
def test_the_admin_preview_and_the_job_page_list_warnings_and_files_not_read(editor_client):
    files = [("halloween.php", PAGE), ("style.css", b"body {}\n"), ("cut.muse", CUT)]
    preview = editor_client.post(
        URL, {"files": [SimpleUploadedFile(name, raw) for name, raw in files]}
    )
    page = preview.content.decode()
    assert "halloween.php: read as HTML by its content" in page
    assert "cut.muse: line 4: the file ends in the middle of a character" in page
    assert "style.css: plain text, not HTML, Muse or JSON Lines" in page
    assert "These files cannot be imported" not in page  # nothing failed
    token = preview.context["token"]
    job = Job.objects.create(key=f"import:{token}", kind=Job.IMPORT)
    import_upload(job, seconds=60)
    shown = editor_client.get(f"{URL}job/{job.pk}/").content.decode()
    assert "cut.muse: line 4: the file ends in the middle of a character" in shown
    assert "style.css: plain text, not HTML, Muse or JSON Lines" in shown
    assert Statement.objects.count() == 2


@pytest.mark.django_db
def test_a_known_extension_that_is_binary_is_still_a_failure():
    report = statement_import(files=[("picture.txt", b"\x00\x01binary")])
    assert report.failed and not report.ignored
