"""Old home of the SMS tables; they live in :mod:`fraudnum.sms.tables` now (one release)."""

from fraudnum.sms.tables import *  # noqa: F403
from fraudnum.sms.tables import __all__ as __all__

__moved_to__ = "fraudnum.sms.tables"
