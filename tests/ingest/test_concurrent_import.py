"""Imports written by several connections at once (import_statements --writers): files that
create the same new authors and tags at the same moment all come in, each whole, once, in
a report that keeps the files' order; a second run changes nothing. And the command's
progress bar."""

import io
import json

import pytest
from django.core.management import call_command

from statements.ingest.services import statement_import
from statements.models import Author, Statement, Tag


def jsonl_file(number: int, lines: int = 15) -> tuple[str, bytes]:
    rows = []
    for line in range(lines):
        rows.append(
            {
                "slug": f"call-{number}-{line}",
                "title": f"Call {number}.{line}",
                "body": f"The assembly of the towers calls, number {number}.{line}.\n",
                "status": "published",
                "published_at": "2025-01-01T00:00:00Z",
                # Every file names the same new collectives and tags: each import meets the
                # others' uncommitted rows.
                "authors": [
                    {"name": f"Towers Assembly {line % 4}", "kind": "collective"},
                    {"name": "Shared Signatory", "kind": "person", "role": "signatory"},
                ],
                "tags": [f"housing {line % 3}", "rent strike"],
                "issued": "2025-03",
            }
        )
    text = "".join(json.dumps(row) + "\n" for row in rows)
    return f"part-{number:02d}.jsonl", text.encode()


@pytest.mark.django_db(transaction=True)
def test_files_written_at_once_all_come_in_whole_and_in_order():
    files = [jsonl_file(number) for number in range(12)]
    files.insert(5, ("broken.jsonl", b'{"title": "Fine"}\n{not json\n'))
    report = statement_import(files=files, writers=3)
    [(name, reason)] = report.failed
    assert name == "broken.jsonl" and reason.startswith("line 2: not valid JSON")
    expected = [
        f"part-{n:02d}.jsonl:{line + 1} → call-{n}-{line}" for n in range(12) for line in range(15)
    ]
    assert report.created == expected  # every file, in the files' order
    assert Statement.objects.count() == 180
    assert sorted(Author.objects.values_list("name", flat=True)) == [
        "Shared Signatory",
        *(f"Towers Assembly {n}" for n in range(4)),
    ]
    assert Tag.objects.count() == 4
    assert Statement.objects.filter(title="Fine").count() == 0  # the broken file: nothing
    statement = Statement.objects.get(slug="call-7-5")
    assert [a.author.name for a in statement.authorships.order_by("role")] == [
        "Towers Assembly 1",
        "Shared Signatory",
    ]
    again = statement_import(files=files, writers=3)
    assert len(again.unchanged) == 180 and not again.created and not again.updated


@pytest.mark.django_db(transaction=True)
def test_one_writer_and_three_writers_give_the_same_archive():
    from statements.ingest.formats.jsonl import jsonl_lines

    files = [jsonl_file(number, lines=5) for number in range(6)]
    statement_import(files=files, writers=3)
    queryset = Statement.objects.order_by("slug").prefetch_related(
        "authorships__author", "sources", "tags"
    )
    concurrent = list(jsonl_lines(queryset))
    Statement.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    statement_import(files=files, writers=1)
    assert list(jsonl_lines(queryset.all())) == concurrent


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "terminal", "bar"), [(5, True, True), (2, True, False), (5, False, False)]
)
def test_a_progress_bar_on_a_terminal_for_more_than_a_few_files(tmp_path, files, terminal, bar):
    for number in range(files):
        (tmp_path / f"call-{number}.muse").write_text(f"#title Call {number}\n\nText.\n")
    stderr = _Terminal() if terminal else io.StringIO()
    call_command("import_statements", str(tmp_path), stdout=io.StringIO(), stderr=stderr)
    assert (f"/{files} [" in stderr.getvalue()) == bar  # "0/5 [00:00<?, ?file/s]"
    assert Statement.objects.count() == files
