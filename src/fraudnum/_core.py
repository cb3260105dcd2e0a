"""Chooses the compiled core or its pure-Python twins.

``FRAUDNUM_IMPLEMENTATION`` says which:

- ``auto`` (the default): the compiled extensions; where they are missing (a
  source checkout never built, a platform without a compiler) the pure-Python
  twins, with one :class:`RuntimeWarning` that says so.
- ``compiled``: the extensions, or an ImportError.
- ``python``: the twins (for debugging, and to test that both give the same
  answers).

``FRAUDNUM_NO_EXTENSIONS=1`` is the older spelling of ``python``. Results are
identical either way; only speed differs.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from fraudnum._canon import Canonicaliser as _CompiledCanonicaliser

__all__ = [
    "IMPLEMENTATION",
    "USING_EXTENSIONS",
    "Canonicaliser",
    "DigitTrie",
    "KeywordAutomaton",
    "NearRules",
    "RowFilter",
    "RowMarks",
    "TagRules",
    "blank_count",
    "canon",
    "dotted",
    "number_run",
    "pool_spans",
    "run_ends",
]

_CHOICES = ("auto", "compiled", "python")


def _requested() -> str:
    if os.environ.get("FRAUDNUM_NO_EXTENSIONS", "") not in ("", "0"):
        return "python"
    value = os.environ.get("FRAUDNUM_IMPLEMENTATION", "auto").strip().lower() or "auto"
    if value not in _CHOICES:
        raise ImportError(
            f"FRAUDNUM_IMPLEMENTATION must be one of {', '.join(_CHOICES)}, got {value!r}"
        )
    return value


Canonicaliser: type[_CompiledCanonicaliser] | None
#: The compiled canonicaliser module (its constants), or None with the twins.
canon: ModuleType | None

_wanted = _requested()
_loaded = False
if _wanted != "python":
    try:
        from fraudnum import _automaton as _compiled_automaton
        from fraudnum import _canon as _compiled_canon
        from fraudnum import _smsrows as _compiled_smsrows
        from fraudnum import _trie as _compiled_trie

        _loaded = True
    except ImportError as e:
        if _wanted == "compiled":
            raise ImportError(
                f"FRAUDNUM_IMPLEMENTATION=compiled, but the compiled core is missing: {e}"
            ) from e
        warnings.warn(
            f"fraudnum's compiled core is not available ({e}); using the pure-Python"
            " twins, which give the same answers more slowly. Reinstall fraudnum with"
            " a C compiler to get it, or set FRAUDNUM_IMPLEMENTATION=python to silence this.",
            RuntimeWarning,
            stacklevel=2,
        )

if not _loaded:
    from fraudnum._pyautomaton import KeywordAutomaton
    from fraudnum._pysmsrows import (
        NearRules,
        RowFilter,
        RowMarks,
        TagRules,
        blank_count,
        dotted,
        number_run,
        pool_spans,
        run_ends,
    )
    from fraudnum._pytrie import DigitTrie

    # No C canonicaliser: fraudnum.numbers parses everything in Python.
    Canonicaliser = None
    canon = None
    USING_EXTENSIONS = False
    IMPLEMENTATION = "python"
else:
    # The twins share their API; the compiled classes stand in for the Python ones.
    KeywordAutomaton = _compiled_automaton.KeywordAutomaton  # type: ignore[assignment,misc]
    DigitTrie = _compiled_trie.DigitTrie  # type: ignore[assignment,misc]
    RowFilter = _compiled_smsrows.RowFilter  # type: ignore[assignment,misc]
    RowMarks = _compiled_smsrows.RowMarks  # type: ignore[assignment,misc]
    NearRules = _compiled_smsrows.NearRules  # type: ignore[assignment,misc]
    TagRules = _compiled_smsrows.TagRules  # type: ignore[assignment,misc]
    pool_spans = _compiled_smsrows.pool_spans
    run_ends = _compiled_smsrows.run_ends
    dotted = _compiled_smsrows.dotted
    number_run = _compiled_smsrows.number_run
    blank_count = _compiled_smsrows.blank_count
    Canonicaliser = _compiled_canon.Canonicaliser
    canon = _compiled_canon
    USING_EXTENSIONS = True
    IMPLEMENTATION = "compiled"
