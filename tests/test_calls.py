"""fraudnum.calls: each pattern's edges, the inputs both ways take, and the pattern table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

from fraudnum import Risk, TableError
from fraudnum.calls import (
    CallDetector,
    CallMonitor,
    CallRecord,
    PatternRule,
    builtin_patterns,
    detect_calls,
    load_patterns,
    synthetic_traffic,
    to_columns,
)
from fraudnum.calls._patterns import COLUMNS, OPTIONAL_COLUMNS
from fraudnum.texts import builtin_reasons

T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC: a window boundary of every pattern
MVNO = "17012345678"


def _spread(i: int) -> str:
    """The i-th of many mobiles in different blocks of 10,000 and with plain tails."""
    return f"13{(i * 37) % 10}{(i * 7_919 + 1_234_567) % 10_000_000:07d}1"


def _calls(
    caller: str,
    callees: list[str],
    *,
    step: float = 10.0,
    ring: float = 1.0,
    answered: bool = False,
    talk: float = 0.0,
    t0: float = T0 + 60,
) -> list[CallRecord]:
    return [
        CallRecord(caller, c, t0 + step * i, ring, answered, talk if answered else 0.0)
        for i, c in enumerate(callees)
    ]


def _patterns(records: Any, detector: CallDetector | None = None) -> list[str]:
    return sorted({f.pattern for f in (detector or CallDetector()).detect(records)})


# -- each pattern just under and just over its thresholds ------------------------------


def test_one_ring_at_ten_numbers_not_nine():
    assert "one_ring" not in _patterns(_calls(MVNO, [_spread(i) for i in range(9)]))
    assert "one_ring" in _patterns(_calls(MVNO, [_spread(i) for i in range(10)]))


def test_one_ring_needs_short_rings():
    callees = [_spread(i) for i in range(10)]
    assert "one_ring" not in _patterns(_calls(MVNO, callees, ring=3.5))
    assert "one_ring" in _patterns(_calls(MVNO, callees, ring=3.0))


def test_one_ring_needs_eighty_percent_short():
    calls = _calls(MVNO, [_spread(i) for i in range(10)])
    three_answered = calls[:7] + [
        CallRecord(r.caller, r.callee, r.start, 1.0, True, 5.0) for r in calls[7:]
    ]
    two_answered = calls[:8] + three_answered[8:]
    assert "one_ring" not in _patterns(three_answered)
    assert "one_ring" in _patterns(two_answered)


def test_one_ring_from_abroad_at_five_numbers():
    intl = "00447911123456"
    under = _patterns(_calls(intl, [_spread(i) for i in range(4)], step=300))
    over = _patterns(_calls(intl, [_spread(i) for i in range(5)], step=300))
    assert "one_ring_international" not in under
    assert "one_ring_international" in over
    # The same calls from a mobile are too few for anything.
    assert _patterns(_calls(MVNO, [_spread(i) for i in range(5)], step=300)) == []


def _bombing(
    n: int,
    unanswered: int | None = None,
    victim: str = "13912345678",
    callers: int = 3,
    step: float = 20,
) -> list[CallRecord]:
    unanswered = n if unanswered is None else unanswered
    return [
        CallRecord(
            f"1701234{i % callers:04d}",
            victim,
            T0 + 60 + step * i,
            2.0,
            i >= unanswered,
            3.0 if i >= unanswered else 0.0,
        )
        for i in range(n)
    ]


def test_call_bombing_at_twelve_calls_not_eleven():
    assert "call_bombing" not in _patterns(_bombing(11))
    found = [f for f in CallDetector().detect(_bombing(12)) if f.pattern == "call_bombing"]
    assert found
    assert found[0].key == "callee"
    assert found[0].number == "13912345678"
    assert found[0].distinct == 3
    assert found[0].calls == 12


def test_call_bombing_needs_sixty_percent_unanswered():
    # All within one stretch both windows see whole (a sub-burst is judged on its own).
    assert "call_bombing" not in _patterns(_bombing(20, unanswered=11, step=5))
    assert "call_bombing" in _patterns(_bombing(20, unanswered=12, step=5))


def test_call_bombing_of_a_hotline_is_no_bombing():
    """Hotlines receive many calls by design: the pattern names the victims it applies to."""
    assert "call_bombing" not in _patterns(_bombing(40, victim="95588"))


def test_mass_calling_at_thirty_numbers():
    answered = [i % 2 == 0 for i in range(40)]

    def calls(n: int) -> list[CallRecord]:
        return [
            CallRecord(
                "13812345678",
                _spread(i),
                T0 + 60 + 50 * i,
                8.0,
                answered[i],
                20.0 if answered[i] else 0.0,
            )
            for i in range(n)
        ]

    assert "mass_calling" not in _patterns(calls(29))
    assert "mass_calling" in _patterns(calls(30))


def test_mass_calling_needs_short_talk():
    def calls(talk: float) -> list[CallRecord]:
        return [
            CallRecord(
                "13812345678",
                _spread(i),
                T0 + 60 + 50 * i,
                8.0,
                i % 2 == 0,
                talk if i % 2 == 0 else 0.0,
            )
            for i in range(30)
        ]

    assert "mass_calling" in _patterns(calls(40.0))
    assert "mass_calling" not in _patterns(calls(41.0))


def _high_frequency(n: int, caller: str = "13812345678") -> list[CallRecord]:
    # Five customers called over and over, answered, with real conversations.
    return [CallRecord(caller, _spread(i % 5), T0 + 60 + 25 * i, 6.0, True, 15.0) for i in range(n)]


def test_high_frequency_at_sixty_calls_an_hour():
    assert _patterns(_high_frequency(59)) == []
    assert _patterns(_high_frequency(60)) == ["high_frequency"]


def test_a_long_95_number_is_worse_than_a_mobile():
    """The caller's own verdict is combined in: medium for a mobile, high for a long 95."""
    mobile = CallDetector().detect(_high_frequency(60))
    long95 = CallDetector().detect(_high_frequency(60, caller="95012345678"))
    assert {f.risk for f in mobile} == {Risk.MEDIUM}
    assert {f.risk for f in long95} == {Risk.HIGH}
    assert long95[0].codes == ("call_pattern_high_frequency", "call_pattern_caller")
    assert "95" in long95[0].reasons[1].zh


