"""The public Hypothesis strategies: everything they generate is what they claim to be.

Each property classifies generated input with fraudnum itself. A failure here is a bug in
one of the two: the strategy writes something that does not mean what it claims, or the
classifier misreads a realistic input.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import textwrap
import unicodedata
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import fraudnum
from fraudnum import NumberKind, SmsCategory
from fraudnum import strategies as fst
from fraudnum.numbers.plan import builtin_rules
from fraudnum.strategies import _numbers as fnum
from fraudnum.strategies import _sms as fsms
from fraudnum.texts import builtin_reasons
from fraudnum.types import Organisation, Reason, UrlFinding

T = TypeVar("T")
MANY = settings(suppress_health_check=[HealthCheck.too_slow])
ALL_KINDS = fnum._allowed_kinds()
PLAN_KINDS = [k.value for k in fnum._plan_kinds()]
CATEGORIES = [c.value for c in SmsCategory]


def minimal(strategy: st.SearchStrategy[T]) -> T:
    return find(strategy, lambda _: True, settings=settings(database=None, max_examples=500))


# -- numbers ---------------------------------------------------------------------------


def test_every_kind_of_the_table_can_be_generated():
    """The kinds on offer are exactly those of prefixes.csv, plus hidden and malformed."""
    table_kinds = {r.kind.value for r in builtin_rules() if r.kind is not None}
    assert set(PLAN_KINDS) == table_kinds
    assert set(ALL_KINDS) == table_kinds | {"hidden", "malformed"}


def test_every_row_is_reachable():
    """Every row of prefixes.csv is the source of some shape of its own kind."""
    used = {s.rule for k in fnum._plan_kinds() for s in fnum._shapes(k)}
    assert used == set(builtin_rules())


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("formatted", [False, True], ids=["canonical", "formatted"])
@MANY
@given(data=st.data())
def test_numbers_have_the_kind_they_claim(kind, formatted, data):
    """numbers(kind=K) is classified as K, written canonically or any realistic way."""
    number = data.draw(fst.numbers(kind=kind, formatted=formatted), label="number")
    v = fraudnum.classify(number)
    assert v.kind.value == kind, (number, v.codes, v.reasons[0].en)


@pytest.mark.parametrize("kind", PLAN_KINDS)
@MANY
@given(data=st.data())
def test_formatting_keeps_the_canonical_number(kind, data):
    """Every written form of a canonical number reaches exactly that number."""
    k = NumberKind(kind)
    canonical = data.draw(fnum._canonical(k), label="canonical")
    written = data.draw(fnum._written(canonical, k), label="written")
    v = fraudnum.classify(written)
    assert (v.kind, v.number.digits) == (k, canonical), v.reasons[0].en
    assert v.number.raw == written


def zeros(shape: fnum._Shape) -> str:
    """The plainest number of a shape: its prefix, then zeros (a local number starts 2)."""
    prefix, n = shape.rule.prefix, shape.length
    if shape.rule.kind is NumberKind.INTERNATIONAL:
        cc = prefix[2:] or "1"
        return "00" + cc + "0" * (n - 2 - len(cc))
    if shape.rule.kind is NumberKind.FIXED_LINE:
        area = prefix.ljust(3 if prefix[1] in "12" else 4, "0")
        return fnum._steer(area + "2" + "0" * (n - len(area) - 1), shape.avoid)
    return fnum._steer(prefix + "0" * (n - len(prefix)), shape.avoid)


def test_each_shape_at_its_plainest_has_its_own_kind():
    """Prefix then zeros, for every (row, length) of the table, is of the row's kind."""
    wrong = []
    for kind in fnum._plan_kinds():
        for shape in fnum._shapes(kind):
            number = zeros(shape)
            got = fraudnum.classify(number).kind
            if got is not kind or len(number) != shape.length:
                wrong.append((shape.rule.line, number, got.value))
    assert not wrong


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("mobile", "13400000000"),
        ("fixed_line", "01020000000"),
        ("enterprise_400", "4000000000"),
        ("emergency", "110"),
        ("hidden", ""),
    ],
)
def test_numbers_shrink_to_a_plain_row(kind, expected):
    """A minimal number is short and plain: a row of the table, zeros after it."""
    assert minimal(fst.numbers(kind=kind)) == expected
    written = minimal(fst.numbers(kind=kind, formatted=True))
    assert unicodedata.normalize("NFKC", written) == expected


def test_service_numbers_shrink_to_a_named_row():
    """A minimal service_95 number is a whole named row (95588 ...), not 95 + zeros.

    Which named row depends on the Hypothesis version's shrinker, so any of them will do.
    """
    named = {
        r.prefix for r in builtin_rules() if r.kind is NumberKind.SERVICE_95 and r.organisation
    }
    for written in (
        minimal(fst.numbers(kind="service_95")),
        unicodedata.normalize("NFKC", minimal(fst.numbers(kind="service_95", formatted=True))),
    ):
        assert written in named, written


