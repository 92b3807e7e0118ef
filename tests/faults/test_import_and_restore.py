"""The database killed in the middle of an import: every file is in whole or not at all, and
running the import again finishes it. A backup (pg_dump) restored into an empty database
gives the same archive, to the byte of its JSON Lines export."""

import subprocess
import sys
import time

import psycopg
import pytest

from tests.faults.servers import Database, environment, manage
from tests.plugin import ROOT

pytestmark = pytest.mark.slow

FILES = 300


def write_files(folder) -> None:
    paragraph = "The assembly met and agreed, after a long evening, to share what it had. " * 30
    for number in range(FILES):
        body = "\n\n".join(f"{paragraph} (part {part})" for part in range(12))
        (folder / f"call-{number:03d}.md").write_text(
            f"# Call number {number}\n\n{body}\n\nEnd of call {number}.\n"
        )


def statements(url: str) -> list[tuple[str, str, int]]:
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT s.title, s.body, (SELECT count(*) FROM statements_importedfile f"
            " WHERE f.id = s.imported_from_id) FROM statements_statement s ORDER BY s.title"
        ).fetchall()


@pytest.fixture(scope="module")
def server():
    database = Database("import")
    yield database
    database.discard()


def test_an_import_cut_by_the_database_dying_is_finished_by_running_it_again(server, tmp_path):
    url = server.database("cut")
    env = environment(url)
    manage("migrate", "--verbosity", "0", env=env)
    write_files(tmp_path)
    command = [sys.executable, "manage.py", "import_statements", str(tmp_path), "--writers", "2"]
    importing = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while len(statements(url)) < FILES // 4:
        assert importing.poll() is None, importing.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    server.stop("immediate")  # as a crash: no shutdown checkpoint, connections cut
    importing.communicate(timeout=120)
    assert importing.returncode != 0  # it says it did not finish
    server.start()
    done = statements(url)
    assert FILES // 4 <= len(done) < FILES, len(done)
    for title, body, files in done:  # each one whole, with the file it came from
        number = title.rsplit(" ", 1)[1]
        assert body.rstrip().endswith(f"End of call {number}."), title
        assert body.count("(part ") == 12 and files == 1, title
    again = manage(*command[2:], env=env)
    assert f"{FILES - len(done)} created, 0 updated, {len(done)} unchanged, 0 failed" in again
    assert len(statements(url)) == FILES


def test_a_backup_restored_gives_the_same_archive(server, tmp_path):
    url = server.database("kept")
    env = environment(url)
    manage("migrate", "--verbosity", "0", env=env)
    manage("load_demo", env=env)
    corpus = ROOT.parent / "shared" / "corpus" / "muse" / "abiblio-mk_ajdutin"
    if corpus.is_dir():
        manage("import_statements", str(corpus), "--status", "published", env=env)
    manage("export_statements", str(tmp_path / "before.jsonl"), env=env)
    server.tool("pg_dump", "--format=custom", f"--file={tmp_path / 'archive.dump'}", url)
    server.drop(url)
    restored = server.database("kept")
    server.tool("pg_restore", "--no-owner", f"--dbname={restored}", str(tmp_path / "archive.dump"))
    manage("export_statements", str(tmp_path / "after.jsonl"), env=environment(restored))
    before = (tmp_path / "before.jsonl").read_bytes()
    assert before.count(b"\n") >= 5
    assert (tmp_path / "after.jsonl").read_bytes() == before
