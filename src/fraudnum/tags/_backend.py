"""Which tag-store core runs: the compiled one or its pure-Python twin."""

from __future__ import annotations

from typing import Any, Literal, cast

from fraudnum import _core
from fraudnum.types import choice

__all__ = ["Backend"]


Backend = Literal["auto", "compiled", "python"]


def _cores(backend: Backend) -> tuple[Any, Any, Any]:
    backend = cast("Backend", choice(backend, ("auto", "compiled", "python"), "backend"))
    # "auto" follows FRAUDNUM_IMPLEMENTATION like the rest of the core, so the suite's
    # twin run (FRAUDNUM_IMPLEMENTATION=python) reads stores through the twin too.
    use_python = backend == "python" or (backend == "auto" and _core.IMPLEMENTATION == "python")
    if not use_python:
        try:
            from fraudnum.tags import _tagstore
        except ImportError:
            if backend == "compiled":
                raise
        else:
            return _tagstore.TagCore, _tagstore.pack_ef, _tagstore.pack_blocks
    from fraudnum.tags import _pystore

    return _pystore.PyTagCore, _pystore.pack_ef, _pystore.pack_blocks


def _pack_ef(backend: Backend) -> Any:
    return _cores(backend)[1]
