"""Old home of the classifier; it lives in :mod:`fraudnum.classifier` now.

Kept as a re-export for one release.
"""

from collections.abc import Callable

from fraudnum.classifier import Classifier
from fraudnum.numbers.plan import PrefixRule, RuleTable, builtin_table

__all__ = ["Classifier", "RuleTable", "default_lookup"]
__moved_to__ = "fraudnum.classifier"


def default_lookup() -> Callable[[str], PrefixRule | None]:
    """The built-in table's lookup (now ``fraudnum.numbers.plan.builtin_table().lookup``)."""
    return builtin_table().lookup
