"""The operators' guide documents every environment variable the settings read, and none
they do not; each is named as its setting; the README stays short."""

import ast
import re
from pathlib import Path

from django.conf import settings

from archive.environment import variables_read

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "operators" / "environment.md"


def _documented(text: str) -> set[str]:
    """The variables in the first column of the guide's tables."""
    names = set()
    for line in text.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def _gunicorn_reads() -> set[str]:
    """What archive/gunicorn.py reads with os.environ.get or os.environ[...]."""
    tree = ast.parse((ROOT / "archive" / "gunicorn.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "os.environ.get":
            names.add(node.args[0].value)
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(node.slice.value)
    return names


def test_every_variable_read_is_documented_and_none_other():
    read = variables_read() | _gunicorn_reads()
    documented = _documented(GUIDE.read_text(encoding="utf-8"))
    assert read - documented == set(), "read by the settings but not in the guide"
    assert documented - read == set(), "in the guide but read by nothing"


def test_the_documentation_check_can_fail():
    table = "| variable | default |\n|---|---|\n| `DEBUG` | `0` |\n| `A_B`, `C` | x `NOT_THIS` |\n"
    assert _documented(table) == {"DEBUG", "A_B", "C"}
    assert {"DEBUG", "SECRET_KEY", "CELERY_BROKER_URL"} <= variables_read()
    assert {"GUNICORN_WORKERS", "PROMETHEUS_MULTIPROC_DIR"} <= _gunicorn_reads()


def test_each_variable_is_named_as_its_setting():
    assert {name for name in variables_read() if not hasattr(settings, name)} == set()


def test_the_readme_is_short_and_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 60
    assert "    make run\n" in readme and "    make test\n" in readme
