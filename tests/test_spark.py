"""fraudnum.spark on a real local Spark: the same verdicts as fraudnum.arrow, tag stores shipped.

One small session for the module (local[2]); Spark's own start-up takes most of
the time. Without ``java`` the module is skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fraudnum.arrow as fa
from fraudnum import Classifier
from fraudnum.tags import TagStore, build

if shutil.which("java") is None:
    pytest.skip("java is not installed: Spark needs a JDK (17)", allow_module_level=True)
pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
pa = pytest.importorskip("pyarrow", reason="fraudnum.spark needs pyarrow")

from fraudnum.spark import add_number_verdicts, add_sms_verdicts, labels  # noqa: E402

CALLERS = [
    "13912345678",
    "17091234567",
    "96110",
    "110",
    None,
    "4001234567",
    "1234596110",
    "+44 20 7946 0958",
    "Unknown",
    "01065612308",
] * 3
TEXTS = [
    "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证",
    "【12381】反诈预警：您可能正在遭遇诈骗，请立即停止转账",
    None,
    "今晚一起吃饭吗",
]
SENDERS = ["95588", "12381", None, "13912345678"]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The workers must run this interpreter (it has fraudnum and pyarrow).
    old = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("fraudnum-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "7")  # several batches
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _rows(df: Any, columns: list[str]) -> list[dict[str, Any]]:
    return [{c: r[c] for c in columns} for r in df.orderBy("id").collect()]


def _local(table: Any, columns: list[str]) -> list[dict[str, Any]]:
    return [{c: r[c] for c in columns} for r in table.to_pylist()]


NUMBER_COLUMNS = ["caller", "kind", "risk", "tier", "reasons", "blockable"]


def test_numbers_on_spark_are_the_arrow_verdicts(spark: Any) -> None:
    clf = Classifier(block=["1709"])
    df = spark.createDataFrame(
        [(i, c) for i, c in enumerate(CALLERS)], "id int, caller string"
    ).repartition(3)
    out = add_number_verdicts(df, "caller", classifier=clf, direction="incoming")
    assert out.columns == ["id", *NUMBER_COLUMNS]
    local = fa.add_number_verdicts(pa.table({"caller": CALLERS}), "caller", classifier=clf)
    assert _rows(out, NUMBER_COLUMNS) == _local(local, NUMBER_COLUMNS)
    # The user's block list travelled with the classifier; 96110 stays unblockable.
    by_caller = {r["caller"]: r for r in _rows(out, NUMBER_COLUMNS)}
    assert by_caller["17091234567"]["tier"] == "user"
    assert by_caller["96110"]["blockable"] is False
    assert by_caller[None]["reasons"] == ["no_value", "hidden_caller"]


def test_chosen_columns_as_codes_decode_to_the_verdicts(spark: Any) -> None:
    df = spark.createDataFrame(
        [(i, c) for i, c in enumerate(CALLERS)], "id int, caller string"
    ).repartition(2)
    # Asked out of order: they come in the documented order, codes as tinyint.
    out = add_number_verdicts(df, "caller", columns=["blockable", "risk", "kind"], codes=True)
    assert out.columns == ["id", "caller", "kind", "risk", "blockable"]
    assert [f.dataType.simpleString() for f in out.schema.fields[2:]] == [
        "tinyint",
        "tinyint",
        "boolean",
    ]
    local = fa.classify_numbers(CALLERS).to_pylist()
    rows = _rows(out, ["kind", "risk", "blockable"])
    decoded = [
        {
            "kind": labels("kind")[r["kind"]],
            "risk": labels("risk")[r["risk"]],
            "blockable": r["blockable"],
        }
        for r in rows
    ]
    assert decoded == [{k: v[k] for k in ("kind", "risk", "blockable")} for v in local]
    # Risk codes follow the risk order, so a filter can compare them.
    assert labels("risk") == ("trusted", "low", "medium", "high")
    # The decode of docs/large-jobs.md, in the JVM.
    from pyspark.sql import functions as F

    names = F.array(*[F.lit(x) for x in labels("risk")])
    jvm = out.withColumn("risk", F.element_at(names, F.col("risk") + 1))
    assert [r["risk"] for r in _rows(jvm, ["risk"])] == [v["risk"] for v in local]
    with pytest.raises(ValueError, match="some of"):
        add_number_verdicts(df, "caller", columns=["risky"])
    with pytest.raises(TypeError, match="one string"):
        add_number_verdicts(df, "caller", columns="risk")
    with pytest.raises(ValueError, match="not an enum"):
        labels("reasons")


def test_sms_on_spark_with_senders(spark: Any) -> None:
    df = spark.createDataFrame(
        [(i, t, s) for i, (t, s) in enumerate(zip(TEXTS, SENDERS, strict=True))],
        "id int, text string, sender string",
    )
    out = add_sms_verdicts(df, "text", sender_column="sender", prefix="sms_")
    cols = ["sms_category", "sms_risk", "sms_reasons", "sms_tags", "sms_blockable"]
    local = fa.classify_sms(TEXTS, SENDERS)
    expected = [{f"sms_{k}": v for k, v in r.items()} for r in local.to_pylist()]
    assert _rows(out, cols) == expected
    coded = add_sms_verdicts(df, "text", columns=["category"], codes=True)
    assert [labels("category")[r["category"]] for r in _rows(coded, ["category"])] == [
        r["category"] for r in fa.classify_sms(TEXTS).to_pylist()
    ]


def test_tag_store_is_shipped_and_mapped(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "marks.fntags"
    build([("13912345678", "fraud", 1234, "2026-11-30")], path, progress=False)
    with TagStore.open(path) as store:
        clf = Classifier(tags=store)
        df = spark.createDataFrame(
            [(0, "13912345678"), (1, "13912345679")], "id int, caller string"
        )
        rows = _rows(add_number_verdicts(df, "caller", classifier=clf), ["tier", "reasons"])
    assert rows[0] == {"tier": "crowd", "reasons": ["crowd_marked_fraud", "mobile_number"]}
    assert rows[1]["tier"] == "builtin"


def test_bad_columns_fail_before_the_job(spark: Any) -> None:
    df = spark.createDataFrame([(0, "95588")], "id int, risk string")
    with pytest.raises(ValueError, match="no column"):
        add_number_verdicts(df, "caller")
    with pytest.raises(ValueError, match="already has"):
        add_number_verdicts(df, "risk")
    assert add_number_verdicts(df, "risk", prefix="r_").columns[-1] == "r_blockable"


# -- call patterns -----------------------------------------------------------------------


def _cdr_table() -> Any:
    """Generated switch traffic with every pattern in, some callers written +86 ..."""
    from fraudnum.calls import synthetic_traffic

    table = synthetic_traffic(3_000, seed=3).to_arrow()
    callers = table.column("caller").to_pylist()
    # Every other mobile caller ID in another written form: still one caller.
    written = [
        f"+86 {c}" if i % 2 and len(c) == 11 and c.startswith("1") else c
        for i, c in enumerate(callers)
    ]
    return table.set_column(0, "caller", pa.array(written, pa.string()))


def test_call_patterns_on_spark_are_the_local_findings(spark: Any) -> None:
    from fraudnum.calls import CallDetector
    from fraudnum.spark import FINDING_COLUMNS, detect_call_patterns, finding_row

    table = _cdr_table()
    local = [finding_row(f) for f in CallDetector().detect(table)]
    # Every pattern is in, keyed both ways, so both splits are exercised.
    assert {r["pattern"] for r in local} == {p.code for p in CallDetector().patterns}
    assert {r["key"] for r in local} == {"caller", "callee"}
    names = {"caller": "calling", "callee": "called", "start": "began"}
    df = spark.createDataFrame(table.rename_columns([names.get(n, n) for n in table.column_names]))
    out = detect_call_patterns(df, caller="calling", callee="called", start="began")
    assert tuple(out.columns) == FINDING_COLUMNS
    # Batches of 7 rows (the module's session): keys run across many batches.
    rows = [
        r.asDict(recursive=True)
        for r in out.orderBy("window_start", "pattern", "key", "number").collect()
    ]
    assert rows == local
    assert any(r["caller_risk"] is not None for r in rows)
    with pytest.raises(ValueError, match="no column 'caller'"):
        detect_call_patterns(df)