def test_segment_sweep_at_ten_numbers_of_one_block():
    block = [f"1391234{k:04d}" for k in range(0, 500, 50)]
    assert "segment_sweep" not in _patterns(_calls("13812345678", block[:9], step=120))
    found = [
        f
        for f in CallDetector().detect(_calls("13812345678", block, step=120))
        if f.pattern == "segment_sweep"
    ]
    assert found
    assert found[0].segment == "1391234"
    assert found[0].segment_callees == 10


def test_pretty_sweep_at_eight_pretty_numbers():
    tails = ["8888", "6666", "1234", "5678", "9999", "2888", "2288", "6868", "3333"]
    pretty = [f"13{i}{(i * 7_777) % 10_000:04d}{t}" for i, t in enumerate(tails)]
    assert "pretty_number_sweep" not in _patterns(_calls("13812345678", pretty[:7], step=120))
    assert "pretty_number_sweep" in _patterns(_calls("13812345678", pretty[:8], step=120))
    # Pretty numbers among many plain ones are not a pretty sweep.
    mixed = pretty[:8] + [_spread(i) for i in range(8)]
    assert "pretty_number_sweep" not in _patterns(_calls("13812345678", mixed, step=120))


def test_ordinary_calling_is_no_pattern():
    """Calls to a few contacts, answered, with a redial: nothing."""
    calls = [
        CallRecord(
            "13812345678",
            _spread(i % 3),
            T0 + 60 + 900 * i,
            6.0,
            i % 4 != 0,
            60.0 if i % 4 else 0.0,
        )
        for i in range(20)
    ]
    assert detect_calls(calls) == []


