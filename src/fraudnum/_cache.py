"""The one bounded-cache idiom: a dict that is emptied when it reaches its limit.

Caches here hold shared outcomes, decisions and filled texts, whose distinct
keys are few in real traffic; the bound only guards memory against hostile or
unusual input. Emptying at the limit costs nothing per hit, unlike LRU
bookkeeping, and a dict read stays the hot path. Safe under threads in CPython:
a racing reader at worst recomputes a value.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["remember"]

K = TypeVar("K")
V = TypeVar("V")


def remember(cache: dict[K, V], key: K, value: V, limit: int) -> V:
    """Store ``value`` under ``key`` (emptying ``cache`` first if it holds ``limit``); return it."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
