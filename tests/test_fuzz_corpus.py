"""Every fuzz target runs over its seed corpus, without atheris, on every test run.

tools/fuzz/run.py searches for new inputs for hours; this replays the seeds (and
every finding kept as a seed) so CI checks each target's promises in seconds.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

FUZZ = Path(__file__).resolve().parent.parent / "tools" / "fuzz"


def _load_targets() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fraudnum_fuzz_targets", FUZZ / "targets.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


targets = _load_targets()
SEEDS = sorted((p.parent.name, p) for p in targets.CORPUS.glob("*/*") if p.is_file())


def test_every_target_has_seeds_and_every_folder_a_target():
    """One corpus folder per target, each with a few seeds."""
    folders = {p.name for p in targets.CORPUS.iterdir() if p.is_dir()}
    assert folders == set(targets.TARGETS)
    for name in targets.TARGETS:
        assert len(list((targets.CORPUS / name).iterdir())) >= 4, name


@pytest.mark.parametrize(("target", "seed"), SEEDS, ids=[f"{t}/{p.name}" for t, p in SEEDS])
def test_seed_keeps_its_promises(target: str, seed: Path):
    """The target's checks hold on the seed (a Finding or any other exception fails)."""
    targets.TARGETS[target](seed.read_bytes())


def test_a_broken_promise_is_reported():
    """The harness can fail: a never-block verdict with a blocking risk is a Finding."""
    import attrs

    import fraudnum

    v = fraudnum.classify("96110")
    bad = attrs.evolve(v, risk=fraudnum.Risk.HIGH)
    with pytest.raises(targets.Finding, match="never-block verdict with risk"):
        targets._check_verdict(bad, b"96110")


def test_text_of_reaches_lone_surrogates():
    """Inputs decode to any str: UTF-8, lone surrogates by UTF-16 or surrogateescape."""
    assert targets.text_of("匿名".encode()) == "匿名"
    assert targets.text_of(b"\xff\xfe" + "\ud800x".encode("utf-16-le", "surrogatepass")) == (
        "\ud800x"
    )
    assert targets.text_of(b"1\xff") == "1\udcff"


def test_store_patches_apply_to_a_valid_store():
    """A tagstore input 'P...' patches the base store; anything else is the file itself."""
    base = targets.store_bytes(b"P\x00")
    assert base == targets._base_store()
    assert targets.store_bytes(b"P\x01" + (10).to_bytes(3, "little")) == base[:10]
    patched = targets.store_bytes(b"P\x00" + bytes([3, 0, 0xAB]))
    assert patched[3] == 0xAB
    assert patched[4:] == base[4:]
    assert targets.store_bytes(b"xyz") == b"xyz"
