"""Hypothesis strategies for Chinese caller IDs, SMS texts and fraudnum's verdicts.

For the test suites of spam filters, dialers and SMS gateways that embed fraudnum (and for
fraudnum's own). Install the optional dependency with ``pip install fraudnum[strategies]``;
``import fraudnum`` itself never imports Hypothesis.

Everything is generated from fraudnum's own data tables, so a new row of
``data/prefixes.csv`` or ``data/phrases.csv`` is covered without code:

* :func:`numbers` writes numbers of every kind of the numbering plan (and hidden or
  malformed caller IDs), canonically or in the many ways people and phones write them.
* :func:`caller_ids` is anything a caller-ID field may hold, hostile strings included.
* :func:`sms` composes messages of each category from the phrase tables and realistic
  filler, in simplified or traditional script, with spammers' evasions;
  :func:`sms_pairs` adds a sender that agrees with the category.
* :func:`call_records` draws call traffic with injected call patterns (呼死你, 响一声 ...)
  and their ground truth, for :mod:`fraudnum.calls`.
* :func:`verdicts`, :func:`number_infos` and :func:`sms_verdicts` are real results of
  classifying generated input, never objects built by hand. The same strategies are
  registered for :func:`hypothesis.strategies.from_type` through Hypothesis's ``hypothesis``
  entry point.

Every option is keyword-only and checked when the strategy is created: a bad value raises
:class:`hypothesis.errors.InvalidArgument` saying what is allowed. Examples shrink towards
something readable: the first row of a table with zeros after its prefix, a single phrase.

The numbers half lives in ``fraudnum.strategies._numbers``, the SMS half in
``fraudnum.strategies._sms``, the option checks both use in
``fraudnum.strategies._common``; import the strategies from here.

Example:
    >>> from hypothesis import given
    >>> import fraudnum
    >>> from fraudnum import strategies as fst
    >>> @given(fst.numbers(kind="enterprise_400", formatted=True))
    ... def test_400_numbers_are_not_trusted(number):
    ...     assert fraudnum.classify(number).risk is not fraudnum.Risk.TRUSTED

"""

from __future__ import annotations

from fraudnum.strategies._calls import call_records
from fraudnum.strategies._numbers import caller_ids, number_infos, number_kinds, numbers, verdicts
from fraudnum.strategies._sms import sms, sms_pairs, sms_verdicts

__all__ = [
    "call_records",
    "caller_ids",
    "number_infos",
    "number_kinds",
    "numbers",
    "sms",
    "sms_pairs",
    "sms_verdicts",
    "verdicts",
]
