"""Chooses the compiled core or its pure-Python twin.

Set ``FRAUDNUM_NO_EXTENSIONS=1`` to force the pure-Python structures (for
debugging, or on a platform without a compiler); results are identical.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fraudnum._trie import Canonicaliser as _CompiledCanonicaliser

__all__ = ["USING_EXTENSIONS", "Canonicaliser", "DigitTrie", "KeywordAutomaton"]

Canonicaliser: type[_CompiledCanonicaliser] | None

if os.environ.get("FRAUDNUM_NO_EXTENSIONS", "") not in ("", "0"):
    from fraudnum._pyautomaton import KeywordAutomaton
    from fraudnum._pytrie import DigitTrie

    # No C canonicaliser: fraudnum.numbers parses everything in Python.
    Canonicaliser = None
    USING_EXTENSIONS = False
else:
    from fraudnum import _automaton, _trie

    # The twins share their API; the compiled classes stand in for the Python ones.
    KeywordAutomaton = _automaton.KeywordAutomaton  # type: ignore[assignment,misc]
    DigitTrie = _trie.DigitTrie  # type: ignore[assignment,misc]
    Canonicaliser = _trie.Canonicaliser
    USING_EXTENSIONS = True
