"""fraudnum.calls on generated traffic: the monitor is the batch; never-block is never flagged."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fraudnum.calls import (
    CallColumns,
    CallDetector,
    CallMonitor,
    CallRecord,
    detect_calls,
    synthetic_traffic,
)
from fraudnum.calls._patterns import COLUMNS
from fraudnum.calls._records import encode_numbers
from fraudnum.strategies import call_records

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NEVER_BLOCK = ("96110", "110", "119", "120", "122", "12381")


def ORDER(f):
    return (f.window_start, f.pattern, f.key, f.number)


def _chunks(cols: CallColumns, cuts: list[int]):
    edges = sorted({0, len(cols), *[c % (len(cols) + 1) for c in cuts]})
    for lo, hi in itertools.pairwise(edges):
        yield cols.take(np.arange(lo, hi))


@SETTINGS
@given(call_records(max_records=1_500), st.lists(st.integers(0, 10**6), max_size=6))
def test_the_monitor_finds_what_the_batch_finds(traffic, cuts):
    """Same records, any batching: the same findings, evidence and all."""
    detector = CallDetector()
    expected = detector.detect(traffic.calls)
    monitor = CallMonitor(detector, max_skew_s=0)
    found = [f for part in _chunks(traffic.calls, cuts) for f in monitor.feed(part)]
    found += monitor.close()
    assert sorted(found, key=ORDER) == expected
    assert monitor.late == 0
    assert [f.reasons for f in sorted(found, key=ORDER)] == [f.reasons for f in expected]


@SETTINGS
@given(call_records(max_records=800, max_each=1))
def test_injected_patterns_are_found(traffic):
    """Each injected pattern is found for its number, over its own calls."""
    found = detect_calls(traffic.calls)
    for truth in traffic.injected:
        hits = [
            f
            for f in found
            if f.pattern == truth.pattern
            and f.number == truth.number
            and f.first_call <= truth.last_call
            and f.last_call >= truth.first_call
        ]
        assert hits, truth


def _as_never_block(cols: CallColumns, which: np.ndarray, number: str) -> CallColumns:
    caller = cols.caller.copy()
    caller[which] = encode_numbers(np.array([number]))[0]
    return CallColumns(
        caller,
        cols.callee,
        cols.start,
        cols.ring_s,
        cols.answered,
        cols.talk_s,
        cols.called_back,
    )


@pytest.fixture(scope="module")
def greedy_rules(tmp_path_factory) -> Path:
    """A user's table flagging any caller with two calls an hour: never-block still wins."""
    path = tmp_path_factory.mktemp("rules") / "greedy.csv"
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        code="greedy",
        key="caller",
        window_s="3600",
        min_calls="2",
        risk="high",
        reason="call_pattern_high_frequency",
        source="ours: test",
    )
    victim = {**row, "code": "greedy_victim", "key": "callee"}
    lines = [",".join(COLUMNS)] + [",".join(r[c] for c in COLUMNS) for r in (row, victim)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(path)


@SETTINGS
@given(
    traffic=call_records(max_records=600, max_each=1),
    number=st.sampled_from(NEVER_BLOCK),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_never_block_number_is_never_a_pattern(traffic, number, seed, greedy_rules):
    """96110, 110, 12381 ... doing any pattern's calls are never flagged, nor counted.

    Even under a user's greedy rules, and never towards a victim's call bombing.
    """
    cols = traffic.calls
    rng = np.random.default_rng(seed)
    # The injected patterns' callers, and a random share of everyone, become the number.
    injected = {t.number for t in traffic.injected if t.key == "caller"}
    from fraudnum.calls._records import decode_numbers

    callers = decode_numbers(cols.caller)
    which = np.isin(callers, list(injected)) | (rng.random(len(cols)) < 0.3)
    cols = _as_never_block(cols, which, number)
    for detector in (CallDetector(), CallDetector(patterns=greedy_rules)):
        for f in detector.detect(cols):
            assert f.number != number or f.key == "callee"
            assert number not in f.parties or f.key == "caller"
            verdict = f.caller_verdict
            assert verdict is None or verdict.blockable


def test_a_never_block_number_bombing_a_victim_is_not_counted():
    calls = [
        CallRecord("96110", "13912345678", 1_767_225_660.0 + 10 * i, 2.0, False) for i in range(30)
    ]
    assert detect_calls(calls) == []
    # Mixed with a harasser, only the harasser's calls count.
    calls += [
        CallRecord("17012345678", "13912345678", 1_767_225_665.0 + 10 * i, 2.0, False)
        for i in range(12)
    ]
    found = detect_calls(calls)
    assert found
    assert {f.calls for f in found} == {12}
    assert {f.parties for f in found} == {("17012345678",)}


def test_generated_traffic_is_reproducible_and_checked():
    a = synthetic_traffic(2_000, seed=5)
    b = synthetic_traffic(2_000, seed=5)
    assert np.array_equal(a.calls.caller, b.calls.caller)
    assert a.injected == b.injected
    assert bool(np.all(np.diff(a.calls.start) >= 0))
    assert len(a.records()) == len(a)
    with pytest.raises(ValueError, match="unknown pattern"):
        synthetic_traffic(10, inject={"nope": 1})
    with pytest.raises(ValueError, match="days"):
        synthetic_traffic(10, days=0)


def test_the_strategy_checks_its_options():
    from hypothesis.errors import InvalidArgument

    for bad in (
        {"min_records": -1},
        {"min_records": 5, "max_records": 1},
        {"patterns": ["nope"]},
        {"patterns": "one_ring"},
        {"days": 0},
    ):
        with pytest.raises(InvalidArgument):
            call_records(**bad)


def test_every_injected_bombing_is_mostly_unanswered_and_found():
    """A 呼死你 injection never has more than a quarter of its calls answered.

    A free draw once gave 6 answered calls of 14, which is no bombing by the
    table's definition (most calls unanswered), so the property test above failed
    on the generator, not the detector. Seeded, so it always runs the same draws.
    """
    for seed in range(300):
        traffic = synthetic_traffic(0, inject={"call_bombing": 1}, seed=seed)
        (truth,) = traffic.injected
        cols = traffic.calls
        mine = cols.callee == encode_numbers([truth.number])[0]
        assert mine.sum() == truth.calls
        assert cols.answered[mine].sum() <= max(1, truth.calls // 4), seed
        found = detect_calls(cols)
        assert {(f.pattern, f.number) for f in found} == {("call_bombing", truth.number)}, seed