# -- the evidence and its explanation -----------------------------------------------------


def test_a_finding_cites_its_evidence_in_both_languages():
    calls = _calls(MVNO, [_spread(i) for i in range(38)], step=15, ring=2.0)
    found = next(f for f in detect_calls(calls) if f.pattern == "one_ring")
    assert found.calls == found.distinct == found.unanswered == found.short
    assert found.ring_median == 2.0
    assert f"{found.calls} calls to {found.distinct} numbers" in found.reasons[0].en
    assert f"打给 {found.distinct} 个号码" in found.reasons[0].zh
    assert found.first_call >= found.window_start
    assert found.last_call < found.window_end
    assert found.to_dict()["risk"] == "high"


def test_every_pattern_row_has_a_source_and_known_texts():
    reasons = builtin_reasons()
    rows = builtin_patterns()
    assert {r.code for r in rows} >= {
        "call_bombing",
        "one_ring",
        "mass_calling",
        "high_frequency",
        "segment_sweep",
        "pretty_number_sweep",
        "one_ring_international",
    }
    for r in rows:
        assert r.source
        assert r.reason in reasons
        assert r.window_s % 2 == 0


# -- inputs: every form gives the same answer, bad rows a clear error ---------------------


def _mixed_calls() -> list[CallRecord]:
    return _calls(MVNO, [_spread(i) for i in range(12)]) + _bombing(14)


def test_columns_arrow_and_records_agree():
    pa = pytest.importorskip("pyarrow")
    records = _mixed_calls()
    expected = detect_calls(records)
    assert expected
    cols: dict[str, Any] = {
        "caller": [r.caller for r in records],
        "callee": [r.callee for r in records],
        "start": [r.start for r in records],
        "ring_s": [r.ring_s for r in records],
        "answered": [r.answered for r in records],
        "talk_s": [r.talk_s for r in records],
    }
    assert detect_calls(cols) == expected
    table = pa.table(
        {
            **cols,
            "start": pa.array(
                [dt.datetime.fromtimestamp(t, dt.timezone.utc) for t in cols["start"]],
                pa.timestamp("ms", tz="UTC"),
            ),
        }
    )
    assert detect_calls(table) == expected
    as_ints = {**cols, "caller": np.array([int(c) for c in cols["caller"]])}
    assert detect_calls(as_ints) == expected


def test_caller_ids_in_any_written_form_are_one_number():
    records = _calls(MVNO, [_spread(i) for i in range(12)])
    written = [
        CallRecord("+86 170 1234 5678" if i % 2 else MVNO, r.callee, r.start, r.ring_s, False)
        for i, r in enumerate(records)
    ]
    assert detect_calls(written) == detect_calls(records)


def test_datetimes_are_seconds_and_naive_ones_utc():
    aware = dt.datetime(2026, 1, 1, 0, 1, tzinfo=dt.timezone.utc)
    naive = dt.datetime(2026, 1, 1, 0, 1)
    assert CallRecord("1", "2", aware, 1, False).start == T0 + 60
    assert CallRecord("1", "2", naive, 1, False).start == T0 + 60


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("caller", ["13812345678", None, "13812345678"], "row 1: caller"),
        ("ring_s", [1.0, 2.0, float("nan")], "row 2: ring_s"),
        ("ring_s", [1.0, -2.0, 1.0], "row 1: ring_s"),
        ("start", [T0, float("inf"), T0], "row 1: start"),
        ("talk_s", [0.0, 0.0, 5.0], "row 2: talk_s is 5.0 but the call was not answered"),
    ],
)
def test_a_bad_row_is_named(column, values, message):
    cols = {
        "caller": ["13812345678"] * 3,
        "callee": ["13912345678"] * 3,
        "start": [T0, T0 + 1, T0 + 2],
        "ring_s": [1.0, 1.0, 1.0],
        "answered": [False, False, False],
        "talk_s": [0.0, 0.0, 0.0],
        column: values,
    }
    with pytest.raises(ValueError, match=message):
        to_columns(cols)


