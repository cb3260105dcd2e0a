"""The classifier and its tag store, from the driver to the Python workers, once.

The classifier is broadcast as bytes (it pickles as the user's rules and phrases,
a few hundred bytes without them) and rebuilt once per Python worker, not per
batch or task: Spark reuses its Python workers between tasks. A
:class:`fraudnum.tags.TagStore` travels as a file (``SparkContext.addFile``) and is
memory-mapped on each worker, checked against the driver's header checksum, so
workers share its pages instead of each receiving a copy.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fraudnum.classifier import Classifier
from fraudnum.tags import TagStore

__all__ = ["payload", "pyspark_sql", "worker_classifier"]


def pyspark_sql() -> Any:
    """The ``pyspark.sql`` module, or an ImportError that says how to install it."""
    try:
        import pyspark.sql as sql
    except ImportError as e:
        raise ImportError("fraudnum.spark needs pyspark: pip install 'fraudnum[spark]'") from e
    return sql


T = TypeVar("T")

# One classifier per Python worker and payload.
_WORKER_CLASSIFIERS: dict[bytes, Classifier] = {}
# Re-entrant: building a call detector builds its classifier inside the same lock.
_WORKER_LOCK = threading.RLock()
# Store files already given to addFile, per SparkContext (adding one twice warns).
_SHIPPED: set[tuple[int, str]] = set()


def payload(spark: Any, clf: Classifier) -> bytes:
    """The classifier as bytes for the workers, its tag store shipped as a file."""
    state = clf.__getstate__()
    tags = state.pop("tags", None)
    store = None
    if isinstance(tags, TagStore):
        # A store pickles as (reopen, (path, header checksum, backend)): the path is
        # the driver's, so the file travels with addFile and is reopened by name.
        reopen, (path, crc, backend) = tags.__reduce__()
        sc = spark.sparkContext
        key = (id(sc), path)
        if key not in _SHIPPED:
            sc.addFile(path)
            _SHIPPED.add(key)
        store = (reopen, os.path.basename(path), crc, backend)
    else:
        state["tags"] = tags  # another CrowdMarks object travels by its own pickling
    return pickle.dumps((state, store))


def once_per_worker(cache: dict[bytes, T], data: bytes, build: Callable[[bytes], T]) -> T:
    """``build(data)``, made once per Python worker and payload (keyed by its hash).

    A worker's threads may ask at once: the lock makes sure only one builds.
    """
    key = hashlib.sha256(data).digest()
    made = cache.get(key)
    if made is None:
        with _WORKER_LOCK:
            made = cache.get(key)
            if made is None:
                made = cache[key] = build(data)
    return made


def worker_classifier(data: bytes) -> Classifier:
    """The classifier of a payload, built once per Python worker."""
    return once_per_worker(_WORKER_CLASSIFIERS, data, _rebuild)


def _rebuild(data: bytes) -> Classifier:
    state, store = pickle.loads(data)  # our own bytes, from the driver
    if store is not None:
        from pyspark import SparkFiles

        reopen, name, crc, backend = store
        state["tags"] = reopen(SparkFiles.get(name), crc, backend)
    clf = Classifier.__new__(Classifier)
    clf.__setstate__(state)
    return clf
