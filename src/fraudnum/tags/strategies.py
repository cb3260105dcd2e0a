"""Hypothesis strategies for crowd-tag stores, for fraudnum's tests and yours.

* :func:`canonical_numbers` draws canonical digits of every storable kind: mobile
  numbers (often clustered in a few 7-digit segments, as real marks are), landlines
  with their trunk 0, 400/95 service numbers and international ``00`` numbers.
* :func:`marks` draws one mark, ``(category, count, last_marked)``.
* :func:`mark_tables` draws ``{canonical digits: mark}``, the plain-dict model of a store.
* :func:`tag_stores` builds a real store file from a drawn table (in a temporary
  directory that lives as long as the process) and yields ``(store, table)``.

Example:
    >>> from hypothesis import given
    >>> from fraudnum.tags import strategies as tst
    >>> @given(tst.tag_stores())
    ... def test_every_mark_is_found(store_and_table):
    ...     store, table = store_and_table
    ...     assert all(store.lookup_digits(d) is not None for d in table)
"""

from __future__ import annotations

import atexit
import datetime as _dt
import itertools
import shutil
import tempfile
from pathlib import Path
from typing import Literal

import numpy as np
from hypothesis import strategies as st

from fraudnum.tags.categories import builtin_categories
from fraudnum.tags.format import day_number
from fraudnum.tags.inputs import TagArrays
from fraudnum.tags.store import TagStore
from fraudnum.tags.tag import number_key
from fraudnum.tags.writer import build

__all__ = [
    "Mark",
    "canonical_numbers",
    "mark_tables",
    "marks",
    "marks_arrays",
    "tag_stores",
]

Mark = tuple[int, int, _dt.date]
"""``(category code, mark count, last day marked)``."""

_MOBILE_PREFIXES = ("130", "133", "138", "139", "150", "170", "180", "186", "199")
_AREA_CODES = ("010", "020", "021", "0755", "0571", "0991")


def _mobile(segments: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda seg, suf: seg + f"{suf:04d}", segments, st.integers(0, 9999))


def canonical_numbers(
    *, kinds: tuple[str, ...] = ("mobile", "landline", "service", "international")
) -> st.SearchStrategy[str]:
    """Canonical digits of numbers a store can hold.

    Args:
        kinds: any of ``mobile``, ``landline``, ``service`` (95xxx, 400/800) and
            ``international``.
    """
    few_segments = st.sampled_from(("1391234", "1391235", "1860000", "1709999"))
    any_segment = st.builds(
        lambda p, n: p + f"{n:04d}", st.sampled_from(_MOBILE_PREFIXES), st.integers(0, 9999)
    )
    options: dict[str, st.SearchStrategy[str]] = {
        "mobile": _mobile(st.one_of(few_segments, any_segment)),
        "landline": st.builds(
            lambda a, n: a + str(n),
            st.sampled_from(_AREA_CODES),
            st.integers(20_000_000, 89_999_999),
        ),
        "service": st.one_of(
            st.builds(lambda n: f"95{n:03d}", st.integers(0, 999)),
            st.builds(lambda n: f"400{n:07d}", st.integers(0, 9_999_999)),
        ),
        "international": st.builds(
            lambda cc, n: f"00{cc}{n}",
            st.sampled_from(("1", "44", "852", "886", "61")),
            st.integers(10**6, 10**10),
        ),
    }
    unknown = set(kinds) - set(options)
    if not kinds or unknown:
        raise ValueError(f"kinds must be among {', '.join(options)}, not {sorted(unknown)}")
    return st.one_of(*(options[k] for k in kinds))


def marks(
    *, first_day: _dt.date = _dt.date(2026, 6, 1), days: int = 200
) -> st.SearchStrategy[Mark]:
    """One mark: a category code from the table, a count >= 1 and a day."""
    codes = [c.code for c in builtin_categories()]
    return st.tuples(
        st.sampled_from(codes),
        st.one_of(st.integers(1, 12), st.integers(1, 200_000)),
        st.builds(lambda n: first_day + _dt.timedelta(days=n), st.integers(0, days - 1)),
    )


def mark_tables(
    *,
    min_size: int = 0,
    max_size: int = 60,
    kinds: tuple[str, ...] = ("mobile", "landline", "service", "international"),
) -> st.SearchStrategy[dict[str, Mark]]:
    """``{canonical digits: mark}``: what a store should hold."""
    return st.dictionaries(
        canonical_numbers(kinds=kinds), marks(), min_size=min_size, max_size=max_size
    )


def marks_arrays(table: dict[str, Mark]) -> TagArrays:
    """A table of marks as build columns (canonical digits need no parser)."""
    rows = list(table.items())
    return TagArrays(
        np.array([number_key(d) for d, _ in rows], dtype=np.uint64),
        np.array([m[0] for _, m in rows], dtype=np.uint8),
        np.array([m[1] for _, m in rows], dtype=np.uint32),
        np.array([day_number(m[2]) for _, m in rows], dtype=np.int32),
    )


_TMP: list[Path] = []
_COUNTER = itertools.count()


def _tmpdir() -> Path:
    if not _TMP:
        _TMP.append(Path(tempfile.mkdtemp(prefix="fraudnum-tags-")))
        atexit.register(shutil.rmtree, _TMP[0], True)
    return _TMP[0]


def tag_stores(
    *,
    min_size: int = 0,
    max_size: int = 60,
    backend: Literal["auto", "compiled", "python"] = "auto",
) -> st.SearchStrategy[tuple[TagStore, dict[str, Mark]]]:
    """A built, opened store and the table it was built from."""

    def make(table: dict[str, Mark]) -> tuple[TagStore, dict[str, Mark]]:
        path = _tmpdir() / f"store-{next(_COUNTER)}.fntags"
        build(marks_arrays(table), path, progress=False, backend=backend)
        return TagStore.open(path, backend=backend), table

    return mark_tables(min_size=min_size, max_size=max_size).map(make)
