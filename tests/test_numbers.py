"""Parsing caller IDs as people and logs write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fraudnum
from fraudnum import NumberKind
from fraudnum.numbers.lists import list_entry_key
from fraudnum.numbers.parse import MAX_INPUT_LEN, ROW_INTERNATIONAL, ROW_MALFORMED
from fraudnum.numbers.plan import builtin_rules

FULL_WIDTH = str.maketrans("0123456789+-() ", "０１２３４５６７８９＋－（）　")


@pytest.mark.parametrize(
    ("raw", "digits", "kind"),
    [
        ("+86 400-810-8888", "4008108888", NumberKind.ENTERPRISE_400),
        ("４００１２３４５６７", "4001234567", NumberKind.ENTERPRISE_400),
        ("400.810.8888", "4008108888", NumberKind.ENTERPRISE_400),
        ("0086 10 12308", "12308", NumberKind.GOV_HOTLINE),
        ("+86 10 12308", "12308", NumberKind.GOV_HOTLINE),
        ("010-12308", "12308", NumberKind.GOV_HOTLINE),
        ("(010) 6561-2308", "01065612308", NumberKind.GOV_HOTLINE),
        ("+86-10-65612308", "01065612308", NumberKind.GOV_HOTLINE),
        ("tel:+86-10-6561-2308;ext=12", "01065612308", NumberKind.GOV_HOTLINE),
        ("010-95580", "95580", NumberKind.SERVICE_95),
        ("0755-95588", "95588", NumberKind.SERVICE_95),
        ("025-96110", "96110", NumberKind.ANTI_FRAUD_CALL),
        ("9558812345", "9558812345", NumberKind.SERVICE_95_LONG),
        ("+86 9558812345", "09558812345", NumberKind.FIXED_LINE),
        ("+86 139 1234 5678", "13912345678", NumberKind.MOBILE),
        ("8613912345678", "13912345678", NumberKind.MOBILE),
        ("013912345678", "13912345678", NumberKind.MOBILE),
        ("17951 13912345678", "13912345678", NumberKind.MOBILE),
        ("12593 010 65612308", "01065612308", NumberKind.GOV_HOTLINE),
        ("+86 (0)21 6123 4567", "02161234567", NumberKind.FIXED_LINE),
        ("021-6123-4567", "02161234567", NumberKind.FIXED_LINE),
        ("0571 8765 4321", "057187654321", NumberKind.FIXED_LINE),
        ("1069 0000 123456", "10690000123456", NumberKind.SMS_PORT),
        ("+1 (415) 555-0123", "0014155550123", NumberKind.INTERNATIONAL),
        ("00852 2123 4567", "0085221234567", NumberKind.INTERNATIONAL),
        ("+886 2 2123 4567", "00886221234567", NumberKind.INTERNATIONAL),
        ("14912345678", "14912345678", NumberKind.MOBILE),
        ("1440123456789", "1440123456789", NumberKind.IOT),
        ("16512345678", "16512345678", NumberKind.MOBILE_VIRTUAL),
        ("19212345678", "19212345678", NumberKind.MOBILE),
        ("10086", "10086", NumberKind.CARRIER_SERVICE),
        ("110", "110", NumberKind.EMERGENCY),
    ],
)
def test_forms_reach_the_canonical_number(raw, digits, kind):
    """Each way of writing a number reaches one canonical form and kind."""
    v = fraudnum.classify(raw)
    assert v.number.digits == digits
    assert v.kind is kind
    assert v.number.raw == raw


def test_ambiguous_95_depends_on_the_form():
    """National 9558812345 is a long 95 line; after +86 it is the Ningxia landline 0955-8812345."""
    national = fraudnum.classify("9558812345")
    international = fraudnum.classify("+86 955 8812345")
    assert national.kind is NumberKind.SERVICE_95_LONG
    assert international.kind is NumberKind.FIXED_LINE
    assert international.number.area_code == "0955"
    assert international.number.e164 == "+869558812345"


def test_extensions_are_kept_apart():
    """A trailing extension is recorded, not mixed into the number."""
    for raw in ("400-810-8888 转 123", "4008108888 ext. 123", "4008108888#123", "4008108888,,123"):
        v = fraudnum.classify(raw)
        assert v.number.digits == "4008108888", raw
        assert v.number.extension == "123", raw


def test_canonical_details():
    """e164, region, carrier, area code and flags are filled where they exist."""
    v = fraudnum.classify("+86 139 1234 5678")
    assert v.number.e164 == "+8613912345678"
    assert v.number.region == "CN"
    assert v.number.carrier == "china_mobile"
    assert "plus" in v.number.flags
    landline = fraudnum.classify("010-65612308").number
    assert landline.area_code == "010"
    assert landline.e164 == "+861065612308"
    assert fraudnum.classify("95588").number.e164 is None
    intl = fraudnum.classify("+44 20 7946 0958").number
    assert (intl.country_code, intl.region) == (44, "GB")
    nanp = fraudnum.classify("+1 416 555 0123").number
    assert nanp.region == "CA"
    assert fraudnum.classify("17951 13912345678").number.dial_prefix == "17951"


@pytest.mark.parametrize(
    "raw", ["Unknown", "PRIVATE", "  匿名 ", "未知号码", "不顯示號碼", "", "   ", "anonymous"]
)
def test_hidden_markers(raw):
    """Withheld caller IDs are their own kind with MEDIUM risk."""
    v = fraudnum.classify(raw)
    assert v.kind is NumberKind.HIDDEN
    assert v.risk is fraudnum.Risk.MEDIUM
    assert v.codes == ("hidden_caller",)


@pytest.mark.parametrize(
    "raw",
    ["abc", "12345678", "010-12345678", "+999 123456", "+86", "00", "1" * 40, "13912345678a9", "+"],
)
def test_malformed_input_gets_an_explained_verdict(raw):
    """Anything that is no number is MALFORMED with a reason saying what was wrong."""
    v = fraudnum.classify(raw)
    assert v.kind is NumberKind.MALFORMED
    assert v.risk is fraudnum.Risk.MEDIUM
    assert v.reasons[0].code == "malformed_number"
    assert v.reasons[0].en.startswith("The number is malformed: ")
    assert len(v.reasons[0].en) > len("The number is malformed: ")
    assert v.number.digits == ""


def test_huge_input_is_malformed_without_work():
    """A megabyte of digits is rejected by length, not parsed."""
    v = fraudnum.classify("1" * 10**6)
    assert v.kind is NumberKind.MALFORMED
    assert str(MAX_INPUT_LEN) in v.reasons[0].en


@pytest.mark.parametrize("bad", [None, 13912345678, b"13912345678", ["139"]])
def test_non_strings_raise_type_error(bad):
    """Non-string input is a programming error, reported as such."""
    with pytest.raises(TypeError, match="must be a str"):
        fraudnum.classify(bad)


@given(st.text(max_size=200))
def test_every_string_gets_a_verdict(raw):
    """Any string at all gives a verdict with at least one explained reason."""
    v = fraudnum.classify(raw)
    assert v.reasons
    assert all(r.zh and r.en for r in v.reasons)
    assert v.number.raw == raw


@st.composite
def formatted(draw: st.DrawFn, digits: str, national: str) -> str:
    """Write a canonical number the ways people do."""
    style = draw(st.sampled_from(["plain", "plus86", "0086", "spaced", "dashed", "tel", "wide"]))
    if style == "plain":
        return national
    if style == "plus86":
        return "+86 " + digits
    if style == "0086":
        return "0086-" + digits
    if style == "spaced":
        return " ".join(national[i : i + 4] for i in range(0, len(national), 4))
    if style == "dashed":
        return f"{national[:3]}-{national[3:7]}-{national[7:]}"
    if style == "tel":
        return "tel:+86" + digits
    return national.translate(FULL_WIDTH)


MOBILE_PREFIXES = sorted(r.prefix for r in builtin_rules() if r.kind is NumberKind.MOBILE)


@given(st.data())
def test_any_formatting_of_a_mobile_gives_the_same_verdict(data):
    """Formatting never changes the verdict of a mobile number."""
    prefix = data.draw(st.sampled_from(MOBILE_PREFIXES))
    rest = data.draw(st.text("0123456789", min_size=11 - len(prefix), max_size=11 - len(prefix)))
    number = prefix + rest
    written = data.draw(formatted(number, number))
    plain = fraudnum.classify(number)
    v = fraudnum.classify(written)
    assert (v.kind, v.risk, v.codes, v.number.digits) == (
        plain.kind,
        plain.risk,
        plain.codes,
        plain.number.digits,
    )


@given(st.data())
def test_any_formatting_of_a_landline_gives_the_same_verdict(data):
    """Landlines keep their verdict whether written nationally or with +86."""
    area = data.draw(st.sampled_from(["10", "21", "755", "571", "951"]))
    local_len = 8 if len(area) == 2 else data.draw(st.sampled_from([7, 8]))
    local = data.draw(st.sampled_from("2345678")) + data.draw(
        st.text("0123456789", min_size=local_len - 1, max_size=local_len - 1)
    )
    national = "0" + area + local
    written = data.draw(formatted(area + local, national))
    v = fraudnum.classify(written)
    assert v.kind is NumberKind.FIXED_LINE, written
    assert v.number.digits == national


@pytest.mark.parametrize(
    ("entry", "key"),
    [("1709", "1709"), ("+86 139 1234 5678", "13912345678"), (" 4008108888 ", "4008108888")],
)
def test_list_entries(entry, key):
    """List entries are digit prefixes or full numbers in any written form."""
    assert list_entry_key(entry) == key


@pytest.mark.parametrize("entry", ["abc", "Unknown", "1" * 33])
def test_bad_list_entries(entry):
    """List entries that are neither prefixes nor numbers are refused."""
    with pytest.raises(ValueError, match="digit"):
        list_entry_key(entry)


@given(
    st.one_of(
        st.text(alphabet="0123456789 -.()+", max_size=24),
        st.builds(
            lambda p, n: p + n,
            st.sampled_from(["", "+86", "0086", "+", "00", "86", "0", "17951", "-"]),
            st.text(alphabet="0123456789 -", min_size=3, max_size=16),
        ),
    )
)
def test_fast_path_parses_like_the_full_parser(raw):
    """The ASCII fast path gives exactly what the full parser gives."""
    from fraudnum.numbers.parse import parse_number
    from fraudnum.numbers.plan import builtin_table

    lookup = builtin_table().lookup
    assert parse_number(raw, lookup) == parse_number(raw, lookup, _fast=False)


CALLER_IDS = st.one_of(
    st.text(alphabet="0123456789 -.()+", max_size=24),
    st.builds(
        lambda p, n: p + n,
        st.sampled_from(
            [
                "",
                "+86",
                "0086",
                "+",
                "00",
                "86",
                "0",
                "17951",
                "12593 00",
                "+86 0",
                "-",
                "010-",
                "025 ",
            ]
        ),
        st.text(alphabet="0123456789 -", min_size=3, max_size=16),
    ),
    st.text(max_size=20),
    # Full-width and invisible characters, which the C path folds like NFKC.
    st.builds(
        lambda s, mask: "".join(
            c.translate(FULL_WIDTH) if m else c
            for c, m in zip(s, mask + [False] * len(s), strict=False)
        ),
        st.text(alphabet="0123456789 -()+", min_size=3, max_size=18),
        st.lists(st.booleans(), max_size=18),
    ),
    # Extensions and tel: URIs, which the C path also takes.
    st.builds(
        lambda pre, n, mark, ext, post: pre + n + mark + ext + post,
        st.sampled_from(["", "tel:", "TEL:", " ", "tel:+86", "+86 ", "tel: "]),
        st.text(alphabet="0123456789 -", min_size=3, max_size=14),
        st.sampled_from(
            [
                "",
                " ext. ",
                "ext",
                "EXTENSION",
                " x",
                "X",
                "#",
                " # ",
                "转",
                "轉",
                "分机",
                "分機",
                ",",
                ",,",
                ";",
                "p",
                "W",
                "e",
                "tel:",
                "-",
                " - ",
                "－",
                "-\u200b",
                "\u3000-",
                "\u200b-",
            ]
        ),
        st.text(alphabet="0123456789 ", max_size=10),
        st.sampled_from(["", "#", " ", "\n", ";ext=1"]),
    ),
    st.builds(
        lambda p, s: p + s,
        st.sampled_from(["\u200b", "\u00a0", "\ufeff", "\u3000", "\u00ad", "＋８６"]),
        st.text(alphabet="0123456789 \u200b\u3000", min_size=3, max_size=16),
    ),
)


@given(CALLER_IDS)
def test_c_canonicaliser_parses_like_the_python_parser(raw):
    """The compiled canonicaliser (where it answers) agrees with the full Python parser."""
    from fraudnum.numbers.parse import builtin_parser, parse_number
    from fraudnum.numbers.plan import builtin_table

    assert builtin_parser().parse(raw) == parse_number(raw, builtin_table().lookup, _fast=False)


@given(st.lists(CALLER_IDS, max_size=20))
def test_batch_parsing_matches_one_by_one(raws):
    """The C row codes (GIL released) name the rule that parse() finds for each input."""
    from fraudnum.numbers.parse import builtin_parser

    parser = builtin_parser()
    for raw, code in zip(raws, parser.row_codes(raws), strict=True):
        # International answers still need their calling code checked in Python.
        if code >= 0:
            assert parser.parse(raw).rule is parser._rules[code >> 32]
            assert code & 0xFFFFFFFF == 0  # no user trie: no user rule
        elif code == ROW_INTERNATIONAL:
            assert parser.parse(raw).info.digits.startswith("00") or parser.parse(raw).rule is None
        elif code == ROW_MALFORMED:
            assert parser.parse_fallback(raw).status in ("malformed", "hidden")
    assert fraudnum.default_classifier().classify_many(raws) == [fraudnum.classify(r) for r in raws]


@pytest.mark.parametrize(
    ("raw", "digits", "extension"),
    [
        ("010-65612308-8001", "01065612308", "8001"),
        ("0571-8765-4321-12", "057187654321", "12"),
        ("400-810-8888-3", "4008108888", "3"),
        ("０４５０－９５５４１８８－５９００", "04509554188", "5900"),
    ],
)
def test_dash_extension(raw, digits, extension):
    """A last dash group that does not fit the number is its extension (分机)."""
    v = fraudnum.classify(raw)
    assert v.number.digits == digits
    assert v.number.extension == extension
    assert v.number.raw == raw


def test_surrounding_newlines_are_whitespace():
    """Log lines keep their newline; it changes nothing."""
    assert fraudnum.classify(" +8617648389967\n").number.digits == "17648389967"


def test_every_hidden_marker_reads_as_hidden():
    """Each marker in data/hidden_markers.csv gives a hidden verdict, in any case and padding."""
    from fraudnum.numbers.plan import builtin_hidden_markers

    for marker in builtin_hidden_markers():
        for written in (marker, marker.upper(), f"  {marker}\n"):
            assert fraudnum.classify(written).kind is NumberKind.HIDDEN, written
            assert fraudnum.default_classifier().classify_batch([written]).kinds == (
                NumberKind.HIDDEN,
            )


# -- fuzz findings of issue 10, kept as regressions ------------------------------


@pytest.mark.parametrize("raw", ["-２", "-2\xad", "\u200b-2", "\ufeffUnknown"])
def test_folded_hidden_markers_are_hidden_in_batches_too(raw):
    """Full-width or invisible characters around a marker: HIDDEN on both paths."""
    assert fraudnum.classify(raw).kind is NumberKind.HIDDEN
    assert fraudnum.classify_batch([raw]).kinds[0] is NumberKind.HIDDEN


@pytest.mark.parametrize("raw", ["1" * 1_000_000, "010-" + "6" * 1_000_000 + "-8001"])
def test_the_length_limit_comes_before_any_other_work(raw):
    """Huge input is malformed at once on both paths (no regex runs over it)."""
    for kind in (fraudnum.classify(raw).kind, fraudnum.classify_batch([raw]).kinds[0]):
        assert kind is NumberKind.MALFORMED
    assert "128" in fraudnum.classify(raw).reasons[0].en


# A dash extension with the input's only non-ASCII characters in or after it
# ("010-65612308-8001\xa0"): the C and Python parsers once disagreed on flags.
_DASH_HEADS = [
    "010-65612308",
    "0571-8765-4321",
    "400-810-8888",
    "+86 10 6561 2308",
    "021 6123 4567",
]
_DASH_MARKS = ["-", " - ", "－", "\u2010", "\u2014", "-\u3000", "\u3000-"]
_TAILS = ["", "\xa0", "\u3000", " ", "\n", "\u200b", "\ufeff", "\xad", "\xa0\xa0"]


@given(
    st.sampled_from(_DASH_HEADS),
    st.sampled_from(_DASH_MARKS),
    st.lists(st.tuples(st.sampled_from("0123456789"), st.booleans()), min_size=1, max_size=6),
    st.sampled_from(_TAILS),
)
def test_dash_extensions_with_non_ascii_tails_agree_on_both_parsers(head, mark, ext, tail):
    """Same status, digits, extension and flags from the C path and the Python parser."""
    from fraudnum.numbers.parse import _fold, builtin_parser, parse_number
    from fraudnum.numbers.plan import builtin_table

    raw = head + mark + "".join(d.translate(FULL_WIDTH) if wide else d for d, wide in ext) + tail
    python = parse_number(raw, builtin_table().lookup, _fast=False)
    assert builtin_parser().parse(raw) == python
    if python.status == "ok":
        # The flag describes the whole input: set exactly when folding changes it.
        assert ("normalised" in python.info.flags) == (_fold(raw) != raw)


def test_a_non_ascii_tail_after_a_dash_extension_is_flagged_normalised():
    """The regression itself: both parsers flag the folded no-break space."""
    from fraudnum.numbers.parse import builtin_parser

    parsed = builtin_parser().parse_fallback("010-65612308-8001\xa0")
    assert parsed.info.extension == "8001"
    assert parsed.info.flags == frozenset({"normalised"})
    assert fraudnum.classify("010-65612308-8001\xa0").number.flags == frozenset({"normalised"})


def test_ten_megabytes_of_digits_are_malformed_on_both_paths():
    """The issue's 10 MB case (the 1 MB cases above cover the dash form)."""
    raw = "1" * 10_000_000
    assert fraudnum.classify(raw).kind is NumberKind.MALFORMED
    assert fraudnum.classify_batch([raw]).kinds[0] is NumberKind.MALFORMED


