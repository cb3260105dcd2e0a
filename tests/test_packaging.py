"""Release packaging: the sdist and the wheel ``python -m build`` makes, and a clean install.

``python -m build`` makes the sdist, then builds the wheel *from the sdist*, so a file the
sdist forgets breaks this test as it would break a fresh machine. The wheel must carry the
compiled modules, their stubs, ``py.typed`` and the data, and no Cython or C sources. It is
then installed into a new virtual environment (no access to this checkout or this
environment's packages) where the ``fraudnum`` command must run.

Needs the package index for the build requirements and the run-time dependencies, as the
README's install command does. About a minute on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
_PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _project_field(name: str) -> str:
    # tomllib is 3.11+; these two lines of [project] are simple enough for a regex.
    m = re.search(rf'(?m)^{re.escape(name)}\s*=\s*"([^"]+)"', _PYPROJECT)
    assert m is not None, name
    return m.group(1)


VERSION = _project_field("version")
REQUIRES_PYTHON = _project_field("requires-python")
DATA_VERSION = (ROOT / "data" / "VERSION.txt").read_text(encoding="utf-8").strip()
COMPILED = ("_trie", "_automaton")


def _run(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    # The new environment must not see this one's packages or this checkout.
    for var in ("PYTHONPATH", "PYTHONHOME", "FRAUDNUM_NO_EXTENSIONS", "VIRTUAL_ENV"):
        env.pop(var, None)
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel of this checkout (cwd elsewhere: ./build would shadow ``build``)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out)
    return out


def _one(dist: Path, pattern: str) -> Path:
    found = sorted(dist.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def test_wheel_contents(dist: Path) -> None:
    """The wheel has the compiled modules, stubs, py.typed and data, and no sources."""
    wheel = _one(dist, f"fraudnum-{VERSION}-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for mod in COMPILED:
        assert any(re.fullmatch(rf"fraudnum/{mod}\.[^/]*\.(so|pyd)", n) for n in names), mod
        assert f"fraudnum/{mod}.pyi" in names
    assert "fraudnum/py.typed" in names
    assert "fraudnum/__init__.py" in names
    data = {p.name for p in (ROOT / "data").iterdir() if p.suffix in {".csv", ".tsv", ".txt"}}
    assert data, "no data files in the checkout?"
    assert {f"fraudnum/data/{d}" for d in data} <= names
    sources = sorted(n for n in names if n.endswith((".pyx", ".pxd", ".c", ".cpp", ".h")))
    assert sources == []
    assert not any(n.startswith(("tests/", "benchmarks/", "docs/", "src/")) for n in names)


def test_wheel_metadata(dist: Path) -> None:
    """Name, version, Python requirement and classifiers reach the wheel's METADATA."""
    wheel = _one(dist, f"fraudnum-{VERSION}-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(f"fraudnum-{VERSION}.dist-info/METADATA").decode("utf-8")
        entry_points = zf.read(f"fraudnum-{VERSION}.dist-info/entry_points.txt").decode()
    assert f"\nVersion: {VERSION}\n" in meta
    assert f"Requires-Python: {REQUIRES_PYTHON}" in meta
    assert "Classifier: Typing :: Typed" in meta
    minimum = re.search(r">=\s*3\.(\d+)", REQUIRES_PYTHON)
    assert minimum is not None
    for minor in range(int(minimum.group(1)), 14):
        assert f"Classifier: Programming Language :: Python :: 3.{minor}" in meta
    assert "fraudnum = fraudnum.cli:main" in entry_points


def test_sdist_contents(dist: Path) -> None:
    """The sdist has what a fresh build needs (sources included) and no build products."""
    sdist = _one(dist, f"fraudnum-{VERSION}.tar.gz")
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for needed in ("pyproject.toml", "CMakeLists.txt", "README.md", "data/VERSION.txt"):
        assert needed in names, needed
    for mod in COMPILED:
        assert f"src/fraudnum/{mod}.pyx" in names
        assert f"src/fraudnum/{mod}.pyi" in names
    assert not [n for n in names if n.endswith((".so", ".pyd")) or n.startswith("build/")]


def test_wheel_installs_and_runs_in_a_clean_venv(dist: Path, tmp_path: Path) -> None:
    """A new virtual environment with only the wheel gets a working ``fraudnum`` command."""
    wheel = _one(dist, f"fraudnum-{VERSION}-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    cli = bindir / "fraudnum"
    _run([str(python), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path)

    version = _run([str(cli), "--version"], cwd=tmp_path).stdout.strip()
    assert version == f"fraudnum {VERSION} (data {DATA_VERSION})"

    classified = _run([str(cli), "classify", "+86 400-810-8888", "96110"], cwd=tmp_path)
    rows = [json.loads(line) for line in classified.stdout.splitlines()]
    assert [(r["kind"], r["risk"]) for r in rows] == [
        ("enterprise_400", "high"),
        ("anti_fraud_call", "trusted"),
    ]
    sms = _run(
        [str(cli), "sms", "【12381】反诈预警：请立即停止转账", "--sender", "12381"], tmp_path
    )
    assert json.loads(sms.stdout)["category"] == "warning"

    probe = (
        "import fraudnum, fraudnum._core as c, pathlib;"
        "print(c.USING_EXTENSIONS, fraudnum.__version__, fraudnum.data_version(),"
        " pathlib.Path(fraudnum.__file__).parent.parent == pathlib.Path(%r))"
    )
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"],
        cwd=tmp_path,
    ).stdout.strip()
    facts = _run([str(python), "-c", probe % site], cwd=tmp_path).stdout.split()
    assert facts == ["True", VERSION, DATA_VERSION, "True"]
