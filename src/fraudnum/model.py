"""Old home of the result types; they live in :mod:`fraudnum.types` now.

Kept as a re-export for one release so ``from fraudnum.model import Verdict`` goes on working.
"""

from fraudnum.types import *  # noqa: F403
from fraudnum.types import __all__ as __all__

__moved_to__ = "fraudnum.types"
