"""What both halves of :mod:`fraudnum.strategies` share: option checks and the classifier.

Options are checked when a strategy is made, and a bad one raises
:class:`hypothesis.errors.InvalidArgument` saying what is allowed.
"""

from __future__ import annotations

from typing import Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from fraudnum.classifier import Classifier, default_classifier

__all__: list[str] = []

_DIGITS: Final = "0123456789"


def _invalid(message: str) -> InvalidArgument:
    return InvalidArgument(message)


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _invalid(f"{name}={value!r} must be True or False")
    return value


def _fill(n: int) -> st.SearchStrategy[str]:
    """``n`` ASCII digits, shrinking to zeros."""
    return st.text(_DIGITS, min_size=n, max_size=n)


def _classifier() -> Classifier:
    """The shared classifier ``fraudnum.classify`` uses (built-in tables, no user rules)."""
    return default_classifier()
