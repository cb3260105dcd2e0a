"""The number rules: kinds, risks in context, precedence tiers, user rules."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fraudnum
from fraudnum import Channel, Classifier, Direction, NumberKind, Risk, TableError, Tier
from fraudnum import strategies as fst
from fraudnum._tables import data_text
from fraudnum.numbers.plan import builtin_rules
from fraudnum.texts import builtin_reasons

HIGH, MEDIUM, LOW, TRUSTED = Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.TRUSTED


def test_risk_is_ordered():
    """TRUSTED < LOW < MEDIUM < HIGH, by rank not by spelling."""
    assert TRUSTED < LOW < MEDIUM < HIGH
    assert max(LOW, HIGH, MEDIUM) is HIGH
    assert sorted([HIGH, TRUSTED, MEDIUM, LOW]) == [TRUSTED, LOW, MEDIUM, HIGH]
    assert HIGH == "high"
    assert HIGH >= MEDIUM
    assert not HIGH <= MEDIUM


@pytest.mark.parametrize(
    ("number", "kwargs", "kind", "risk", "codes"),
    [
        (
            "+86 400-810-8888",
            {},
            "enterprise_400",
            HIGH,
            ("enterprise_400_number", "inbound_only_number"),
        ),
        (
            "4008108888",
            {"direction": "outgoing"},
            "enterprise_400",
            LOW,
            ("enterprise_400_number",),
        ),
        ("8008101234", {}, "toll_free_800", HIGH, ("toll_free_800_number", "inbound_only_number")),
        ("95588", {}, "service_95", TRUSTED, ("service_95_known",)),
        ("95123", {}, "service_95", TRUSTED, ("service_95_number",)),
        ("951234", {}, "service_95", TRUSTED, ("service_95_number",)),
        ("9512345", {}, "service_95_long", HIGH, ("service_95_long_number",)),
        ("96110", {}, "anti_fraud_call", TRUSTED, ("anti_fraud_call", "urgent_warning")),
        ("025-96110", {}, "anti_fraud_call", TRUSTED, ("anti_fraud_call", "urgent_warning")),
        ("0096110", {}, "international", HIGH, ("international_number", "imitates_warning_number")),
        ("+96110", {}, "international", HIGH, ("international_number", "imitates_warning_number")),
        (
            "12381",
            {"channel": "sms"},
            "anti_fraud_sms",
            TRUSTED,
            ("anti_fraud_sms", "urgent_warning"),
        ),
        ("+86-10-12308", {}, "gov_hotline", HIGH, ("gov_hotline_known", "inbound_only_number")),
        ("+86-10-65612308", {}, "gov_hotline", HIGH, ("gov_hotline_known", "inbound_only_number")),
        ("12308", {"direction": "outgoing"}, "gov_hotline", LOW, ("gov_hotline_known",)),
        ("10690000123456", {"channel": "sms"}, "sms_port", MEDIUM, ("sms_port_1069",)),
        ("10690000123456", {}, "sms_port", HIGH, ("sms_port_1069", "inbound_only_sms_port")),
        ("10655012345", {"channel": "sms"}, "sms_port", MEDIUM, ("sms_port_number",)),
        ("+14155550123", {}, "international", HIGH, ("international_number",)),
        (
            "+14155550123",
            {"expect_international": True},
            "international",
            LOW,
            ("international_number", "international_expected"),
        ),
        ("+852 2123 4567", {}, "international", HIGH, ("international_number",)),
        ("+853 2812 3456", {}, "international", HIGH, ("international_number",)),
        ("+886 2 2123 4567", {}, "international", HIGH, ("international_number",)),
        ("110", {}, "emergency", TRUSTED, ("emergency_number",)),
        ("120", {}, "emergency", TRUSTED, ("emergency_number",)),
        ("119", {}, "emergency", TRUSTED, ("emergency_number",)),
        ("122", {}, "emergency", TRUSTED, ("emergency_number",)),
        ("10086", {}, "carrier_service", TRUSTED, ("carrier_hotline",)),
        ("10010", {}, "carrier_service", TRUSTED, ("carrier_hotline",)),
        ("10000", {}, "carrier_service", TRUSTED, ("carrier_hotline",)),
        ("13912345678", {}, "mobile", LOW, ("mobile_number",)),
        ("17091234567", {}, "mobile_virtual", MEDIUM, ("mobile_virtual_number",)),
        ("1064812345678", {}, "iot", MEDIUM, ("iot_number",)),
        ("02161234567", {}, "fixed_line", LOW, ("fixed_line_number",)),
        ("96123456", {}, "service_96", MEDIUM, ("service_96_number",)),
        ("12315", {}, "gov_hotline", LOW, ("gov_hotline_known",)),
        ("12399", {}, "gov_hotline", LOW, ("gov_hotline_number",)),
    ],
)
def test_rules(number, kwargs, kind, risk, codes):
    """Each kind gets the risk domain.md gives it in context, with its reasons."""
    v = fraudnum.classify(number, **kwargs)
    assert v.kind.value == kind
    assert v.risk is risk
    assert v.codes == codes


def test_organisations_are_named():
    """Known service numbers name their organisation, in zh and en."""
    v = fraudnum.classify("95588")
    assert v.organisation is not None
    assert v.organisation.zh == "中国工商银行"
    assert "Industrial and Commercial Bank" in v.reasons[0].en
    v = fraudnum.classify("+86-10-12308")
    assert "领事保护" in v.reasons[1].zh
    assert "never calls out" in v.reasons[1].en


def test_mobile_reason_names_the_carrier():
    """A mobile's reason says which carrier's range it is in."""
    assert "中国联通" in fraudnum.classify("18612345678").reasons[0].zh
    assert "China Telecom" in fraudnum.classify("19912345678").reasons[0].en


def test_warnings_are_urgent_and_unblockable():
    """96110 and 12381 verdicts are urgent and decided by the never-block tier."""
    for number in ("96110", "12381"):
        v = fraudnum.classify(number)
        assert v.urgent
        assert v.tier is Tier.NEVER_BLOCK
        assert not v.blockable
    assert not fraudnum.classify("95588").urgent
    assert fraudnum.classify("110").tier is Tier.NEVER_BLOCK


def test_context_accepts_enums_and_strings():
    """Channel and direction take enums or their string values; anything else is an error."""
    a = fraudnum.classify("4008108888", channel=Channel.SMS, direction=Direction.INCOMING)
    b = fraudnum.classify("4008108888", channel="sms", direction="incoming")
    assert a == b
    assert a.channel is Channel.SMS
    with pytest.raises(ValueError, match="channel must be one of"):
        fraudnum.classify("4008108888", channel="fax")
    with pytest.raises(ValueError, match="direction must be one of"):
        fraudnum.classify("4008108888", direction="sideways")


# -- user rules ---------------------------------------------------------------


def test_block_and_allow_lists():
    """User lists decide over the built-in table and say so."""
    clf = Classifier(block=["1709"], allow=["4008108888", "+86 170 9123 4567"])
    v = clf.classify("17090000000")
    assert (v.risk, v.tier, v.codes[0]) == (HIGH, Tier.USER, "user_blocked")
    assert v.kind is NumberKind.MOBILE_VIRTUAL
    # The longer allow entry beats the shorter block prefix.
    assert clf.classify("17091234567").risk is TRUSTED
    assert clf.classify("+86 400 810 8888").risk is TRUSTED
    assert clf.classify("4008108889").risk is HIGH
    assert clf.classify("4008108889").tier is Tier.BUILTIN


def test_same_entry_blocked_and_allowed_is_an_error():
    """Contradictory lists are refused up front."""
    with pytest.raises(ValueError, match="both the block and the allow list"):
        Classifier(block=["13912345678"], allow=["+86 139 1234 5678"])


def test_list_errors_name_the_entry():
    """A bad list entry is reported with its list and position."""
    with pytest.raises(ValueError, match=r"block\[1\]"):
        Classifier(block=["1709", "not a number"])
    with pytest.raises(TypeError, match="list of numbers"):
        Classifier(block="1709")


# Every protected number in every written form a user may meet (fraudnum.strategies draws
# them from the never-block rows of data/prefixes.csv, area-code and +86 forms included).
PROTECTED = st.one_of(
    *(
        fst.numbers(kind=kind, formatted=True)
        for kind in ("anti_fraud_call", "anti_fraud_sms", "emergency")
    )
)


@st.composite
def user_rule_sets(draw: st.DrawFn) -> tuple[list[str], list[str], str]:
    """Block/allow lists and a rules file that all try to block protected numbers."""
    protected_keys = ["96110", "12381", "110", "120", "119", "122", "9", "1", "12", "961"]
    block = draw(st.lists(st.sampled_from(protected_keys), unique=True, max_size=5))
    allow = draw(st.lists(st.sampled_from(["13912345678", "4008108888"]), unique=True, max_size=2))
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(protected_keys),
                st.sampled_from(
                    [k.value for k in NumberKind if k.value not in ("hidden", "malformed")]
                ),
                st.sampled_from([r.value for r in Risk]),
            ),
            unique_by=lambda r: r[0],
            max_size=6,
        )
    )
    rows = [r for r in rows if r[0] not in block]
    text = "prefix,kind,risk\n" + "".join(f"{p},{k},{r}\n" for p, k, r in rows)
    return block, allow, text


@given(user_rule_sets(), PROTECTED, st.sampled_from(["call", "sms"]))
def test_no_user_rules_can_touch_warnings_or_emergency(tmp_path_factory, rules, number, channel):
    """Whatever the user's lists and rules say, 96110, 12381 and 110 stay TRUSTED."""
    block, allow, text = rules
    path = tmp_path_factory.mktemp("rules") / "rules.csv"
    path.write_text(text, encoding="utf-8")
    # Rules reaching 96110 or 110 may warn that they cannot change them: that is the point.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fraudnum.IneffectiveRuleWarning)
        clf = Classifier(block=block, allow=allow, rules=path)
    v = clf.classify(number, channel=channel)
    assert v.risk is TRUSTED
    assert v.tier is Tier.NEVER_BLOCK
    if any(v.number.digits.startswith(b) for b in block):
        assert "never_block_overrides_user" in v.codes