def test_a_missing_column_is_named():
    with pytest.raises(ValueError, match="ring_s, answered"):
        to_columns({"caller": [], "callee": [], "start": []})


def test_a_missing_arrow_value_is_named():
    pa = pytest.importorskip("pyarrow")
    table = pa.table(
        {
            "caller": ["13812345678", "13812345678"],
            "callee": ["13912345678", None],
            "start": [T0, T0],
            "ring_s": [1.0, 1.0],
            "answered": [False, False],
        }
    )
    with pytest.raises(ValueError, match="row 1: callee is missing"):
        detect_calls(table)


def test_call_record_validates_its_fields():
    with pytest.raises(ValueError, match="ring_s"):
        CallRecord("1", "2", T0, -1, False)
    with pytest.raises(ValueError, match="not answered"):
        CallRecord("1", "2", T0, 1, False, 10)
    with pytest.raises(TypeError):
        CallRecord(13812345678, "2", T0, 1, False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="start"):
        CallRecord("1", "2", "yesterday", 1, False)
    with pytest.raises(TypeError):
        detect_calls(42)


def test_hidden_callers_bomb_a_victim_but_are_never_a_caller_finding():
    calls = [CallRecord("Unknown", "13912345678", T0 + 60 + 20 * i, 2.0, False) for i in range(15)]
    found = detect_calls(calls)
    assert {(f.pattern, f.key) for f in found} == {("call_bombing", "callee")}
    assert {f.distinct for f in found} == {1}


# -- out of order, duplicates, skew --------------------------------------------------------


def test_order_and_duplicates_do_not_change_the_batch():
    records = _mixed_calls()
    expected = detect_calls(records)
    shuffled = list(reversed(records))
    assert detect_calls(shuffled) == expected
    assert detect_calls(records + records[::2]) == expected


def test_records_split_by_key_give_the_same_findings():
    """Windows are per key: each caller's (or victim's) records alone give its findings."""
    traffic = synthetic_traffic(3_000, seed=5)
    detector = CallDetector()
    expected = detector.detect(traffic.calls)
    assert {f.key for f in expected} == {"caller", "callee"}
    cols = traffic.calls
    split = []
    for key in ("caller", "callee"):
        numbers = getattr(cols, key)
        # Two parts of the keys, by the parity of the number: no key in both.
        for part in (0, 1):
            rows = np.flatnonzero(numbers % np.uint64(2) == np.uint64(part))
            split += detector.detect(cols.take(rows), keys=[key])
    assert sorted(split, key=lambda f: (f.window_start, f.pattern, f.key, f.number)) == expected
    assert {f.key for f in detector.detect(cols, keys=["callee"])} == {"callee"}
    with pytest.raises(ValueError, match="keys must be"):
        detector.detect(cols, keys=["victim"])
    with pytest.raises(ValueError, match="keys must be"):
        detector.detect(cols, keys="caller")


def test_the_monitor_takes_skewed_records_and_counts_late_ones():
    records = _mixed_calls()
    skewed = sorted(records, key=lambda r: r.start + (50 if hash(r.callee) % 2 else 0))
    monitor = CallMonitor(max_skew_s=60)
    found = [f for r in skewed for f in monitor.feed(r)] + monitor.close()
    assert sorted(found, key=lambda f: (f.window_start, f.pattern, f.key, f.number)) == (
        detect_calls(records)
    )
    assert monitor.late == 0
    # A record for windows already reported is dropped and counted, not silently lost.
    late = CallMonitor(max_skew_s=0)
    late.feed(CallRecord("1", "2", T0 + 5 * 86400, 1, False))
    late.feed(CallRecord("1", "2", T0 + 6 * 86400, 1, False))
    assert late.feed(CallRecord("1", "2", T0, 1, False)) == []
    assert late.late == 1


# -- the monitor ---------------------------------------------------------------------------


