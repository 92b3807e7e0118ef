"""The layout of statements/ holds: one package per concern, modules of a readable size, no
package reaching into another's private names, and tests/ mirroring the packages. (The
direction of imports between packages is import-linter's, in `make lint`.)"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "statements"
PACKAGES = ["core", "catalog", "search", "ingest", "interop"]
MAX_LINES = 450


def _modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def _package_of(module: str) -> str:
    """ "statements.catalog.views" -> "statements.catalog"; top-level modules are their own."""
    return ".".join(module.split(".")[:2])


def test_every_concern_is_a_package():
    for name in PACKAGES:
        assert (APP / name / "__init__.py").is_file(), name


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_450_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by concern"


def _private_imports_across_packages(source: str, here: str) -> list[str]:
    """The private names module ``here`` imports from another package of statements/."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("statements."):
            if _package_of(node.module) == _package_of(here):
                continue
            found += [
                f"{here} imports {node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_")
            ]
    return found


def test_no_package_imports_another_packages_private_names():
    found = []
    for path in _modules():
        here = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found += _private_imports_across_packages(path.read_text(encoding="utf-8"), here)
    assert found == []


def test_the_private_import_check_can_fail():
    source = "from statements.ingest.services import _ImportedFileLater, statement_import\n"
    assert _private_imports_across_packages(source, "statements.catalog.views") == [
        "statements.catalog.views imports statements.ingest.services._ImportedFileLater"
    ]
    assert _private_imports_across_packages(source, "statements.ingest.uploads") == []


def test_tests_mirror_the_packages():
    for name in PACKAGES:
        assert list((ROOT / "tests" / name).glob("test_*.py")), f"tests/{name}/ has no tests"
