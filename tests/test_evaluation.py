"""fraudnum.evaluate / ``fraudnum eval``: per-category figures on a user's labelled file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import fraudnum
from fraudnum import SmsCategory, TableError
from fraudnum.cli import main
from fraudnum.evaluation import read_labelled

ROWS = (
    "# a comment line, then a blank one\n"
    "\n"
    "fraud\t您已被列为失信人员，请配合调查，把钱转到安全帐户\n"
    "fraud\t客服: 您好，我是平台客服\\n客服: 请下载APP并开启屏幕共享\n"
    "normal\t明天一起吃饭吗\n"
    "normal\t请把钱转到安全账户\n"  # labelled normal on purpose: a false fraud
    "marketing\t新店开业，全场8折，欢迎光临，回T退订\n"
)


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "mine.tsv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_figures_per_category_and_confusion(labelled: Path) -> None:
    result = fraudnum.evaluate(labelled)
    assert result.rows == 5
    fraud = next(c for c in result.categories if c.category is SmsCategory.FRAUD)
    assert (fraud.support, fraud.predicted, fraud.correct) == (2, 3, 2)
    assert fraud.precision == pytest.approx(2 / 3)
    assert fraud.recall == 1.0
    assert result.confusion["normal"]["fraud"] == 1
    assert result.confusion["normal"]["normal"] == 1
    assert result.accuracy == pytest.approx(4 / 5)
    empty = next(c for c in result.categories if c.category is SmsCategory.HARASSMENT)
    assert (empty.precision, empty.recall) == (0.0, 0.0)


def test_backslash_n_is_a_line_break(labelled: Path) -> None:
    texts = [t for _, t in read_labelled(labelled)]
    assert "平台客服\n客服: 请下载APP" in texts[1]


def test_pairs_as_well_as_files() -> None:
    result = fraudnum.evaluate([(SmsCategory.NORMAL, "明天一起吃饭吗")])
    assert result.rows == 1
    assert result.accuracy == 1.0
    with pytest.raises(TypeError):
        fraudnum.evaluate([("normal", "x")])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [("fraud\tok\nspam\tx\n", 2, "unknown label"), ("# c\nno tab here\n", 2, "label<TAB>text")],
)
def test_bad_lines_name_their_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableError, match=message) as e:
        read_labelled(path)
    assert e.value.line == line


def test_cli_table_and_json(labelled: Path) -> None:
    out = io.StringIO()
    assert main(["eval", str(labelled)], out=out) == 0
    assert "accuracy 0.800" in out.getvalue()
    assert "label \\ verdict" in out.getvalue()
    out = io.StringIO()
    assert main(["eval", str(labelled), "--json"], out=out) == 0
    figures = json.loads(out.getvalue())
    assert figures["categories"]["fraud"]["recall"] == 1.0
    assert figures["confusion"]["normal"]["fraud"] == 1


def test_cli_bad_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("spam\tx\n", encoding="utf-8")
    assert main(["eval", str(path)]) == 2
    assert "line 1" in capsys.readouterr().err
