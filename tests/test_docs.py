"""The documentation builds clean, offline, and its examples run as written.

One HTML build with warnings as errors and nitpicky references (``-W --keep-going -n``), then
the doctest builder on the same doctrees, which runs every ``{doctest}`` block: the quick
start, the number kinds table and the rules file examples. Proxies pointing nowhere make any
attempt to reach the network fail the build instead of slowing it down.
"""

from __future__ import annotations

import html
import importlib
import os
import pkgutil
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import fraudnum

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parent.parent / "docs"
_OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


def _sphinx(builder: str, out: Path, doctrees: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q"),
            *("-b", builder, "-d", str(doctrees), str(DOCS), str(out)),
        ],
        cwd=out.parent,
        env={**os.environ, **_OFFLINE},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML site, built once for the module."""
    root = tmp_path_factory.mktemp("docs")
    proc = _sphinx("html", root / "html", root / "doctrees")
    assert proc.returncode == 0, f"docs build failed:\n{proc.stderr}\n{proc.stdout}"
    return root


def test_docs_build_without_warnings(built: Path) -> None:
    """The build passed with -W -n (checked by the fixture); the pages are there."""
    html = built / "html"
    for page in ("index", "quickstart", "api", "guide/numbers", "guide/rules", "guide/data"):
        assert (html / f"{page}.html").is_file(), page


def test_doc_examples_run_as_written(built: Path) -> None:
    """Every doctest block of the docs (the quick start first) passes."""
    proc = _sphinx("doctest", built / "doctest", built / "doctrees")
    assert proc.returncode == 0, f"doctests failed:\n{proc.stdout}\n{proc.stderr}"
    summary = (built / "doctest" / "output.txt").read_text(encoding="utf-8")
    assert re.search(r"\b0 failures in tests", summary), summary
    assert "quickstart" in summary


def _inventory(html: Path) -> dict[str, str]:
    """Names and roles from Sphinx's objects.inv (format version 2)."""
    raw = (html / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):
        header_end = raw.index(b"\n", header_end) + 1
    text = zlib.decompress(raw[header_end:]).decode("utf-8")
    out = {}
    for line in text.splitlines():
        m = re.match(r"(?x)(.+?)\s+(\S+):(\S+)\s+(-?\d+)\s+(\S*)\s+(.*)", line)
        if m:
            out[m.group(1)] = f"{m.group(2)}:{m.group(3)}"
    return out


def _public_modules() -> list[str]:
    """Public modules and subpackages, without the old paths kept as re-exports."""
    names = []
    for m in pkgutil.walk_packages(fraudnum.__path__, prefix="fraudnum."):
        if any(part.startswith("_") for part in m.name.split(".")[1:]):
            continue
        if getattr(importlib.import_module(m.name), "__moved_to__", None):
            continue
        names.append(m.name)
    return sorted(names)


def test_every_public_name_is_in_the_api_reference(built: Path) -> None:
    """Each name of ``__all__``, of the package and of every public module, is documented."""
    documented = _inventory(built / "html")
    top = {n: getattr(fraudnum, n) for n in fraudnum.__all__ if n != "__version__"}
    missing = [f"fraudnum.{n}" for n in top if f"fraudnum.{n}" not in documented]
    for modname in _public_modules():
        module = importlib.import_module(modname)
        parents = [
            importlib.import_module(".".join(modname.split(".")[:i]))
            for i in range(1, modname.count(".") + 1)
        ]
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if any(
                getattr(p, name, None) is obj and name in getattr(p, "__all__", ()) for p in parents
            ):
                continue  # documented once, under the package that re-exports it
            if f"{modname}.{name}" not in documented:
                missing.append(f"{modname}.{name}")
    assert missing == []


def test_compiled_modules_are_documented_with_typed_signatures(built: Path) -> None:
    """The compiled classes appear with the stubs' signatures, types included."""
    documented = _inventory(built / "html")
    for name in (
        "fraudnum._trie.DigitTrie",
        "fraudnum._trie.DigitTrie.lookup",
        "fraudnum._trie.DigitTrie.lookup_batch",
        "fraudnum._automaton.KeywordAutomaton",
        "fraudnum._automaton.KeywordAutomaton.find_all",
    ):
        assert name in documented, name
    page = (built / "html" / "api.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", page)))
    assert "lookup(key:str)→int" in text
    assert "find_all(text:str)→list[tuple[int,int,int]]" in text
    assert "DigitTrie(entries:Iterable[tuple[str,int,int,int]]=())" in text


def test_docs_state_both_versions(built: Path) -> None:
    """The index names the package version and the data version."""
    index = (built / "html" / "index.html").read_text(encoding="utf-8")
    assert fraudnum.__version__ in index
    assert fraudnum.data_version() in index
