"""The package's layout holds: dependencies point one way between stages, and no import cycles.

The stages, in the order data flows through them (ARCHITECTURE.md):

    inputs <- analysis <- outputs <- documents <- delivery <- cli

A module may import its own stage, an earlier one, and the foundation (``reportgen`` itself,
``reportgen.errors``, ``reportgen.i18n``), which imports no stage. ``reportgen.sample`` (the demo
dataset and ``init``'s example folder) may import the inputs and outputs stages, and only the
command line imports it. Every import counts, also one inside a function or under
``TYPE_CHECKING``: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"

#: The stages in order; a stage may import those before it.
STAGES = ("inputs", "analysis", "outputs", "documents", "delivery", "cli")
#: Modules every stage may import; they import no stage.
FOUNDATION = frozenset({"reportgen", "reportgen.errors", "reportgen.i18n"})
#: Stages outside the chain, with what they may import and who may import them.
SIDE_STAGES = {"sample": ({"inputs", "outputs"}, {"cli"})}
#: ``python -m reportgen`` runs the command line.
ENTRY = {"reportgen.__main__": {"cli"}}


def module_names(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file of the package at ``root``."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imports(root: Path) -> dict[str, set[str]]:
    """Module → the package modules it imports (anywhere in its body), resolved to modules."""
    names = module_names(root)
    top = root.name
    graph: dict[str, set[str]] = {}
    for module, path in names.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = _package_of(module, path).split(".")
                    anchor = package[: len(package) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    # ``from reportgen.inputs import columnar`` imports the module itself.
                    submodule = f"{base}.{alias.name}"
                    found.add(submodule if submodule in names else base)
        graph[module] = {_closest(name, names) for name in found
                         if name == top or name.startswith(top + ".")} - {module}
    return graph


def _closest(name: str, names: Mapping[str, Path]) -> str:
    """The package module an import names (``a.b.c`` where only ``a.b`` is a module → ``a.b``)."""
    while name not in names and "." in name:
        name = name.rpartition(".")[0]
    return name


def stage_of(module: str) -> str:
    """The stage a module belongs to: a stage name, ``foundation`` or ``entry``."""
    if module in FOUNDATION:
        return "foundation"
    if module in ENTRY:
        return "entry"
    parts = module.split(".")
    if len(parts) >= 2 and (parts[1] in STAGES or parts[1] in SIDE_STAGES):
        return parts[1]
    return "unplaced"


def allowed(importer: str, imported: str) -> bool:
    """Whether ``importer`` may import ``imported`` under the layout's rules."""
    source, target = stage_of(importer), stage_of(imported)
    if target == "foundation":
        return True
    if source == "foundation" or "unplaced" in (source, target) or target == "entry":
        return False
    if source == "entry":
        return target in ENTRY[importer]
    if source == target:
        return True
    if source in SIDE_STAGES:
        return target in SIDE_STAGES[source][0]
    if target in SIDE_STAGES:
        return source in SIDE_STAGES[target][1]
    return STAGES.index(target) < STAGES.index(source)


def wrong_way(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Every import against the layout, as ``importer -> imported (stage -> stage)``."""
    return [f"{a} -> {b} ({stage_of(a)} -> {stage_of(b)})"
            for a in sorted(graph) for b in sorted(graph[a]) if not allowed(a, b)]


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The groups of modules that import each other in a loop (Tarjan's strongly connected sets)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_every_module_belongs_to_a_stage():
    unplaced = [m for m in imports(PACKAGE) if stage_of(m) == "unplaced"]
    assert unplaced == [], "put these modules in a stage folder (or the foundation list)"


def test_dependencies_point_one_way():
    assert wrong_way(imports(PACKAGE)) == []


def test_no_import_cycles():
    assert cycles(imports(PACKAGE)) == []


# The checks themselves must be able to fail: a small package with the faults they look for.

def _write_package(root: Path, files: Mapping[str, str]) -> Path:
    package = root / "reportgen"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return package


@pytest.fixture
def faulty(tmp_path: Path) -> dict[str, set[str]]:
    return imports(_write_package(tmp_path, {
        "errors.py": "",
        "inputs/load.py": "from reportgen.errors import DataError\n",
        # an earlier stage reaching into a later one, lazily, inside a function
        "inputs/schema.py": "def f():\n    from reportgen.documents import pack\n",
        "documents/pack.py": "from ..inputs import load\nfrom . import charts\n",
        "documents/charts.py": "import reportgen.documents.pack\n",
        "sample/dataset.py": "from reportgen.analysis.tiers import x\n",
        "analysis/tiers.py": "from reportgen.sample import dataset\n",
        "helpers.py": "",
    }))


def test_the_import_reader_resolves_relative_lazy_and_module_imports(faulty):
    assert faulty["reportgen.inputs.schema"] == {"reportgen.documents.pack"}
    assert faulty["reportgen.documents.pack"] == {"reportgen.inputs.load",
                                                  "reportgen.documents.charts"}
    assert faulty["reportgen.documents.charts"] == {"reportgen.documents.pack"}


def test_a_wrong_way_import_is_named(faulty):
    assert wrong_way(faulty) == [
        "reportgen.analysis.tiers -> reportgen.sample.dataset (analysis -> sample)",
        "reportgen.inputs.schema -> reportgen.documents.pack (inputs -> documents)",
        "reportgen.sample.dataset -> reportgen.analysis.tiers (sample -> analysis)",
    ]


def test_a_cycle_is_named(faulty):
    assert cycles(faulty) == [
        ["reportgen.analysis.tiers", "reportgen.sample.dataset"],
        ["reportgen.documents.charts", "reportgen.documents.pack"],
    ]


def test_a_module_outside_the_stages_is_found(faulty):
    assert [m for m in faulty if stage_of(m) == "unplaced"] == ["reportgen.helpers"]