def test_international_numbers_shrink_to_a_calling_code_and_zeros():
    """A minimal international number is 00, one calling code, then zeros.

    How many zeros depends on the Hypothesis version's shrinker, so only the shape is pinned.
    """
    for written in (
        minimal(fst.numbers(kind="international")),
        unicodedata.normalize("NFKC", minimal(fst.numbers(kind="international", formatted=True))),
    ):
        assert re.fullmatch(r"00[1-9]\d{0,2}0+", written), written
        assert len(written) <= 12
        assert fraudnum.classify(written).kind is NumberKind.INTERNATIONAL


def test_steering_avoids_longer_rows_of_other_kinds():
    """12381 is the warning SMS, so the 12xxx hotline row never produces it."""
    assert fnum._steer("12381", ("12381",)) == "12382"
    assert fnum._steer("1064612345678", ("10646", "10647")) == "1064812345678"


@MANY
@given(fst.caller_ids())
def test_every_caller_id_gets_an_explained_verdict(raw):
    """Whatever a caller-ID field holds, fraudnum explains its verdict."""
    v = fraudnum.classify(raw)
    assert v.reasons
    assert all(r.zh and r.en for r in v.reasons)
    assert v.number.raw == raw


@MANY
@given(fst.verdicts())
def test_verdicts_are_real(v):
    """verdicts() are what classify says for the number in that context."""
    again = {
        fraudnum.classify(
            v.number.raw, channel=v.channel, direction=v.direction, expect_international=e
        )
        for e in (False, True)
    }
    assert v in again


@given(fst.number_infos(kind="mobile"))
def test_number_infos_of_mobiles(info):
    """number_infos(kind=...) are the parsed numbers of real verdicts."""
    assert info.e164 == "+86" + info.digits
    assert info.region == "CN"


# -- SMS -------------------------------------------------------------------------------


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("script", ["simplified", "traditional"])
@pytest.mark.parametrize("evasions", [True, False], ids=["evasions", "plain"])
@MANY
@given(data=st.data())
def test_sms_have_the_category_they_claim(category, script, evasions, data):
    """sms(category=C) is classified C, in both scripts, with or without evasions."""
    text = data.draw(fst.sms(category=category, script=script, evasions=evasions), label="text")
    v = fraudnum.classify_sms(text)
    assert v.category.value == category, (text, v.codes, v.scores)


@pytest.mark.parametrize("category", CATEGORIES)
@MANY
@given(data=st.data())
def test_sms_pairs_have_the_category_they_claim(category, data):
    """sms_pairs(category=C): the text from its sender is classified C."""
    sender, text = data.draw(fst.sms_pairs(category=category), label="pair")
    v = fraudnum.classify_sms(text, sender=sender)
    assert v.category.value == category, (sender, text, v.codes, v.scores)


@pytest.mark.parametrize("category", ["fraud", "illegal", "harassment", "marketing"])
def test_spam_shrinks_to_a_single_phrase(category):
    """A minimal spam message is one phrase of the table, nothing else."""
    text = minimal(fst.sms(category=category))
    assert text in fsms._sms_tables().strong[category]


@pytest.mark.parametrize("filler", fsms._FILLER)
def test_filler_carries_no_signal(filler):
    """Filler only makes messages look real: no phrase of any table is in it."""
    assert fraudnum.classify_sms(filler).codes == ("sms_no_signal",)


@pytest.mark.parametrize("filler", fsms._WARNING_FILLER)
def test_warning_filler_is_no_spam(filler):
    """The body of a warning scores nothing towards a spam category."""
    v = fraudnum.classify_sms(filler)
    assert all(score <= 0 for _, score in v.scores), v.scores


@MANY
@given(fst.sms(category="warning"))
def test_warnings_carry_no_link_or_number(text):
    """Warning texts never give a link or a number to call, as the real ones never do."""
    assert fraudnum.classify_sms(text, sender="12381").category is SmsCategory.WARNING


@MANY
@given(fst.sms_verdicts())
def test_sms_verdicts_are_real(v):
    """sms_verdicts() come from the classifier: its reason codes, its advisor, its sender."""
    assert v.reasons
    assert {r.code for r in v.reasons} <= set(builtin_reasons()), v.codes
    assert v.advisor is not None  # attached by the classifier, never by a hand-built verdict
    if v.sender is not None:
        assert v.sender == fraudnum.classify(v.sender.number.raw, channel="sms")


