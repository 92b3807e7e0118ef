"""The layout holds: one package per concern, modules of a readable size, no package reaching
into another's private names, no import making a circle (imports inside functions included),
every module under an import contract, and tests/ mirroring the packages. (The direction of
imports is import-linter's, in `make lint`.)"""

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "statements"
PACKAGES = ["core", "catalog", "search", "ingest", "editions", "sources", "interop", "admin"]
# The project's packages whose modules the contracts and the cycle check cover.
CODE = ("archive", "infra", "statements")
MAX_LINES = 450


def _modules() -> list[Path]:
    return sorted(
        p for package in CODE for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts
    )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


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
        mirrored = list((ROOT / "tests" / name).glob("test_*.py"))
        assert mirrored or (ROOT / "tests" / f"test_{name}.py").is_file(), f"no tests of {name}"


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Which of ``modules`` each imports, at the top or inside a function: ``a.b.c`` imports
    the longest module name it names (``from a.b import c`` names ``a.b.c``, else ``a.b``)."""

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                found = known(target)
                # A package's __init__ is not imported by its own modules' names.
                if found and found != name and not name.startswith(found + "."):
                    graph[name].add(found)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def _packages_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same imports between packages: statements.catalog, statements.cache, infra."""

    def package(name: str) -> str:
        parts = name.split(".")
        return ".".join(parts[:2]) if parts[0] == "statements" else parts[0]

    packages: dict[str, set[str]] = {}
    for name, targets in graph.items():
        here = package(name)
        packages.setdefault(here, set()).update(package(t) for t in targets if package(t) != here)
    return packages


def test_no_import_makes_a_circle_between_modules():
    graph = _imports({_module_name(path): path for path in _modules()})
    assert _circles(graph) == []


def test_no_import_makes_a_circle_between_packages():
    graph = _imports({_module_name(path): path for path in _modules()})
    assert _circles(_packages_graph(graph)) == []


def test_the_circle_check_can_fail(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg.b import thing\n")
    # An import inside a function closes the circle as surely as one at the top.
    (tmp_path / "pkg" / "b.py").write_text("def thing():\n    from pkg import a\n")
    (tmp_path / "pkg" / "c.py").write_text("from . import a\n")
    modules = {
        "pkg": tmp_path / "pkg" / "__init__.py",
        **{f"pkg.{n}": tmp_path / "pkg" / f"{n}.py" for n in "abc"},
    }
    graph = _imports(modules)
    assert graph["pkg.c"] == {"pkg.a"}
    assert _circles(graph) == [["pkg.a", "pkg.b"]]
    assert _circles(
        _packages_graph(
            {"statements.x.a": {"statements.y.b"}, "statements.y.b": {"statements.x.c"}}
        )
    ) == [["statements.x", "statements.y"]]


def _contract_layers() -> list[str]:
    """Every module name a layers contract of pyproject.toml names, containers applied."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    named = []
    for contract in config["tool"]["importlinter"]["contracts"]:
        assert contract["type"] == "layers", contract["name"]
        containers = contract.get("containers", [""])
        for layer in contract["layers"]:
            for tail in layer.replace(":", "|").split("|"):
                named += [".".join(filter(None, [c, tail.strip()])) for c in containers]
    return named


def test_every_module_is_in_a_layer_of_each_package_contract():
    layers = _contract_layers()
    for package in CODE:
        inner = [name for name in layers if name.startswith(package + ".")]
        assert inner, f"no contract orders the modules of {package}/"
        for path in _modules():
            name = _module_name(path)
            if name.startswith(package + "."):
                assert any(name == n or name.startswith(n + ".") for n in inner), name