def test_monitor_reports_a_window_when_it_closes_and_peek_sees_it_first():
    monitor = CallMonitor(max_skew_s=0)
    for r in _bombing(15, step=5):  # all before the first window closes
        assert monitor.feed(r) == []
    seen_now = monitor.peek()
    assert "call_bombing" in {f.pattern for f in seen_now}
    later = monitor.feed(CallRecord("13800000000", "13900000000", T0 + 7200, 30, False))
    assert {f.pattern for f in later} == {"call_bombing"}
    assert {f.pattern for f in monitor.close()} <= {"call_bombing"}


def test_monitor_memory_is_bounded_by_the_open_windows():
    traffic = synthetic_traffic(30_000, days=3.0, seed=3)
    cols = traffic.calls
    monitor = CallMonitor(max_skew_s=60)
    longest = max(p.window_s for p in monitor.detector.patterns)
    most = 0
    for lo in range(0, len(cols), 2_000):
        monitor.feed(cols.take(np.arange(lo, min(lo + 2_000, len(cols)))))
        latest = float(cols.start[min(lo + 2_000, len(cols)) - 1])
        recent = int((cols.start >= latest - 1.5 * longest - 60 - 2 * 1800).sum())
        assert monitor.held <= recent
        most = max(most, monitor.held)
    assert most < len(cols) / 2
    assert monitor.memory_bytes > 0


def test_monitor_refuses_to_grow_past_its_cap():
    monitor = CallMonitor(max_records=10)
    with pytest.raises(OverflowError, match="max_records"):
        monitor.feed(_bombing(11))


@pytest.mark.parametrize(
    "bad", [{"max_skew_s": -1}, {"max_skew_s": float("nan")}, {"max_records": 0}]
)
def test_monitor_options_are_checked(bad):
    with pytest.raises(ValueError, match="max_"):
        CallMonitor(**bad)


def _called_back(records: list[CallRecord], backs: int) -> list[CallRecord]:
    """The records with the first ``backs`` called back and the others not."""
    return [attrs.evolve(r, called_back=i < backs) for i, r in enumerate(records)]


def test_one_ring_called_back_at_two_call_backs_not_one():
    calls = _calls(MVNO, [_spread(i) for i in range(5)], step=300)
    assert "one_ring" not in _patterns(calls)  # five numbers are too few for plain one-ring
    assert "one_ring_called_back" not in _patterns(_called_back(calls, 1))
    found = list(CallDetector().detect(_called_back(calls, 2)))
    hit = next(f for f in found if f.pattern == "one_ring_called_back")
    assert hit.called_back == 2
    assert hit.risk is Risk.HIGH
    assert hit.reasons[0].code == "call_pattern_one_ring_called_back"
    assert "已有 2 次被回拨" in hit.reasons[0].zh
    assert "2 of the calls" in hit.reasons[0].en


def test_unknown_call_backs_never_count():
    calls = _calls(MVNO, [_spread(i) for i in range(5)], step=300)
    unknown = [attrs.evolve(r, called_back=None) for r in calls]
    assert "one_ring_called_back" not in _patterns(unknown)


def test_a_file_without_the_called_back_column_still_loads(tmp_path: Path):
    columns = [c for c in COLUMNS if c not in OPTIONAL_COLUMNS]
    row = _row().split(",")
    kept = [cell for c, cell in zip(COLUMNS, row, strict=True) if c not in OPTIONAL_COLUMNS]
    path = tmp_path / "old.csv"
    path.write_text(",".join(columns) + "\n" + ",".join(kept) + "\n", encoding="utf-8")
    rule = next(r for r in load_patterns(path) if r.code == "one_ring")
    assert rule.min_called_back is None
    assert rule.min_distinct == 5


# -- the user's pattern file ---------------------------------------------------------------


def _row(**cells: str) -> str:
    base = dict.fromkeys(COLUMNS, "")
    base.update(
        code="one_ring",
        key="caller",
        window_s="600",
        min_calls="5",
        min_distinct="5",
        short_ring_s="3",
        min_short_share="0.8",
        risk="high",
        reason="call_pattern_one_ring",
        source="ours: test",
    )
    base.update(cells)
    return ",".join(base[c] for c in COLUMNS)


