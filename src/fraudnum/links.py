"""Old home of the link scorer; it lives in :mod:`fraudnum.sms.links` now (one release)."""

from fraudnum.sms.links import *  # noqa: F403
from fraudnum.sms.links import __all__ as __all__

__moved_to__ = "fraudnum.sms.links"
