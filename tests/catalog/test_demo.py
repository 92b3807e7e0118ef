import pytest
from django.core.management import call_command

from statements.catalog.demo import DEMO_NOTE, demo_load
from statements.models import Author, Statement
from tests.factories import make_statement


@pytest.mark.django_db
def test_demo_loads_once_and_is_idempotent():
    first = demo_load()
    assert first == Statement.objects.count() >= 5
    authors = Author.objects.count()
    assert demo_load() == 0
    assert Statement.objects.count() == first
    assert Author.objects.count() == authors


@pytest.mark.django_db
def test_demo_never_touches_an_archive_with_statements():
    make_statement("Real statement")
    assert demo_load() == 0
    assert list(Statement.objects.values_list("title", flat=True)) == ["Real statement"]


@pytest.mark.django_db
def test_demo_covers_what_an_editor_needs_to_see(client):
    demo_load()
    statements = list(Statement.objects.all())
    assert all(s.editorial_notes == DEMO_NOTE for s in statements)
    assert all("demo" in s.tags.names() for s in statements)
    precisions = {s.date_precision for s in statements}
    assert {"year", "month", "day"} <= precisions
    assert max(s.sources.count() for s in statements) >= 3
    assert max(s.authorships.filter(role="signatory").count() for s in statements) >= 20
    draft = Statement.objects.get(status="draft")
    scheduled = Statement.objects.filter(status="published").exclude(
        pk__in=Statement.objects.published()
    )
    assert scheduled.count() == 1
    # Neither the draft nor the scheduled statement is visible to the public.
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get().get_absolute_url()).status_code == 404
    home = client.get("/").content.decode()
    assert draft.title not in home
    assert scheduled.get().title not in home


@pytest.mark.django_db
def test_load_demo_command_reports(capsys):
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "Loaded" in out
    assert "demo not loaded" in out
