"""The phrase index built after a large load (catalog.phrase_index), not row by row."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from statements.catalog import phrase_index
from statements.catalog.phrase_index import (
    phrase_index_build,
    phrase_index_deferred,
    phrase_index_state,
)
from tests.factories import make_statement
from tests.search.test_search import search

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _rum(rum_server):
    """Every test here needs rum (tests/search/conftest.py)."""


def test_a_large_load_drops_the_index_and_builds_it_after(client, monkeypatch):
    monkeypatch.setattr(phrase_index, "REBUILD_AT_LEAST", 3)
    make_statement("Before", body="the night shelter closes")
    assert phrase_index_state() == "valid"
    with phrase_index_deferred(rows=5) as deferred:
        assert deferred
        assert phrase_index_state() == "missing"
        make_statement("During", body="the night shelter opens")
        # Phrases are matched meanwhile, through the GIN index.
        assert sorted(search(client, '"night shelter"')) == ["Before", "During"]
    assert phrase_index_state() == "valid"
    assert sorted(search(client, '"night shelter"')) == ["Before", "During"]


def test_a_small_load_keeps_the_index_row_by_row(monkeypatch):
    monkeypatch.setattr(phrase_index, "REBUILD_AT_LEAST", 3)
    for number in range(40):
        make_statement(f"Statement {number}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE statements_statement")
    with phrase_index_deferred(rows=3) as deferred:  # under a tenth of the archive
        assert not deferred and phrase_index_state() == "valid"
    with phrase_index_deferred(rows=2) as deferred:  # under the least
        assert not deferred


def test_a_load_stopped_half_way_leaves_the_index_to_the_command(monkeypatch):
    monkeypatch.setattr(phrase_index, "REBUILD_AT_LEAST", 1)
    monkeypatch.setattr(phrase_index, "phrase_index_build", lambda: False)  # killed
    with pytest.raises(RuntimeError), phrase_index_deferred(rows=10):
        raise RuntimeError("the process dies")
    assert phrase_index_state() == "missing"
    out = io.StringIO()
    monkeypatch.undo()
    call_command("phrase_index", stdout=out)
    assert "was built" in out.getvalue() and phrase_index_state() == "valid"
    call_command("phrase_index", stdout=out)
    assert "in place" in out.getvalue()
    assert not phrase_index_build()


def test_inside_a_transaction_nothing_is_dropped(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(phrase_index, "REBUILD_AT_LEAST", 1)
    with transaction.atomic(), phrase_index_deferred(rows=10) as deferred:
        assert not deferred and phrase_index_state() == "valid"
