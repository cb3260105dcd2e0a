"""Old home of :class:`~fraudnum.VerdictBatch`; see :mod:`fraudnum.numbers.batch`."""

from fraudnum.numbers.batch import VerdictBatch

__all__ = ["VerdictBatch"]
__moved_to__ = "fraudnum.numbers.batch"