# -- options ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: fst.numbers(kind="premium"), r"kind='premium'.*allowed: None or one of mobile, "),
        (lambda: fst.numbers(kind=3), r"kind=3 .*malformed"),  # type: ignore[arg-type]
        (
            lambda: fst.numbers(formatted="yes"),  # type: ignore[arg-type]
            r"formatted='yes' must be True or False",
        ),
        (lambda: fst.verdicts(kind="landline"), r"allowed: .*fixed_line"),
        (lambda: fst.number_infos(kind="x"), r"allowed"),
        (lambda: fst.sms(category="spam"), r"category='spam'.*normal, warning, marketing"),
        (lambda: fst.sms(script="cyrillic"), r"script='cyrillic'.*'simplified', 'traditional'"),
        (
            lambda: fst.sms(evasions=1),  # type: ignore[arg-type]
            r"evasions=1 must be True or False",
        ),
        (lambda: fst.sms_pairs(category="scam"), r"allowed"),
        (lambda: fst.sms_verdicts(category="scam"), r"allowed"),
    ],
)
def test_bad_options_raise_at_once(make, match):
    """A bad option raises InvalidArgument when the strategy is made, saying what is allowed."""
    with pytest.raises(InvalidArgument, match=match):
        make()


def test_enum_members_are_accepted():
    """Options take the enum members as well as their values."""
    assert fraudnum.classify(minimal(fst.numbers(kind=NumberKind.IOT))).kind is NumberKind.IOT
    text = minimal(fst.sms(category=SmsCategory.FRAUD))
    assert fraudnum.classify_sms(text).category is SmsCategory.FRAUD


def test_public_names_are_documented_with_examples():
    """Every public strategy has a Google-style docstring with an example."""
    for name in fst.__all__:
        doc = getattr(fst, name).__doc__
        assert doc, name
        assert "Example:" in doc, name
        assert "Returns:" in doc, name


# -- from_type and the optional dependency ---------------------------------------------


def test_the_entry_point_is_installed():
    """Hypothesis finds fraudnum's setup hook through its documented entry point."""
    eps = importlib.metadata.entry_points(group="hypothesis")
    assert "fraudnum._hypothesis_plugin:_hypothesis_setup_hook" in {e.value for e in eps}


@given(st.from_type(fraudnum.Verdict))
def test_from_type_verdict_is_real(v):
    """st.from_type(Verdict) draws verdicts fraudnum made, not objects built field by field."""
    assert v.advisor is not None
    assert v.kind is fraudnum.classify(v.number.raw, channel=v.channel).kind


@given(
    st.from_type(fraudnum.SmsVerdict),
    st.from_type(fraudnum.NumberInfo),
    st.from_type(Reason),
    st.from_type(Organisation),
    st.from_type(UrlFinding),
    st.from_type(NumberKind),
    st.from_type(fraudnum.Risk),
)
def test_from_type_is_registered_for_the_other_types(sv, info, reason, org, url, kind, risk):
    """Every result type and enum has a registered strategy giving real values."""
    assert {r.code for r in sv.reasons} <= set(builtin_reasons())
    assert info.raw == fraudnum.classify(info.raw).number.raw
    assert reason.code in builtin_reasons()
    assert org in {r.organisation for r in builtin_rules()}
    assert url.host in url.text.lower()
    assert kind.value in ALL_KINDS
    assert isinstance(risk, fraudnum.Risk)


def test_setup_hook_can_run_twice():
    """Registering again (another import of the plugin) is harmless: from_type still works."""
    from fraudnum._hypothesis_plugin import _hypothesis_setup_hook

    _hypothesis_setup_hook()
    _hypothesis_setup_hook()
    v = minimal(st.from_type(fraudnum.Verdict))
    assert v == fraudnum.classify(
        v.number.raw, channel=v.channel, direction=v.direction
    ) or v == fraudnum.classify(
        v.number.raw, channel=v.channel, direction=v.direction, expect_international=True
    )
    assert minimal(st.from_type(fraudnum.Risk)) in set(fraudnum.Risk)
    assert isinstance(minimal(st.from_type(fraudnum.SmsVerdict)), fraudnum.SmsVerdict)


def test_import_works_without_hypothesis():
    """Importing fraudnum (and the plugin module) works with Hypothesis not installed."""
    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "hypothesis" or name.startswith("hypothesis."):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, Block())
        import fraudnum
        import fraudnum._hypothesis_plugin
        assert fraudnum.classify("13912345678").kind.value == "mobile"
        assert fraudnum.classify_sms("您好").category.value == "normal"
        assert not any(m.startswith("hypothesis") for m in sys.modules), "hypothesis imported"
        try:
            import fraudnum.strategies
        except ModuleNotFoundError as e:
            assert e.name == "hypothesis", e
        else:
            raise AssertionError("fraudnum.strategies imported without hypothesis")
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize(("text", "category"), [("包裹藏毒", "fraud"), ("特殊服务", "illegal")])
def test_table_phrases_alone_reach_their_category(text, category):
    """A phrase strong enough for its category on its own is classified so (found by sms())."""
    assert fraudnum.classify_sms(text).category.value == category
