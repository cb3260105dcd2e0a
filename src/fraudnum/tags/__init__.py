"""Crowd marks: every marked number of a country in one memory-mapped file (issue 12).

>>> from fraudnum.tags import TagStore
>>> store = TagStore.open("marks.fntags")            # doctest: +SKIP
>>> tag = store.lookup("+86 139 1234 5678")          # doctest: +SKIP
>>> tag.reason_texts()                                # doctest: +SKIP
('被 1,000 位以上用户标记为诈骗（最近 2026-11-30）',
 'marked as fraud by 1,000+ users (last 2026-11-30)')

See ``docs/tags.md`` for the file format, the API and the figures.
"""

from __future__ import annotations

from fraudnum.tags.categories import Category, builtin_categories
from fraudnum.tags.format import TagStoreError
from fraudnum.tags.inputs import BadRowsError, RowError, TagArrays
from fraudnum.tags.store import Delta, MergeReport, TagBatch, TagStore, merge, open_store
from fraudnum.tags.tag import Tag, number_key
from fraudnum.tags.writer import BuildReport, build

__all__ = [
    "BadRowsError",
    "BuildReport",
    "Category",
    "Delta",
    "MergeReport",
    "RowError",
    "Tag",
    "TagArrays",
    "TagBatch",
    "TagStore",
    "TagStoreError",
    "build",
    "builtin_categories",
    "merge",
    "number_key",
    "open_store",
]
