"""Arguments that take one of a few words accept any case and list the words when wrong."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import fraudnum
import fraudnum.strategies as fst
from fraudnum import Channel, Direction, NumberKind, Risk, SmsCategory, Tier
from fraudnum.cli import main
from fraudnum.tags import TagStore, build
from fraudnum.tags.categories import builtin_categories, category_by_name
from fraudnum.types import choice

ENUMS: list[type[enum.Enum]] = [NumberKind, Risk, Channel, Direction, Tier, SmsCategory]


def _any_case(text: str) -> st.SearchStrategy[str]:
    """``text`` with each letter upper or lower case, maybe padded with spaces."""
    return st.builds(
        lambda flips, pad: (
            pad + "".join(c.upper() if f else c for c, f in zip(text, flips, strict=True)) + pad
        ),
        st.lists(st.booleans(), min_size=len(text), max_size=len(text)),
        st.sampled_from(["", " "]),
    )


MEMBERS: list[enum.Enum] = [m for e in ENUMS for m in list(e)]


@given(st.sampled_from(MEMBERS), st.data())
def test_every_enum_finds_its_members_in_any_case(member, data):
    """``Risk("HIGH")``, ``NumberKind(" IoT ")``: the member itself, not a copy."""
    written = data.draw(_any_case(member.value))
    assert type(member)(written) is member


@pytest.mark.parametrize("enum_cls", ENUMS)
def test_an_unknown_enum_value_lists_the_valid_ones(enum_cls):
    """The error names every value, so the caller can fix the call."""
    with pytest.raises(ValueError, match=f"{enum_cls.__name__} must be one of") as info:
        enum_cls("no such value")
    for member in enum_cls:
        assert member.value in str(info.value)
    with pytest.raises(ValueError, match="got 3"):
        enum_cls(3)


def test_choice_returns_the_spelling_of_the_allowed_value():
    """The helper every option goes through."""
    assert choice(" SKIP ", ("raise", "skip"), "on_error") == "skip"
    with pytest.raises(ValueError, match="on_error must be one of raise, skip; got 'ignore'"):
        choice("ignore", ("raise", "skip"), "on_error")
    with pytest.raises(ValueError, match="got None"):
        choice(None, ("raise", "skip"), "on_error")


def test_at_least_takes_any_case_and_lists_the_risks():
    """VerdictBatch.at_least: what to block, however the threshold is written."""
    batch = fraudnum.classify_batch(["4008108888", "13912345678", "96110"])
    assert batch.at_least("HIGH") == batch.at_least("high") == batch.at_least(Risk.HIGH) == [0]
    assert batch.at_least(" Low ") == [0, 1]
    with pytest.raises(ValueError, match="trusted, low, medium, high") as info:
        batch.at_least("severe")
    assert "'severe'" in str(info.value)


def test_channel_and_direction_take_any_case():
    """classify(), classify_batch() and classify_many() alike."""
    upper = fraudnum.classify("4008108888", channel="SMS", direction="Outgoing")
    assert upper == fraudnum.classify("4008108888", channel="sms", direction="outgoing")
    batch = fraudnum.classify_batch(["4008108888"], channel="SMS")
    assert batch[0] == fraudnum.classify("4008108888", channel="sms")
    with pytest.raises(ValueError, match="channel must be one of call, sms; got 'fax'"):
        fraudnum.classify("4008108888", channel="fax")
    with pytest.raises(ValueError, match="direction must be one of incoming, outgoing"):
        fraudnum.default_classifier().classify_many(["4008108888"], direction="up")


@given(st.data())
def test_strategy_options_take_any_case(data):
    """Kind, category and script filters of fraudnum.strategies."""
    assert fraudnum.classify(data.draw(fst.numbers(kind="IOT"))).kind is NumberKind.IOT
    text = data.draw(fst.sms(category="Fraud", script="TRADITIONAL"))
    assert fraudnum.classify_sms(text).category is SmsCategory.FRAUD
    assert data.draw(fst.verdicts(kind=" Mobile ")).kind is NumberKind.MOBILE


def test_strategy_options_name_the_allowed_values():
    """A wrong kind still says which ones exist."""
    with pytest.raises(InvalidArgument, match="allowed: None or one of mobile, "):
        fst.numbers(kind="premium")


def test_report_language_takes_any_case():
    """Report.to_text and NumberInfo.location: ``"ZH"`` is Chinese, a wrong one is named."""
    r = fraudnum.report(
        fraudnum.classify("4008108888"),
        when=datetime(2026, 11, 20, 14, 3),
        reporter="13912345678",
        now=datetime(2026, 11, 21, 9, 0),
        reporter_carrier="China_Mobile",
    )
    assert r.to_text("EN") == r.to_text("en") != r.to_text("zh")
    with pytest.raises(ValueError, match="lang must be one of zh, en; got 'fr'"):
        r.to_text("fr")
    info = fraudnum.classify("13912345678").number
    assert info.location("ZH") == info.location("zh")
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        info.location("de")


def test_tag_store_options_take_any_case(tmp_path: Path):
    """on_error= and backend= of the store, and its category names."""
    rows = [("13912345678", "fraud", 3, "2026-11-30"), ("139", "no-such", 1, "2026-11-30")]
    # The signatures say Literal["raise", "skip"]; at run time any case will do.
    out = tmp_path / "s.fntags"
    report = build(rows, out, on_error="SKIP", backend="Python", progress=False)  # type: ignore[arg-type]
    assert report.skipped == 1
    with TagStore.open(out, backend="PYTHON") as store:  # type: ignore[arg-type]
        assert store.lookup("13912345678") is not None
    with pytest.raises(ValueError, match="on_error must be one of raise, skip; got 'ignore'"):
        build(rows, tmp_path / "t.fntags", on_error="ignore", progress=False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="backend must be one of auto, compiled, python"):
        TagStore.open(tmp_path / "s.fntags", backend="gpu")  # type: ignore[arg-type]
    assert category_by_name("FRAUD") == category_by_name("fraud")
    with pytest.raises(ValueError, match="unknown category 'spam'") as info:
        category_by_name("spam")
    for category in builtin_categories():
        assert category.name in str(info.value)


def test_cli_options_take_any_case(capsys: pytest.CaptureFixture[str]):
    """--channel SMS --direction INCOMING work like their lower-case spelling."""
    assert main(["classify", "--channel", "SMS", "--direction", "INCOMING", "4008108888"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["channel"] == "sms"
    assert row["direction"] == "incoming"
