"""``fraudnum._trie.DigitTrie`` against marisa-trie and datrie: longest-prefix lookup.

All structures hold the same 2,000 random digit prefixes (3-8 digits) and answer
the same 100,000 keys (11-13 digits) from :func:`benchmarks.corpus.trie_corpus`;
the answer is the index of the key's longest prefix, or -1. Before anything is
timed, every structure's answer to every key is checked against a plain-dict
oracle: a benchmark that compares different work is worthless, so a difference
stops the run.

DigitTrie holds ``(prefix, 0, 255, index)`` so its length check never
interferes and the lookup is plain longest-prefix. Each competitor is used
through its fastest correct API, inline in a list comprehension as a caller
would write it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import datrie
import marisa_trie

from benchmarks import Row, Timing, measure
from benchmarks.corpus import trie_corpus
from fraudnum._pytrie import DigitTrie as PyDigitTrie
from fraudnum._trie import DigitTrie

__all__ = ["run"]

TITLE = (
    "Longest-prefix lookup: {p:,} prefixes of 3-8 digits, {k:,} keys of 11-13 digits "
    "({hit:.0%} of keys have a prefix)"
)
MAX_PREFIX = 8
MIN_PREFIX = 3


@dataclass
class _Candidate:
    """One structure and API under test."""

    name: str
    build: Callable[[], Any]
    lookup_all: Callable[[Any, Sequence[str]], list[int]]
    memory: Callable[[Any], str]
    competitor: bool = False


def _oracle(prefixes: Sequence[str], keys: Sequence[str]) -> list[int]:
    """Longest prefix by slicing into a dict: obviously correct, the reference answer."""
    index = {p: i for i, p in enumerate(prefixes)}
    out = []
    for k in keys:
        v = -1
        for n in range(min(MAX_PREFIX, len(k)), MIN_PREFIX - 1, -1):
            got = index.get(k[:n])
            if got is not None:
                v = got
                break
        out.append(v)
    return out


def _traced_size(build: Callable[[], object]) -> tuple[object, int]:
    """Build and return the object and the Python-heap bytes it retains (tracemalloc)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        obj = build()
        return obj, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def _kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB"