def test_rules_file(tmp_path: Path):
    """A user rules file in the prefixes.csv format overrides the built-in rows it matches."""
    path = tmp_path / "mine.csv"
    path.write_text(
        "prefix,kind,risk_call,risk_sms,source\n"
        "95555,,low,,my bank told me to check calls\n"
        "4001234,enterprise_400,trusted,trusted,my courier\n",
        encoding="utf-8",
    )
    clf = Classifier(rules=path)
    v = clf.classify("4001234567")
    assert (v.risk, v.tier) == (TRUSTED, Tier.USER)
    assert v.codes == ("user_rule", "enterprise_400_number")
    assert "mine.csv" in v.reasons[0].en
    # A blank risk leaves that context to the built-in table.
    assert clf.classify("95555", channel="sms").tier is Tier.BUILTIN
    assert clf.classify("95555").risk is LOW


def test_bad_rules_file_leaves_the_running_classifier_untouched(tmp_path: Path):
    """A bad file raises with its line number, and the existing classifier keeps working."""
    good = tmp_path / "good.csv"
    good.write_text("prefix,risk\n1709,high\n", encoding="utf-8")
    clf = Classifier(rules=good)
    bad = tmp_path / "bad.csv"
    bad.write_text("prefix,risk\n1709,high\n1710,catastrophic\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"bad\.csv, line 3: risk_call 'catastrophic'") as info:
        Classifier(rules=bad)
    assert info.value.line == 3
    assert clf.classify("17091234567").risk is HIGH
    assert clf.user_rules[0].prefix == "1709"


def test_list_file(tmp_path: Path):
    """Block list files are validated with line numbers."""
    path = tmp_path / "block.txt"
    path.write_text(
        "# my block list\n1709\n+86 139 1234 5678  # the landlord\n\n", encoding="utf-8"
    )
    assert fraudnum.load_number_list(path) == ["1709", "+86 139 1234 5678"]
    path.write_text("1709\nnonsense\n", encoding="utf-8")
    with pytest.raises(TableError, match="line 2"):
        fraudnum.load_number_list(path)
    with pytest.raises(TableError, match="cannot read"):
        fraudnum.load_number_list(tmp_path / "missing.txt")


# -- explanations -------------------------------------------------------------


@given(
    st.sampled_from(builtin_rules()),
    st.sampled_from(list(Channel)),
    st.sampled_from(list(Direction)),
)
def test_every_rule_explains_itself(rule, channel, direction):
    """Every built-in row yields a verdict with zh and en text and no unfilled template."""
    digits = rule.prefix + "2" * (rule.min_len - len(rule.prefix))
    v = fraudnum.classify(digits, channel=channel, direction=direction)
    assert v.reasons
    for r in v.reasons:
        assert r.code in builtin_reasons()
        assert r.zh
        assert r.en
        assert "{" not in r.zh + r.en
    assert v.rule_source


def test_verdict_to_dict_is_json_ready():
    """to_dict() holds only JSON types and the stable values."""
    import json

    d = fraudnum.classify("+86 400-810-8888").to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert d["kind"] == "enterprise_400"
    assert d["risk"] == "high"
    assert d["reasons"][1]["code"] == "inbound_only_number"


def test_builtin_table_covers_domain_kinds():
    """Every number kind except the input ones has at least one row in the plan."""
    kinds = {r.kind for r in builtin_rules()}
    assert kinds == set(NumberKind) - {NumberKind.HIDDEN, NumberKind.MALFORMED}


def test_builtin_rows_have_sources():
    """Every built-in row names its source."""
    text = data_text("prefixes.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    assert all(row["source"].strip() for row in rows)


def test_classify_batch_columns_match_classify():
    """A batch's columns and rows are exactly what classify() says, number by number."""
    numbers = [
        "+86 400-810-8888",
        "95588",
        "匿名",
        "+1 415 555 0123",
        "96110",
        "abc",
        "17091234567",
    ]
    clf = Classifier(block=["1709"])
    batch = clf.classify_batch(numbers, channel="call")
    singles = [clf.classify(n) for n in numbers]
    assert len(batch) == len(numbers)
    assert list(batch.kinds) == [v.kind for v in singles]
    assert list(batch.risks) == [v.risk for v in singles]
    assert list(batch.tiers) == [v.tier for v in singles]
    assert list(batch) == singles
    assert batch[-1] == singles[-1]
    assert batch[1:3] == singles[1:3]
    assert batch.at_least("high") == [i for i, v in enumerate(singles) if v.risk is HIGH]
    assert sum(batch.risk_counts().values()) == len(numbers)
    with pytest.raises(IndexError):
        batch[len(numbers)]


@given(st.lists(st.text(alphabet="0123456789 +-", max_size=16), max_size=30))
def test_classify_batch_agrees_with_classify(numbers):
    """For any inputs, batch rows equal single verdicts (user rules included)."""
    clf = Classifier(block=["139"], allow=["13912345678"])
    batch = clf.classify_batch(numbers, channel="sms")
    assert list(batch) == [clf.classify(n, channel="sms") for n in numbers]


def test_classify_batch_rejects_non_strings():
    """Non-string items are a TypeError naming the position."""
    with pytest.raises(TypeError, match=r"\[1\]"):
        fraudnum.default_classifier().classify_batch(["95588", 95588])  # type: ignore[list-item]


def test_named_long_95_numbers_are_named_not_trusted():
    """A legitimate long 95 number is named, and still not trusted outright."""
    v = fraudnum.classify("95105888")
    assert v.kind is NumberKind.SERVICE_95_LONG
    assert v.risk is MEDIUM
    assert v.organisation is not None
    assert v.organisation.zh == "中国石化"
    assert fraudnum.classify("95105887").risk is HIGH


def test_classifier_pickles_with_its_user_rules(tmp_path: Path):
    """A Classifier survives pickling (multiprocessing pools) with its lists and rules."""
    import pickle

    rules = tmp_path / "r.csv"
    rules.write_text("prefix,risk\n95555,high\n", encoding="utf-8")
    clf = Classifier(block=["1709"], allow=["4008108888"], rules=rules)
    clf.classify("17091234567")  # fill caches: they must not travel or break
    clone = pickle.loads(pickle.dumps(clf))
    for number in ("17091234567", "4008108888", "95555", "96110", "+86 139 1234 5678"):
        assert clone.classify(number) == clf.classify(number)
    assert clone.user_rules == clf.user_rules
    text = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
    assert clone.classify_sms(text) == clf.classify_sms(text)


@pytest.mark.parametrize("expect", [False, True])
@pytest.mark.parametrize("direction", ["incoming", "outgoing"])
def test_batch_international_rows_match_classify(expect, direction):
    """International rows take their own batch path; it answers as classify() does."""
    numbers = [
        "+234 803 123 4567",
        "+1 415 555 0123",
        "0096110",
        "+96110",
        "+44 20 7946 0958",
        "+852 2123 4567",
        "+999 1234567",
        "00234 803 123 4567",
    ]
    clf = Classifier(block=["00234"])
    batch = clf.classify_batch(numbers, direction=direction, expect_international=expect)
    assert list(batch) == [
        clf.classify(n, direction=direction, expect_international=expect) for n in numbers
    ]
    assert batch.tiers[0] is Tier.USER


def test_international_reasons_name_each_numbers_region():
    """Shared outcomes never mix up regions: each international number names its own."""
    for direction in ("incoming", "outgoing"):
        clf = Classifier()
        first = clf.classify("+44 20 7946 0958", direction=direction)
        second = clf.classify("+49 30 1234567", direction=direction)
        assert "(United Kingdom)" in first.reasons[0].en
        assert "（英国）" in first.reasons[0].zh
        assert "(Germany)" in second.reasons[0].en
        assert "（德国）" in second.reasons[0].zh


def test_an_sms_port_calling_in_is_not_said_to_only_receive_calls():
    """SMS ports neither take nor make voice calls: their own wording, not 'only receives calls'."""
    v = fraudnum.classify("10690000123456")
    assert v.risk is Risk.HIGH
    assert v.codes[1] == "inbound_only_sms_port"
    assert "only receives calls" not in v.reasons[1].en
    assert fraudnum.classify("4008108888").codes[1] == "inbound_only_number"