def test_a_user_file_overrides_a_threshold(tmp_path: Path):
    path = tmp_path / "patterns.csv"
    path.write_text(",".join(COLUMNS) + "\n" + _row() + "\n", encoding="utf-8")
    rules = load_patterns(path)
    assert next(r for r in rules if r.code == "one_ring").min_distinct == 5
    assert len(rules) == len(builtin_patterns())
    calls = _calls(MVNO, [_spread(i) for i in range(6)])
    assert "one_ring" not in _patterns(calls)
    assert "one_ring" in _patterns(calls, CallDetector(patterns=path))


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"window_s": "601"}, "window_s must be an even"),
        ({"min_short_share": "1.5"}, "min_short_share must be between 0 and 1"),
        ({"min_calls": "x"}, "min_calls must be a whole number"),
        ({"key": "victim"}, "key must be caller or callee"),
        ({"reason": "nope"}, "reason 'nope' is not in reasons.csv"),
        ({"risk": "trusted"}, "cannot make a number trusted"),
        ({"caller_kinds": "alien"}, "kind 'alien'"),
        ({"source": ""}, "source is required"),
        ({"short_ring_s": ""}, "go together"),
        ({"key": "callee", "min_called_back": "2"}, "min_called_back needs key caller"),
        ({"min_called_back": "0"}, "min_called_back must be between 1"),
    ],
)
def test_a_bad_user_file_names_its_line(tmp_path: Path, cells, message):
    path = tmp_path / "patterns.csv"
    path.write_text(
        "# my thresholds\n"
        + ",".join(COLUMNS)
        + "\n"
        + _row(code="mine")
        + "\n"
        + _row(**cells)
        + "\n",
        encoding="utf-8",
    )
    detector = CallDetector()
    with pytest.raises(TableError, match=message) as info:
        CallDetector(patterns=path)
    assert info.value.line == 4
    # The detector built before is untouched.
    assert detector.patterns == builtin_patterns()


def test_a_user_file_with_an_unknown_column_or_a_repeat_is_refused(tmp_path: Path):
    path = tmp_path / "patterns.csv"
    path.write_text(",".join([*COLUMNS, "colour"]) + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="unknown column"):
        load_patterns(path)
    path.write_text(",".join(COLUMNS) + "\n" + _row() + "\n" + _row() + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="line 3: duplicate code"):
        load_patterns(path)


def test_pattern_rows_in_code_are_checked():
    with pytest.raises(TypeError):
        CallDetector(patterns=["one_ring"])  # type: ignore[list-item]
    rule = PatternRule("x", "caller", 600, min_calls=3, reason="call_pattern_one_ring")
    with pytest.raises(ValueError, match="share a code"):
        CallDetector(patterns=[rule, rule])


def test_arrow_numbers_in_any_script_are_read_like_classify_reads_them():
    pa = pytest.importorskip("pyarrow")
    from fraudnum.calls._records import decode_number, encode_numbers

    written = [
        "13912345678",
        "１３９１２３４５６７８",
        "+86 139 1234 5678",
        "0044201234567",
        "Unknown",
    ]
    codes = encode_numbers(pa.array(written))
    assert [decode_number(int(c)) for c in codes] == [
        "13912345678",
        "13912345678",
        "13912345678",
        "0044201234567",
        "",
    ]
    assert list(encode_numbers(pa.array(written).dictionary_encode())) == list(codes)


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_dataframes_give_the_answer_of_records(library: str) -> None:
    lib = pytest.importorskip(library)
    records = _mixed_calls()
    frame = lib.DataFrame(
        {
            "caller": [r.caller for r in records],
            "callee": [r.callee for r in records],
            "start": [r.start for r in records],
            "ring_s": [r.ring_s for r in records],
            "answered": [r.answered for r in records],
            "talk_s": [r.talk_s for r in records],
        }
    )
    assert detect_calls(frame) == detect_calls(records)
