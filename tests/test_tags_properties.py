"""Properties: the compiled core against its Python twin, and stores against a plain dict."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from fraudnum.tags import TagStore, _pystore, _tagstore, build, merge, number_key
from fraudnum.tags import strategies as tst
from fraudnum.tags.format import COUNT_BUCKETS, EF_BITS_TABLE, count_bucket, day_number

Mark = tst.Mark


def _expected(mark: Mark) -> tuple[int, int, dt.date]:
    code, count, day = mark
    return code, COUNT_BUCKETS[count_bucket(count)], day


def _contents(store: TagStore) -> dict[str, tuple[int, int, dt.date | None]]:
    return {d: (t.category.code, t.count, t.last_marked) for d, t in store.items()}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9999), unique=True, min_size=1), max_size=12))
def test_packers_agree(segments: list[list[int]]) -> None:
    suffixes = np.array([s for seg in segments for s in sorted(seg)], dtype=np.uint16)
    counts = np.array([len(seg) for seg in segments], dtype=np.intp)
    cum = np.zeros(len(segments) + 1, np.uint32)
    np.cumsum(counts, out=cum[1:])
    bitpos = np.zeros(len(segments) + 1, np.uint64)
    np.cumsum(EF_BITS_TABLE[counts], out=bitpos[1:])
    nwords = (int(bitpos[-1]) + 63) // 64 + 1
    a = np.zeros(nwords, np.uint64)
    b = np.zeros(nwords, np.uint64)
    _tagstore.pack_ef(suffixes, cum, bitpos, a)
    _pystore.pack_ef(suffixes, cum, bitpos, b)
    assert a.tolist() == b.tolist()


@settings(max_examples=40, deadline=None)
@given(table=tst.mark_tables(max_size=80), probes=st.lists(tst.canonical_numbers(), max_size=30))
def test_compiled_and_python_agree(table: dict[str, Mark], probes: list[str]) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.fntags"
        build(tst.marks_arrays(table), path, backend="compiled")
        c = TagStore.open(path, backend="compiled")
        p = TagStore.open(path, backend="python")
        keys = np.array([number_key(x) for x in [*table, *probes]], dtype=np.uint64)
        bc, bp = c.lookup_batch(keys), p.lookup_batch(keys)
        assert bc.index.tolist() == bp.index.tolist()
        assert bc.found[: len(table)].all()
        for x in [*table, *probes]:
            assert c.lookup_digits(x) == p.lookup_digits(x)
        assert c.to_arrays().keys.tolist() == p.to_arrays().keys.tolist()
        assert _contents(c) == _contents(p) == {k: _expected(m) for k, m in table.items()}
        p.verify()
        c.close()
        p.close()


class StoreMachine(RuleBasedStateMachine):
    """Build, merge and look up against a dict of what the store should hold."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        self.n = 0
        self.model: dict[str, tuple[int, int, dt.date]] = {}
        self.store: TagStore | None = None
        self.backend: Any = "compiled"

    def _path(self) -> Path:
        self.n += 1
        return Path(self.dir.name) / f"s{self.n % 3}.fntags"

    @initialize(table=tst.mark_tables(max_size=40), backend=st.sampled_from(["compiled", "python"]))
    def start(self, table: dict[str, Mark], backend: str) -> None:
        self.backend = backend
        path = self._path()
        build(tst.marks_arrays(table), path, backend=self.backend)
        self.store = TagStore.open(path, backend=self.backend)
        self.model = {k: _expected(m) for k, m in table.items()}

    @rule(
        upserts=tst.mark_tables(max_size=15),
        removals=st.lists(st.one_of(tst.canonical_numbers(), st.just("")), max_size=6),
        expire=st.one_of(st.none(), st.integers(0, 220)),
        in_place=st.booleans(),
    )
    def merge_delta(
        self, upserts: dict[str, Mark], removals: list[str], expire: int | None, in_place: bool
    ) -> None:
        assert self.store is not None
        # Some removals name numbers the store has.
        removals = [r or next(iter(self.model), "95588") for r in removals]
        rows: list[tuple[Any, ...]] = [
            (number_key(d), c, n, day) for d, (c, n, day) in upserts.items()
        ]
        rows += [(number_key(r), "remove") for r in removals]
        cutoff = dt.date(2026, 6, 1) + dt.timedelta(days=expire) if expire is not None else None
        out = self.store.path if in_place else self._path()
        merge(self.store, rows, out, expire_before=cutoff, backend=self.backend)
        self.store.close()
        self.store = TagStore.open(out, backend=self.backend)
        for r in removals:
            self.model.pop(r, None)
        for d, m in upserts.items():
            if d not in removals:
                self.model[d] = _expected(m)
        if cutoff is not None:
            self.model = {k: v for k, v in self.model.items() if v[2] >= cutoff}

    @rule(number=tst.canonical_numbers())
    def lookup(self, number: str) -> None:
        assert self.store is not None
        tag = self.store.lookup_digits(number)
        want = self.model.get(number)
        got = None if tag is None else (tag.category.code, tag.count, tag.last_marked)
        assert got == want

    @invariant()
    def same_contents(self) -> None:
        if self.store is not None:
            assert len(self.store) == len(self.model)
            assert _contents(self.store) == self.model

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()
        self.dir.cleanup()


StoreMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=6, deadline=None)
TestStoreMachine = StoreMachine.TestCase


@given(tst.tag_stores(max_size=20))
@settings(max_examples=15, deadline=None)
def test_strategy_stores_hold_their_table(
    store_and_table: tuple[TagStore, dict[str, Mark]],
) -> None:
    store, table = store_and_table
    assert len(store) == len(table)
    for d, m in table.items():
        tag = store.lookup_digits(d)
        assert tag is not None
        assert (tag.category.code, tag.count, tag.last_marked) == _expected(m)
    store.close()


def test_day_numbers_are_days_since_epoch() -> None:
    assert day_number(dt.date(1970, 1, 2)) == 1
