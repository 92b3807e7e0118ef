import os

import psycopg
import pytest

from archive.devdb import embedded_database_url, embedded_server_stop
from tests.plugin import ROOT


@pytest.fixture
def empty_folder():
    folder = ROOT / f".pgtest-{os.getpid()}-fresh"
    assert not folder.exists()
    yield folder
    embedded_server_stop(folder)


def test_embedded_database_starts_from_an_empty_folder(empty_folder):
    url = embedded_database_url(empty_folder, throwaway=True)
    assert (empty_folder / "PG_VERSION").read_text().strip() == "18"
    import dj_database_url

    params = dj_database_url.parse(url)
    with psycopg.connect(
        host=params["HOST"], port=params["PORT"], user=params["USER"], dbname=params["NAME"]
    ) as conn:
        conn.execute("CREATE EXTENSION pg_trgm")
        conn.execute("CREATE EXTENSION unaccent")
        assert conn.execute("SELECT unaccent('résumé')").fetchone() == ("resume",)
        assert conn.execute("SELECT similarity('archive', 'archives') > 0.5").fetchone() == (True,)
    embedded_server_stop(empty_folder)
    assert not empty_folder.exists()
