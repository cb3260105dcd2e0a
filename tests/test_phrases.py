"""Phrase, rule and policy tables: validation with line numbers, merge semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from fraudnum import TableError
from fraudnum.sms.tables import (
    builtin_combos,
    builtin_phrases,
    builtin_policy,
    load_phrases,
    merge_phrases,
    parse_combos,
    parse_phrases,
    parse_policy,
)

HEADER = "phrase,category,tags,weight,script,source\n"


def test_builtin_tables_load_and_every_row_has_a_source():
    """The shipped tables validate; every phrase and rule says where it comes from."""
    phrases = builtin_phrases()
    assert len(phrases) > 500
    assert all(p.source for p in phrases)
    assert all(r.source for r in builtin_combos())
    assert builtin_policy()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("安全账户,scam,,1,hans,x", "category"),
        ("安全账户,fraud,,heavy,hans,x", "weight"),
        ("安全账户,fraud,,99,hans,x", "weight"),
        ("安全账户,fraud,Bad Tag,1,hans,x", "tag"),
        ("安全账户,fraud,,1,klingon,x", "script"),
        ("安,fraud,,1,hans,x", "two characters"),
        ("  ,fraud,,1,hans,x", "empty"),
        ("微信,signal,,2,hans,x", "no weight"),
        ("安全账户,fraud,,1,hans,", "source"),
        ("安全账户,fraud,,1,hans", "fields"),
    ],
)
def test_bad_rows_name_their_line(row: str, message: str):
    """Each kind of bad row is rejected with the file's line number."""
    with pytest.raises(TableError, match="line 3") as e:
        parse_phrases(HEADER + "保释金,fraud,,1,hans,x\n" + row + "\n", builtin=True)
    assert message in str(e.value)


def test_duplicates_are_found_after_folding():
    """安全賬戶 (traditional) duplicates 安全账户 once folded."""
    with pytest.raises(TableError, match="duplicates line 2"):
        parse_phrases("phrase,category\n安全账户,fraud\n安全 賬戶,fraud\n")


def test_user_files_need_only_phrase_and_category(tmp_path: Path):
    """A user's file may omit tags, weight, script and source."""
    path = tmp_path / "mine.csv"
    path.write_text("\ufeffphrase,category\n元宇宙养老,fraud\n", encoding="utf-8")
    (p,) = load_phrases(path)
    assert (p.weight, p.source, p.line) == (1.0, str(path), 2)


def test_missing_file_is_a_table_error(tmp_path: Path):
    """An unreadable file is a TableError naming it."""
    with pytest.raises(TableError, match="cannot read"):
        load_phrases(tmp_path / "nope.csv")


def test_merge_replaces_same_phrase_and_category():
    """A user row replaces the built-in row with the same folded phrase and category."""
    builtin = parse_phrases("phrase,category,weight\n退订,marketing,3\n退订,fraud,1\n")
    user = parse_phrases("phrase,category,weight\n退訂,marketing,0\n新词,fraud,2\n")
    merged = {(p.folded, p.category): p.weight for p in merge_phrases(builtin, user)}
    assert merged == {("退订", "marketing"): 0.0, ("退订", "fraud"): 1.0, ("新词", "fraud"): 2.0}


def test_combo_and_policy_validation():
    """Rules must name known reasons; the policy must list every category."""
    cols = "rule,when,category,weight,risk,tags,reason,source\n"
    with pytest.raises(TableError, match="unknown reason"):
        parse_combos(cols + "r1,a+b,fraud,1,,,no_such_reason,x\n")
    with pytest.raises(TableError, match="missing categories"):
        parse_policy("category,priority,threshold,risk,source\nfraud,1,3,high,x\n")
