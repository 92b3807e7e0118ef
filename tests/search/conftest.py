import os

import pytest
from django.db import connection


@pytest.fixture
def rum_server(db):
    """A PostgreSQL with the rum extension (Debian's postgresql-15-rum, which `make test`
    installs for a local server): skipped where there is none (the embedded one never has
    it), a failure in CI on its own server."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            message = "this PostgreSQL has no rum extension (the embedded one never has)"
            if os.environ.get("CI") and not os.environ.get("ARCHIVE_EMBEDDED_DATABASE"):
                pytest.fail(f"{message}: `make test` should have installed it")
            pytest.skip(message)