# -- data-card and IoT ranges (issue 10) ------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "carrier"),
    [
        ("1440", "china_mobile"),
        ("1441", "china_mobile"),
        ("148", "china_mobile"),
        ("146", "china_unicom"),
        ("1410", "china_telecom"),
    ],
)
@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_eleven_digit_iot_ranges_are_iot_with_their_carrier(prefix, carrier, n):
    """11-digit numbers of the IoT ranges, once malformed, are IoT numbers on both paths."""
    number = (prefix + str(n).zfill(9))[:11]
    v = fraudnum.classify(number)
    assert (v.kind, v.number.carrier, v.codes[0]) == (NumberKind.IOT, carrier, "iot_number")
    assert fraudnum.classify_batch([number]).kinds[0] is NumberKind.IOT
    assert fraudnum.classify(number + "00").kind is NumberKind.IOT  # the 13-digit form too


@pytest.mark.parametrize(
    ("prefix", "carrier"),
    [("145", "china_unicom"), ("147", "china_mobile"), ("149", "china_telecom")],
)
def test_data_card_ranges_are_mobile_numbers_that_say_so(prefix, carrier):
    """145/147/149 send SMS and may have voice: mobile, low risk, a reason naming the data card."""
    v = fraudnum.classify(prefix + "12345678")
    assert (v.kind, v.risk, v.number.carrier) == (NumberKind.MOBILE, fraudnum.Risk.LOW, carrier)
    assert v.codes == ("mobile_data_number",)
    assert "数据卡" in v.reasons[0].zh
    assert "Data-card" in v.reasons[0].en


def test_phonenumbers_carrier_prefixes_are_mobile_network_numbers_with_that_carrier():
    """The quick form of tools/check_mobile_ranges.py: one number under each carrier prefix."""
    import importlib
    import pkgutil
    import re

    import phonenumbers
    import phonenumbers.carrierdata

    carriers = {"China Mobile": "china_mobile", "China Unicom": "china_unicom"}
    carriers |= {"China Telecom": "china_telecom", "China Broadnet": "china_broadnet"}
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    assert metadata is not None
    assert metadata.mobile is not None
    pattern = metadata.mobile.national_number_pattern
    assert pattern is not None
    checked = 0
    for module in pkgutil.iter_modules(phonenumbers.carrierdata.__path__):
        data = importlib.import_module(f"phonenumbers.carrierdata.{module.name}").data
        for prefix, names in data.items():
            number = (prefix[2:] + "1" * 11)[:11]
            if not prefix.startswith("861") or not re.fullmatch(pattern, number):
                continue
            v = fraudnum.classify(number)
            assert v.kind in (NumberKind.MOBILE, NumberKind.MOBILE_VIRTUAL, NumberKind.IOT), number
            assert v.number.carrier == carriers[names["en"]], number
            checked += 1
    assert checked > 50
