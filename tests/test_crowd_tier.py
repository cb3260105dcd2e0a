"""Crowd marks from a tag store as a precedence tier of the Classifier."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import Classifier, Risk, Tier
from fraudnum import strategies as fst
from fraudnum.numbers.columns import RISKS, TIERS
from fraudnum.tags import TagStore

DAY = dt.date(2026, 11, 30)


def _store(tmp_path: Path, rows: list[tuple[str, str, int, dt.date]]) -> TagStore:
    return TagStore.build(rows, tmp_path / "marks.fntags", progress=False)


def test_a_marked_number_is_decided_by_its_marks(tmp_path):
    """An ordinary mobile marked as fraud by many users is HIGH, the marks the first reason."""
    store = _store(tmp_path, [("13912345678", "fraud", 1234, DAY)])
    v = Classifier(tags=store).classify("+86 139 1234 5678")
    assert (v.risk, v.tier) == (Risk.HIGH, Tier.CROWD)
    assert v.codes[0] == "crowd_marked_fraud"
    assert "诈骗" in v.reasons[0].zh
    assert "2026-11-30" in v.reasons[0].en
    assert v.codes[1] == "mobile_number"  # the plan still explains the number
    assert Classifier().classify("13912345678").risk is Risk.LOW


def test_the_users_lists_beat_the_crowd(tmp_path):
    """An allow list entry wins over crowd marks."""
    store = _store(tmp_path, [("13912345678", "fraud", 50, DAY)])
    v = Classifier(tags=store, allow=["13912345678"]).classify("13912345678")
    assert (v.risk, v.tier) == (Risk.TRUSTED, Tier.USER)


def test_batches_agree_with_single_calls(tmp_path):
    """classify_batch with a store gives each row the verdict classify gives it."""
    store = _store(
        tmp_path, [("13912345678", "harassment", 7, DAY), ("4008108888", "fraud", 3, DAY)]
    )
    clf = Classifier(tags=store)
    numbers = ["13912345678", "13912345679", "400-810-8888", "96110", "Unknown", "12"]
    batch = clf.classify_batch(numbers)
    for i, n in enumerate(numbers):
        single = clf.classify(n)
        assert (batch.kinds[i], batch.risks[i], batch.tiers[i]) == (
            single.kind,
            single.risk,
            single.tier,
        )
        assert batch[i].codes == single.codes


def test_a_classifier_with_a_store_pickles(tmp_path):
    """The store travels with the classifier (by its file), for process pools."""
    store = _store(tmp_path, [("13912345678", "fraud", 9, DAY)])
    clone = pickle.loads(pickle.dumps(Classifier(tags=store)))
    assert clone.classify("13912345678").tier is Tier.CROWD


def test_tags_must_be_a_store():
    """A wrong object is a clear TypeError, not a failure on the first call."""
    with pytest.raises(TypeError, match="TagStore"):
        Classifier(tags="marks.fntags")  # type: ignore[arg-type]


NEVER_BLOCK = ["96110", "12381", "110", "120", "025-96110", "+86 10 12381"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    marks=st.lists(
        st.tuples(
            st.sampled_from(["96110", "12381", "110", "120", "02596110"]) | fst.numbers(),
            st.sampled_from(["fraud", "harassment", "marketing", "one_ring"]),
            st.integers(1, 100_000),
        ),
        min_size=1,
        max_size=12,
    ),
    shown=st.sampled_from(NEVER_BLOCK),
    backend=st.sampled_from(["auto", "python"]),
)
def test_no_store_makes_a_warning_or_emergency_number_blockable(
    tmp_path_factory, marks, shown, backend
):
    """Whatever the crowd marked, 96110, 12381 and emergency numbers stay TRUSTED.

    One at a time and in a batch (the crowd tier over the whole batch, with the
    other marked numbers in it), for the compiled store and its Python twin.
    """
    rows = [(n, c, k, DAY) for n, c, k in marks]
    store = TagStore.build(
        rows,
        tmp_path_factory.mktemp("s") / "m.fntags",
        progress=False,
        on_error="skip",
        backend=backend,
    )
    with pytest.warns(fraudnum.IneffectiveRuleWarning) as record:
        clf = Classifier(tags=store, block=["96", "12"])
    assert ["96110" in str(w.message) for w in record] == [True, False]
    batch = clf.classify_batch([shown, *(n for n, _, _ in marks), shown])
    for v in (clf.classify(shown), batch[0], batch[-1]):
        assert v.risk is Risk.TRUSTED
        assert v.tier is Tier.NEVER_BLOCK
        assert not v.blockable
    assert batch.codes[0] == batch.codes[-1] == clf.classify(shown).codes
    codes = clf.classify_codes([shown])
    assert (RISKS[codes.risk[0]], TIERS[codes.tier[0]]) == (Risk.TRUSTED, Tier.NEVER_BLOCK)