def _candidates(prefixes: Sequence[str]) -> list[_Candidate]:
    entries = [(p, 0, 255, i) for i, p in enumerate(prefixes)]

    def build_marisa() -> tuple[marisa_trie.Trie, list[int], dict[str, int]]:
        trie = marisa_trie.Trie(prefixes)
        value_of_id = [0] * len(prefixes)
        for i, p in enumerate(prefixes):
            value_of_id[trie.key_id(p)] = i
        return trie, value_of_id, {p: i for i, p in enumerate(prefixes)}

    def build_datrie() -> datrie.Trie:
        trie = datrie.Trie("0123456789")
        for i, p in enumerate(prefixes):
            trie[p] = i
        return trie

    def build_dict() -> dict[str, int]:
        return {p: i for i, p in enumerate(prefixes)}

    def digit_single(t: Any, keys: Sequence[str]) -> list[int]:
        lookup = t.lookup
        return [lookup(k) for k in keys]

    def digit_batch(t: Any, keys: Sequence[str]) -> list[int]:
        out: list[int] = t.lookup_batch(keys)
        return out

    def marisa_prefixes(t: Any, keys: Sequence[str]) -> list[int]:
        trie, _, by_key = t
        pref = trie.prefixes
        # marisa lists the prefixes shortest first, so the last is the longest.
        return [by_key[ps[-1]] if (ps := pref(k)) else -1 for k in keys]

    def marisa_ids(t: Any, keys: Sequence[str]) -> list[int]:
        trie, value_of_id, _ = t
        it = trie.iter_prefixes_with_ids
        out = []
        for k in keys:
            last = -1
            for _, i in it(k):
                last = i
            out.append(value_of_id[last] if last >= 0 else -1)
        return out

    def datrie_item(t: Any, keys: Sequence[str]) -> list[int]:
        lpi = t.longest_prefix_item
        return [it[1] if (it := lpi(k, None)) is not None else -1 for k in keys]

    def datrie_value(t: Any, keys: Sequence[str]) -> list[int]:
        lpv = t.longest_prefix_value
        return [lpv(k, -1) for k in keys]

    def dict_slices(t: Any, keys: Sequence[str]) -> list[int]:
        get = t.get
        out = []
        for k in keys:
            v = -1
            for n in range(MAX_PREFIX, MIN_PREFIX - 1, -1):
                got = get(k[:n])
                if got is not None:
                    v = got
                    break
            out.append(v)
        return out

    def nbytes(t: Any) -> str:
        return f"{_kib(t.nbytes)} flat arrays"

    def marisa_mem(t: Any) -> str:
        trie = t[0]
        return f"{_kib(len(trie.tobytes()))} serialised (+ id→value list)"

    def datrie_mem(t: Any) -> str:
        fd, path = tempfile.mkstemp(suffix=".datrie")
        os.close(fd)
        try:
            t.save(path)
            return f"{_kib(os.path.getsize(path))} saved file"
        finally:
            os.unlink(path)

    def traced(build: Callable[[], object]) -> Callable[[object], str]:
        return lambda _t: f"{_kib(_traced_size(build)[1])} Python heap"

    def compiled() -> DigitTrie:
        return DigitTrie(entries)

    def pure() -> PyDigitTrie:
        return PyDigitTrie(entries)

    return [
        _Candidate("`DigitTrie.lookup` (fraudnum, Cython)", compiled, digit_single, nbytes),
        _Candidate("`DigitTrie.lookup_batch` (fraudnum, Cython)", compiled, digit_batch, nbytes),
        _Candidate(
            "marisa-trie `Trie.prefixes(key)[-1]`",
            build_marisa,
            marisa_prefixes,
            marisa_mem,
            competitor=True,
        ),
        _Candidate(
            "marisa-trie `iter_prefixes_with_ids`",
            build_marisa,
            marisa_ids,
            marisa_mem,
            competitor=True,
        ),
        _Candidate(
            "datrie `longest_prefix_item`", build_datrie, datrie_item, datrie_mem, competitor=True
        ),
        _Candidate(
            "datrie `longest_prefix_value`",
            build_datrie,
            datrie_value,
            datrie_mem,
            competitor=True,
        ),
        _Candidate("dict + key slices (8→3 digits)", build_dict, dict_slices, traced(build_dict)),
        _Candidate(
            "`_pytrie.DigitTrie.lookup` (pure-Python twin)", pure, digit_single, traced(pure)
        ),
    ]


def run(quick: bool = False) -> list[Row]:
    """Run the trie benchmark; ``quick`` uses 10,000 keys and fewer repeats.

    Raises:
        AssertionError: some structure answers some key differently from the oracle.
    """
    prefixes, keys = trie_corpus(n_keys=10_000 if quick else 100_000)
    repeats = 3 if quick else 7
    expected = _oracle(prefixes, keys)
    hit = sum(v >= 0 for v in expected) / len(keys)
    table = TITLE.format(p=len(prefixes), k=len(keys), hit=hit)

    results: list[tuple[_Candidate, Timing, Timing, str]] = []
    for c in _candidates(prefixes):
        obj = c.build()
        got = c.lookup_all(obj, keys)
        bad = [i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e]
        if bad:

            def show(v: int) -> str:
                return f"{v} ({prefixes[v] if v >= 0 else None!r})"

            k = bad[0]
            raise AssertionError(
                f"{c.name} disagrees with the oracle on {len(bad)} of {len(keys)} keys; "
                f"first: key {keys[k]!r} gave {show(got[k])}, expected {show(expected[k])}"
            )
        build = measure(c.build, repeats=3 if quick else 5)
        # measure() calls the lambda before the loop moves on, so the late binding is safe.
        lookups = measure(lambda: c.lookup_all(obj, keys), repeats=repeats)  # noqa: B023
        results.append((c, lookups, build, c.memory(obj)))

    fastest = min((r for r in results if r[0].competitor), key=lambda r: r[1].best)
    base = fastest[0].name
    rows = []
    for c, lookups, build, mem in results:
        rows.append(
            Row.timed(
                table,
                c.name,
                len(keys),
                lookups,
                baseline=None if c.name == base else base,
                build=f"{build.best * 1e3:.2f} ms",
                memory=mem,
            )
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    """Run this module alone and print its table."""
    from benchmarks.run import print_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10,000 keys, fewer repeats")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    print_report(run(args.quick))
    print(f"({time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
