"""The crowd-tag store: building, lookups, merging, pickling, sources and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fraudnum.tags import (
    BadRowsError,
    Delta,
    Tag,
    TagArrays,
    TagStore,
    TagStoreError,
    build,
    merge,
    number_key,
)
from fraudnum.tags.categories import builtin_categories, category_by_name
from fraudnum.tags.cli import main as store_main
from fraudnum.tags.format import COUNT_BUCKETS, count_bucket, decode_key, ef_bits, encode_key

BACKENDS = ["compiled", "python"]


def _tag(store: TagStore, number: str) -> Tag:
    tag = store.lookup(number)
    assert tag is not None, number
    return tag


def _tagk(store: TagStore, key: int) -> Tag:
    tag = store.lookup_key(key)
    assert tag is not None, key
    return tag


D = dt.date

ROWS = [
    ("+86 139 1234 5678", "fraud", 1234, "2026-11-30"),
    ("139-1234-5679", "诈骗", 7, "2026-11-29"),
    ("010-65612308", "harassment", 3, "2026-11-01"),
    ("95588", "marketing", 1, "2026-10-01"),
    ("400-810-8888", "debt_collection", 50, "2026-11-02"),
    ("+1 415 555 0123", "fraud", 2, "2026-11-03"),
]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def store(tmp_path, backend):
    path = tmp_path / "marks.fntags"
    build(ROWS, path, backend=backend, progress=False)
    with TagStore.open(path, backend=backend) as s:
        yield s


def test_lookup_any_written_form(store):
    for number in ("13912345678", "+86 139 1234 5678", "0086-139-1234-5678", "139 1234 5678"):
        tag = store.lookup(number)
        assert tag is not None
        assert tag.category.name == "fraud"
        assert tag.count == 1000
        assert not tag.count_exact
        assert tag.last_marked == D(2026, 11, 30)
    assert _tag(store, "(010) 6561 2308").category.name == "harassment"
    assert _tag(store, "+14155550123").category.name == "fraud"
    assert _tag(store, "4008108888").count == 50
    assert store.lookup("13912345670") is None
    assert store.lookup("not a number") is None
    assert store.lookup("") is None


def test_lookup_digits_and_keys(store):
    assert _tag(store, "95588").category.name == "marketing"
    assert store.lookup_digits("01065612308") is not None
    assert store.lookup_digits("0014155550123") is not None
    assert store.lookup_digits("1065612308") is None  # without the trunk 0: another number
    assert store.lookup_digits("1" * 30) is None
    with pytest.raises(TagStoreError):
        store.lookup_digits("139x")
    assert _tagk(store, number_key("13912345679")).count == 5
    assert store.lookup_key(13912345679) == store.lookup_digits("13912345679")
    assert "13912345678" in store
    assert "13912345670" not in store
    assert len(store) == len(ROWS)


def test_reason_texts(store):
    assert _tag(store, "13912345678").reason_texts() == (
        "被 1,000 位以上用户标记为诈骗（最近 2026-11-30）",
        "marked as fraud by 1,000+ users (last 2026-11-30)",
    )
    assert _tag(store, "95588").reason_texts() == (
        "被 1 位用户标记为广告推销（最近 2026-10-01）",
        "marked as marketing by 1 user (last 2026-10-01)",
    )
    tag = store.lookup("01065612308")
    assert tag.code == "crowd_marked_harassment"
    assert tag.to_dict()["en"] == "marked as harassment by 3 users (last 2026-11-01)"


def test_reason_texts_exact_count_of_issue():
    cat = builtin_categories()[0]
    tag = Tag(cat, 1234, True, D(2026, 11, 30))
    assert tag.reason_texts() == (
        "被 1,234 位用户标记为诈骗（最近 2026-11-30）",
        "marked as fraud by 1,234 users (last 2026-11-30)",
    )
    assert Tag(cat, 5, False, None).reason_texts()[1] == "marked as fraud by 5+ users"


def _wording_before_issue_12(tag: Tag) -> tuple[str, str]:
    """How Tag.reason_texts worded a tag when the text was built in code (the oracle)."""
    n = f"{tag.count:,}"
    zh_n = f"{n} 位" if tag.count_exact else f"{n} 位以上"
    users = "user" if tag.count == 1 and tag.count_exact else "users"
    en_n = f"{n} {users}" if tag.count_exact else f"{n}+ users"
    zh, en = f"被 {zh_n}用户标记为{tag.category.zh}", f"marked as {tag.category.en} by {en_n}"
    if tag.last_marked is not None:
        zh += f"（最近 {tag.last_marked.isoformat()}）"
        en += f" (last {tag.last_marked.isoformat()})"
    return zh, en


@given(
    st.sampled_from(builtin_categories()),
    st.integers(1, 10**6),
    st.booleans(),
    st.none() | st.dates(D(2000, 1, 1), D(2100, 1, 1)),
)
def test_reason_texts_from_reasons_csv_read_as_before(category, count, exact, day):
    """Issue 12: the wording moved to data/reasons.csv, the output did not change."""
    tag = Tag(category, count, exact, day)
    assert tag.reason_texts() == _wording_before_issue_12(tag)


def test_reason_texts_are_data(monkeypatch: pytest.MonkeyPatch):
    """Rewording a crowd_marks row of reasons.csv rewords the tag: no code holds the text."""
    from fraudnum.tags import tag as store_module
    from fraudnum.texts import ReasonText, builtin_reasons

    table = dict(builtin_reasons())
    table["crowd_marks_last"] = ReasonText(
        "crowd_marks_last", "{category_zh}×{count}", "{count}!", "t"
    )
    monkeypatch.setattr(store_module, "builtin_reasons", lambda: table)
    tag = Tag(builtin_categories()[0], 7, True, D(2026, 11, 30))
    assert tag.reason_texts() == ("诈骗×7", "7!")


def test_lookup_batch_keys_and_strings(store):
    keys = np.array(
        [number_key("13912345678"), 13912345679, number_key("95588"), 13800000000], np.uint64
    )
    b = store.lookup_batch(keys)
    assert b.found.tolist() == [True, True, True, False]
    assert b.categories.tolist() == [1, 1, 3, 0]
    assert b.counts.tolist() == [1000, 5, 1, 0]
    assert str(b.last_marked[0]) == "2026-11-30"
    assert np.isnat(b.last_marked[3])
    assert b[0] == store.lookup("13912345678")
    assert b[3] is None
    assert len(b) == 4
    s = store.lookup_batch(["+86 139 1234 5678", "garbage", "010 6561 2308"])
    assert s.found.tolist() == [True, False, True]
    i64 = store.lookup_batch(np.array([13912345678, -1], np.int64))
    assert i64.found.tolist() == [True, False]


def test_to_arrays_and_items_round_trip(store):
    arr = store.to_arrays()
    assert np.all(arr.keys[1:] > arr.keys[:-1])
    digits = [decode_key(k) for k in arr.keys.tolist()]
    assert sorted(digits, key=encode_key) == digits
    assert set(digits) == {
        "13912345678",
        "13912345679",
        "01065612308",
        "95588",
        "4008108888",
        "0014155550123",
    }
    items = dict(store.items())
    assert items["95588"] == store.lookup("95588")


def test_info_and_verify(store):
    info = store.info()
    assert info["numbers"] == 6
    assert info["mobile"] == 2
    assert info["other"] == 4
    assert info["newest_mark"] == "2026-11-30"
    assert info["params"]["operation"] == "build"
    json.dumps(info)
    store.verify()
    assert store.as_of == D(2026, 11, 30)


def test_bad_rows_are_reported_with_line_numbers(tmp_path):
    src = tmp_path / "marks.csv"
    src.write_text(
        "number,category,count,last_marked\n"
        "13912345678,fraud,3,2026-11-30\n"
        "nonsense,fraud,3,2026-11-30\n"
        "13912345679,nosuch,3,2026-11-30\n"
        "13912345670,fraud,0,2026-11-30\n"
        "13912345671,fraud,2,30/11/2026\n"
        "13912345672,fraud,2\n",
        encoding="utf-8",
    )
    with pytest.raises(BadRowsError) as e:
        build(src, tmp_path / "s.fntags", progress=False)
    lines = [err.where.rsplit(":", 1)[1] for err in e.value.errors]
    assert lines == ["3", "4", "5", "6", "7"]
    assert "5 bad row(s)" in str(e.value)
    assert not (tmp_path / "s.fntags").exists()
    report = build(src, tmp_path / "s.fntags", on_error="skip", progress=False)
    assert report.numbers == 1
    assert report.skipped == 5
    assert len(report.errors) == 5


def test_csv_header_must_name_the_columns(tmp_path):
    src = tmp_path / "marks.csv"
    src.write_text("phone,kind\n13912345678,fraud\n", encoding="utf-8")
    with pytest.raises(TagStoreError, match="missing column"):
        build(src, tmp_path / "s.fntags")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(TagStoreError, match="empty"):
        build(tmp_path / "empty.csv", tmp_path / "s.fntags")


def test_later_row_wins(tmp_path):
    rows = [("13912345678", "fraud", 3, "2026-11-01"), ("13912345678", "taxi", 2, "2026-11-02")]
    report = build(rows, tmp_path / "s.fntags", progress=False)
    assert report.duplicates == 1
    with TagStore.open(tmp_path / "s.fntags") as s:
        assert _tag(s, "13912345678").category.name == "taxi"


def test_build_from_columns_and_arrow(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    feather = pytest.importorskip("pyarrow.feather")
    cols = {
        "number": ["13912345678", "010-65612308", "95588"],
        "category": ["fraud", "harassment", "marketing"],
        "count": [10, 2, 1],
        "last_marked": [D(2026, 11, 30), D(2026, 11, 1), D(2026, 10, 1)],
    }
    table = pa.table(cols)
    pq.write_table(table, tmp_path / "m.parquet")
    feather.write_feather(table, tmp_path / "m.arrow")
    for source in (tmp_path / "m.parquet", tmp_path / "m.arrow", table, cols):
        out = tmp_path / "s.fntags"
        build(source, out, progress=False)
        with TagStore.open(out) as s:
            assert len(s) == 3
            assert _tag(s, "13912345678").count == 10
            assert _tag(s, "01065612308").category.name == "harassment"
    np_cols = {
        "number": np.array([13912345678, number_key("95588")], np.uint64),
        "category": np.array([1, 3]),
        "count": np.array([1, 2]),
        "last_marked": np.array(["2026-11-30", "2026-11-01"], dtype="datetime64[D]"),
    }
    build(np_cols, tmp_path / "n.fntags", progress=False)
    with TagStore.open(tmp_path / "n.fntags") as s:
        assert _tag(s, "95588").count == 2
    bad = dict(np_cols, category=np.array([1, 99]))
    with pytest.raises(BadRowsError, match="row 1"):
        build(bad, tmp_path / "n.fntags", progress=False)


def test_empty_and_other_only_stores(tmp_path, backend):
    build([], tmp_path / "e.fntags", backend=backend)
    with TagStore.open(tmp_path / "e.fntags", backend=backend) as s:
        assert len(s) == 0
        assert s.lookup("13912345678") is None
        assert s.lookup_batch(np.array([1], np.uint64)).found.tolist() == [False]
        assert s.info()["bytes_per_number"] is None
    build([("95588", "fraud", 1, "2026-11-01")], tmp_path / "o.fntags", backend=backend)
    with TagStore.open(tmp_path / "o.fntags", backend=backend) as s:
        assert s.lookup("13912345678") is None
        assert s.lookup("95588") is not None


def test_dense_segment_and_every_bucket(tmp_path, backend):
    # A full segment (l = 0) beside a single-number segment (l = 13).
    keys = np.array([13912340000 + i for i in range(10000)] + [18600000000 + 9999], dtype=np.uint64)
    n = keys.size
    counts = np.array([COUNT_BUCKETS[i % 16] + (i % 3) for i in range(n)], np.uint32)
    arr = TagArrays(keys, np.full(n, 2, np.uint8), counts, np.full(n, 20500, np.int32))
    build(arr, tmp_path / "d.fntags", backend=backend)
    with TagStore.open(tmp_path / "d.fntags", backend=backend) as s:
        assert len(s) == n
        for i in (0, 1, 4999, 9998, 9999):
            t = s.lookup_key(13912340000 + i)
            assert t is not None
            assert t.count == COUNT_BUCKETS[count_bucket(int(counts[i]))]
        assert s.lookup_key(18600009999) is not None
        assert s.lookup_key(18600009998) is None
        b = s.lookup_batch(keys)
        assert b.found.all()


def test_day_width(tmp_path):
    rows = [("13912345678", "fraud", 1, "2025-01-01"), ("13912345679", "fraud", 1, "2026-11-30")]
    build(rows, tmp_path / "w.fntags")
    with TagStore.open(tmp_path / "w.fntags") as s:
        assert s.info()["day_width"] == 2
        assert _tag(s, "13912345678").last_marked == D(2025, 1, 1)
    with pytest.raises(TagStoreError, match="day_width"):
        build(rows, tmp_path / "x.fntags", day_width=1)
    build(rows, tmp_path / "z.fntags", day_width=0)
    with TagStore.open(tmp_path / "z.fntags") as s:
        assert _tag(s, "13912345678").last_marked is None
        assert _tag(s, "13912345678").reason_texts()[1] == "marked as fraud by 1 user"


def test_merge(tmp_path, backend):
    base = tmp_path / "base.fntags"
    build(ROWS, base, backend=backend)
    delta = [
        ("13912345678", "remove"),  # removed
        ("13800000000", "taxi", 2, "2026-12-01"),  # new
        ("95588", "fraud", 20, "2026-12-01"),  # updated
        ("13700000000", "remove"),  # not in the store
        ("13900000000", "fraud", 1, "2026-01-01", "add"),  # new but expired
    ]
    with TagStore.open(base, backend=backend) as s:
        report = merge(s, delta, tmp_path / "new.fntags", expire_before=D(2026, 11, 2))
    assert report.removed == 1
    assert report.removals_missing == 1
    assert report.updated == 1
    assert report.added == 1
    # 010 (2026-11-01) expired; 400 (11-02) kept; 95588 updated so fresh.
    assert report.expired == 1
    with TagStore.open(tmp_path / "new.fntags", backend=backend) as s:
        assert s.lookup("13912345678") is None
        assert _tag(s, "13800000000").category.name == "taxi"
        assert _tag(s, "95588").count == 20
        assert s.lookup("01065612308") is None
        assert s.lookup("4008108888") is not None
        assert s.lookup("13900000000") is None
        assert s.info()["params"]["operation"] == "merge"
        assert len(s) == report.numbers == 5


def test_merge_in_place_keeps_old_readers(tmp_path):
    path = tmp_path / "marks.fntags"
    build(ROWS, path)
    old = TagStore.open(path)
    merged = old.merge([("95588", "remove")], path)
    assert old.lookup("95588") is not None  # the old mapping is undisturbed
    assert merged.lookup("95588") is None
    assert TagStore.open(path).lookup("95588") is None
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    old.close()
    merged.close()


def test_delta_csv(tmp_path):
    path = tmp_path / "marks.fntags"
    build(ROWS, path)
    (tmp_path / "d.csv").write_text(
        "number,category,count,last_marked,action\n"
        "13912345678,,,,remove\n"
        "13800000000,taxi,2,2026-12-01,\n"
        "13800000001,taxi,2,2026-12-01,frobnicate\n",
        encoding="utf-8",
    )
    with pytest.raises(BadRowsError, match=r"d\.csv:4"):
        Delta.read(tmp_path / "d.csv")
    (tmp_path / "d.csv").write_text(
        "number,category,count,last_marked,action\n"
        "13912345678,,,,remove\n"
        "13800000000,taxi,2,2026-12-01,\n",
        encoding="utf-8",
    )
    d = Delta.read(tmp_path / "d.csv")
    assert len(d.upserts) == 1
    assert d.removals.tolist() == [number_key("13912345678")]
    with pytest.raises(TagStoreError, match="delta"):
        build(tmp_path / "d.csv", tmp_path / "x.fntags")


def test_expire_needs_days(tmp_path):
    build(ROWS, tmp_path / "s.fntags", day_width=0)
    with (
        TagStore.open(tmp_path / "s.fntags") as s,
        pytest.raises(TagStoreError, match="no days"),
    ):
        merge(s, [], tmp_path / "t.fntags", expire_before=D(2026, 1, 1))


def test_pickle_reopens_and_detects_replacement(tmp_path, backend):
    path = tmp_path / "marks.fntags"
    build(ROWS, path, backend=backend)
    with TagStore.open(path, backend=backend) as s:
        blob = pickle.dumps(s)
        again = pickle.loads(blob)
        assert again.lookup("95588") == s.lookup("95588")
        again.close()
        build(ROWS[:2], path, backend=backend)
        with pytest.raises(TagStoreError, match="changed"):
            pickle.loads(blob)


def test_closed_store_raises(tmp_path):
    build(ROWS, tmp_path / "s.fntags")
    s = TagStore.open(tmp_path / "s.fntags")
    s.close()
    with pytest.raises(TagStoreError, match="closed"):
        s.lookup("95588")


def test_categories_table():
    cats = builtin_categories()
    assert [c.code for c in cats] == list(range(1, 16))
    assert all(c.source and c.zh and c.en for c in cats)
    assert category_by_name("诈骗") == category_by_name("fraud") == category_by_name("1") == 1
    assert category_by_name("Debt Collection") == 4
    with pytest.raises(TagStoreError):
        category_by_name("nope")


def test_key_encoding():
    assert decode_key(encode_key("01065612308")) == "01065612308"
    assert decode_key(13912345678) == "13912345678"
    assert encode_key("95588") != encode_key("095588")
    for bad in ("", "1" * 18, "12a", "１２３"):
        with pytest.raises(TagStoreError):
            encode_key(bad)
    with pytest.raises(TagStoreError):
        decode_key((20 << 57) | 5)
    assert ef_bits(0) == 0
    assert ef_bits(10000) == 20000


# ------------------------------------------------------------------------- CLI


def _cli(argv: list[str], stdin: str = "") -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    status = store_main(argv, io.StringIO(stdin), out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_cli_round_trip(tmp_path, capsys):
    src = tmp_path / "m.csv"
    src.write_text(
        "number,category,count,last_marked\n"
        + "".join(f"{n},{c},{k},{d}\n" for n, c, k, d in ROWS),
        encoding="utf-8",
    )
    store = tmp_path / "m.fntags"
    status, out = _cli(["store", "build", "--quiet", str(src), str(store)])
    assert status == 0
    assert out[0]["numbers"] == 6
    status, out = _cli(["store", "info", str(store)])
    assert status == 0
    assert out[0]["verified"] is True
    status, out = _cli(["store", "lookup", str(store), "+86 139 1234 5678", "13800000000"])
    assert [o["found"] for o in out] == [True, False]
    assert out[0]["zh"].startswith("被 1,000 位以上用户标记为诈骗")
    status, out = _cli(["store", "lookup", str(store)], stdin="95588\n\n010-65612308\n")
    assert [o["number"] for o in out] == ["95588", "010-65612308"]
    delta = tmp_path / "d.csv"
    delta.write_text(
        "number,category,count,last_marked,action\n95588,,,,remove\n", encoding="utf-8"
    )
    status, out = _cli(["store", "merge", "--quiet", str(store), str(delta), str(store)])
    assert status == 0
    assert out[0]["removed"] == 1


def test_cli_errors_exit_2(tmp_path, capsys):
    src = tmp_path / "m.csv"
    src.write_text("number,category,count,last_marked\nxx,fraud,1,2026-11-01\n", encoding="utf-8")
    status, _ = _cli(["store", "build", str(src), str(tmp_path / "s.fntags")])
    assert status == 2
    err = capsys.readouterr().err
    assert "m.csv:2" in err
    assert "--skip-bad-rows" in err
    status, _ = _cli(["store", "build", "--skip-bad-rows", str(src), str(tmp_path / "s.fntags")])
    assert status == 0
    assert "skipped" in capsys.readouterr().err
    junk = tmp_path / "junk.fntags"
    junk.write_bytes(b"x" * 1000)
    for argv in (
        ["store", "info", str(junk)],
        ["store", "lookup", str(junk), "95588"],
        ["store", "info", str(tmp_path / "missing.fntags")],
        ["store", "merge", str(junk), str(src), str(tmp_path / "o.fntags")],
    ):
        status, _ = _cli(argv)
        assert status == 2, argv
        assert capsys.readouterr().err.startswith("fraudnum: error: ")


def test_main_cli_registers_store(tmp_path):
    from fraudnum.cli import main

    src = tmp_path / "m.csv"
    src.write_text("number,category,count,last_marked\n95588,fraud,1,2026-11-01\n", "utf-8")
    out = io.StringIO()
    assert main(["store", "build", "--quiet", str(src), str(tmp_path / "s.fntags")], None, out) == 0
    out = io.StringIO()
    assert main(["store", "lookup", str(tmp_path / "s.fntags"), "95588"], None, out) == 0
    assert json.loads(out.getvalue())["category"] == "fraud"


def test_progress_bar_only_when_asked(tmp_path, capsys):
    rows = [(f"139{i:08d}", "fraud", 1, "2026-11-01") for i in range(100)]
    build(rows, tmp_path / "s.fntags", progress=True)
    assert "packing" in capsys.readouterr().err
    build(rows, tmp_path / "s.fntags")
    assert capsys.readouterr().err == ""


def test_store_paths_accept_str(tmp_path):
    build(ROWS, str(tmp_path / "s.fntags"))
    assert isinstance(TagStore.open(str(tmp_path / "s.fntags")).path, Path)


def test_auto_backend_follows_the_cores_implementation(monkeypatch):
    """FRAUDNUM_IMPLEMENTATION=python reaches the tag store too (the twin run tests the twin)."""
    from fraudnum import _core
    from fraudnum.tags import _backend, _pystore

    monkeypatch.setattr(_core, "IMPLEMENTATION", "python")
    assert _backend._cores("auto")[0] is _pystore.PyTagCore
    monkeypatch.setattr(_core, "IMPLEMENTATION", "compiled")
    compiled = pytest.importorskip("fraudnum.tags._tagstore")
    assert _backend._cores("auto")[0] is compiled.TagCore
