"""Each compiled structure and its pure-Python twin expose the same API.

The twins stand in for the compiled classes (``FRAUDNUM_IMPLEMENTATION=python``
or a machine without a compiler), so every public name of the compiled class's
stub must exist on the twin with the same parameters; results are held equal by
the differential tests of each structure.
"""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fraudnum import _automaton, _pyautomaton, _pysmsrows, _pytrie, _smsrows, _trie

SRC = Path(_pytrie.__file__).resolve().parent
PAIRS = [
    ("_trie.pyi", "DigitTrie", _trie.DigitTrie, _pytrie.DigitTrie),
    (
        "_automaton.pyi",
        "KeywordAutomaton",
        _automaton.KeywordAutomaton,
        _pyautomaton.KeywordAutomaton,
    ),
    ("_smsrows.pyi", "RowFilter", _smsrows.RowFilter, _pysmsrows.RowFilter),
    ("_smsrows.pyi", "NearRules", _smsrows.NearRules, _pysmsrows.NearRules),
    ("_smsrows.pyi", "TagRules", _smsrows.TagRules, _pysmsrows.TagRules),
]


def _stub_members(stub: str, cls: str) -> dict[str, list[str] | None]:
    """Public members of a stub class: method -> parameter names (None for properties)."""
    tree = ast.parse((SRC / stub).read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    out: dict[str, list[str] | None] = {}
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and (
            not item.name.startswith("_") or item.name in ("__init__", "__len__", "__reduce__")
        ):
            is_property = any(
                isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list
            )
            args = [a.arg for a in item.args.args[1:]]
            out[item.name] = None if is_property else args
    return out


@pytest.mark.parametrize(("stub", "cls", "compiled", "twin"), PAIRS)
def test_twin_has_every_member_of_the_stub(stub, cls, compiled, twin):
    """Names and parameters of the twin match the compiled class's stub."""
    members = _stub_members(stub, cls)
    assert members, "the stub lists no members"
    for name, params in members.items():
        assert hasattr(compiled, name), f"compiled {cls} lacks {name}"
        assert hasattr(twin, name), f"twin {cls} lacks {name}"
        if params is None:
            assert isinstance(inspect.getattr_static(twin, name), property), name
        else:
            sig = inspect.signature(getattr(twin, name))
            assert [p for p in sig.parameters if p != "self"] == params, name


def test_both_tries_report_their_memory():
    """``nbytes`` exists on both tries and grows with the entries."""
    for impl in (_trie.DigitTrie, _pytrie.DigitTrie):
        small = impl([("1", 1, 11, 0)])
        big = impl([(f"1{i:03d}", 4, 11, i) for i in range(500)])
        assert 0 < small.nbytes < big.nbytes


def test_the_tries_share_one_validation():
    """A bad entry gets the same error from both (the compiled trie uses the twin's checks)."""
    bad = [("13a", 3, 11, 0)]
    messages = []
    for impl in (_trie.DigitTrie, _pytrie.DigitTrie):
        with pytest.raises(ValueError, match="ASCII digits") as info:
            impl(bad)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize(
    ("setting", "expected"), [("python", "python"), ("compiled", "compiled"), ("auto", "compiled")]
)
def test_implementation_switch(setting, expected):
    """FRAUDNUM_IMPLEMENTATION picks the core; a wrong value is a clear error."""
    env = {**os.environ, "FRAUDNUM_IMPLEMENTATION": setting}
    env.pop("FRAUDNUM_NO_EXTENSIONS", None)
    code = (
        "import fraudnum._core as c, fraudnum;"
        " print(c.IMPLEMENTATION, fraudnum.classify('95588').risk)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [expected, "trusted"]


def test_implementation_switch_rejects_unknown_values():
    """A typo in FRAUDNUM_IMPLEMENTATION names the valid values."""
    env = {**os.environ, "FRAUDNUM_IMPLEMENTATION": "cython"}
    env.pop("FRAUDNUM_NO_EXTENSIONS", None)
    out = subprocess.run(
        [sys.executable, "-c", "import fraudnum"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "auto, compiled, python" in out.stderr


def test_auto_falls_back_to_the_twins_with_one_warning(tmp_path):
    """Without the compiled modules, auto uses the twins and warns once."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class _NoCompiled:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name in ('fraudnum._trie', 'fraudnum._canon', 'fraudnum._automaton',\n"
        "                    'fraudnum._smsrows'):\n"
        "            raise ImportError('blocked for the test: ' + name)\n"
        "        return None\n"
        "sys.meta_path.insert(0, _NoCompiled())\n"
    )
    env = {**os.environ, "FRAUDNUM_IMPLEMENTATION": "auto", "PYTHONPATH": str(tmp_path)}
    env.pop("FRAUDNUM_NO_EXTENSIONS", None)
    code = (
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    import fraudnum._core as c, fraudnum\n"
        "    risk = fraudnum.classify('+86 400-810-8888').risk\n"
        "print(c.IMPLEMENTATION, risk, len([x for x in w if x.category is RuntimeWarning]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["python", "high", "1"]
