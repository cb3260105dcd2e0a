"""The house is one-way: every import, function-level ones included, points down.

The layers are read from the code itself (every ``import`` and ``from ... import``
anywhere in a module, not only at the top), so a back-edge cannot come back
unnoticed. A module may import modules of its own layer or of lower ones; the
whole graph must also be free of cycles.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

# The source tree, not the installed package: an installed wheel has no .pyx files.
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fraudnum"

# Lowest first. A module not named here belongs to the layer of its nearest
# named parent package (``fraudnum.numbers.parse`` -> ``fraudnum.numbers``).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("fraudnum.types", "fraudnum._cache"),
    # _files: reading and writing data files (Parquet, CSV, JSON Lines) with a progress
    # bar; it knows nothing of verdicts, so the store's CLI can use it too.
    ("fraudnum._tables", "fraudnum._files"),
    ("fraudnum.texts", "fraudnum.folding"),
    (
        "fraudnum._trie",
        "fraudnum._canon",
        "fraudnum._automaton",
        "fraudnum._smsrows",
        "fraudnum._pytrie",
        "fraudnum._pyautomaton",
        "fraudnum._pysmsrows",
        "fraudnum._core",
    ),
    ("fraudnum.numbers", "fraudnum.sms", "fraudnum.advice"),
    ("fraudnum.tags",),
    ("fraudnum.classifier",),
    ("fraudnum.arrow",),
    # Call patterns judge the callers with the classifier; reports may one day cite them.
    ("fraudnum.calls",),
    # Spark runs the Arrow verdict columns and the call-pattern kernel on a cluster.
    ("fraudnum.spark",),
    ("fraudnum.report", "fraudnum.evaluation"),
    ("fraudnum.strategies", "fraudnum._hypothesis_plugin"),
    ("fraudnum.cli",),
    # The facade and the old paths kept as re-exports for a release: nothing in
    # the package may import them.
    (
        "fraudnum",
        "fraudnum.__main__",
        "fraudnum.model",
        "fraudnum.engine",
        "fraudnum.tables",
        "fraudnum.batch",
        "fraudnum.phrases",
        "fraudnum.links",
    ),
)
# The command line is the one module that may use the public facade itself.
FACADE_USERS = frozenset({"fraudnum.cli", "fraudnum.__main__"})


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".pyx") and "__pycache__" not in path.parts:
            found[_module_name(path)] = path
        elif path.suffix == ".pyi" and _module_name(path) not in found:
            found[_module_name(path)] = path  # a compiled module, known by its stub
    return found


def _imports(path: Path, name: str) -> set[str]:
    """Every fraudnum module ``path`` imports, wherever the import stands."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".pyx":
        # Cython: read the Python-shaped import lines only.
        lines = [ln for ln in text.splitlines() if ln.lstrip().startswith(("import ", "from "))]
        text = "\n".join(ln.strip().replace(" cimport ", " import ") for ln in lines)
    tree = ast.parse(text)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    known = _modules()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            for a in node.names:
                # "from fraudnum import _trie" names a module, not the package's attribute.
                sub = f"{base}.{a.name}"
                out.add(sub if sub in known else base)
    return {m for m in out if m in known and m != name}


def _layer(name: str) -> int:
    probe = name
    while True:
        for i, layer in enumerate(LAYERS):
            if probe in layer:
                return i
        if "." not in probe:
            raise AssertionError(f"{name} is in no layer: add it to LAYERS")
        probe = probe.rpartition(".")[0]


GRAPH = {name: _imports(path, name) for name, path in _modules().items()}


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_imports_point_down(name: str) -> None:
    """No module imports one of a higher layer (or the facade, but for the CLI)."""
    own = _layer(name)
    up = sorted(m for m in GRAPH[name] if _layer(m) > own)
    if name in FACADE_USERS:
        up = [m for m in up if m != "fraudnum"]
    assert up == [], f"{name} (layer {own}) imports from above: {up}"


def test_no_import_cycles() -> None:
    """The import graph, function-level imports included, has no cycle."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH[node]):
            if nxt.startswith(node + "."):
                continue  # a package's __init__ re-exporting its own modules
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(GRAPH):
        if node not in state:
            visit(node)


def test_the_rule_would_catch_a_back_edge(tmp_path: Path) -> None:
    """The reader sees a function-level import, the kind that closed the old circle."""
    module = tmp_path / "x.py"
    module.write_text("def f():\n    from fraudnum.classifier import Classifier\n")
    assert "fraudnum.classifier" in _imports(module, "fraudnum.types")


@pytest.mark.parametrize(
    ("old", "name", "new"),
    [
        ("fraudnum.model", "Verdict", "fraudnum.types"),
        ("fraudnum.engine", "Classifier", "fraudnum.classifier"),
        ("fraudnum.tables", "PrefixRule", "fraudnum.numbers.plan"),
        ("fraudnum.tables", "TableError", "fraudnum._tables"),
        ("fraudnum.batch", "VerdictBatch", "fraudnum.numbers.batch"),
        ("fraudnum.phrases", "Phrase", "fraudnum.sms.tables"),
        ("fraudnum.links", "extract_urls", "fraudnum.sms.links"),
    ],
)
def test_old_module_paths_still_import(old: str, name: str, new: str) -> None:
    """The paths of 0.1 keep working for a release, as the very objects of the new ones."""
    import importlib

    assert getattr(importlib.import_module(old), name) is getattr(
        importlib.import_module(new), name
    )


def test_remember_bounds_a_cache() -> None:
    """The one bounded-cache idiom never holds more than its limit and returns the value."""
    from fraudnum._cache import remember

    cache: dict[int, int] = {}
    for i in range(10):
        assert remember(cache, i, i * i, 4) == i * i
        assert len(cache) <= 4
        assert cache[i] == i * i
