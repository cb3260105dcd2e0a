"""Behaviour of classify_sms: categories, risk, reasons with spans, senders, warnings, input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import Classifier, Risk, SmsCategory, SmsVerdict, TableError
from fraudnum._core import KeywordAutomaton as CoreAutomaton
from fraudnum._pyautomaton import KeywordAutomaton as PyAutomaton
from fraudnum.folding import load_fold_table
from fraudnum.sms import SmsEngine
from fraudnum.sms.tables import builtin_phrases
from fraudnum.texts import builtin_reasons

CLF = Classifier()
BANK_PHISH = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"


def check_spans(text: str, v: SmsVerdict) -> None:
    """Every span of every reason and link lies inside the original text."""
    assert v.reasons, "a verdict always explains itself"
    for r in v.reasons:
        for start, end in r.spans:
            assert 0 <= start < end <= len(text), (r.code, start, end)
    for u in v.urls:
        assert text[u.start : u.end] == u.text


# -- the contract in the issue ------------------------------------------------------------


def test_bank_phishing_from_a_1069_port_is_fraud_with_explained_spans():
    """The issue's example: a bank look-alike link from a 1069 port is high-risk fraud."""
    v = fraudnum.classify_sms(BANK_PHISH, sender="10690000123456")
    assert v.category is SmsCategory.FRAUD
    assert v.risk is Risk.HIGH
    assert {"impersonate_bank", "link"} <= set(v.tags)
    assert v.sender is not None
    assert v.sender.kind is fraudnum.NumberKind.SMS_PORT
    assert [u.host for u in v.urls] == ["icbc-vip.cc"]
    assert "lookalike" in v.urls[0].flags
    words = {BANK_PHISH[s:e] for r in v.reasons for s, e in r.spans}
    assert {"工商银行", "账户存在异常", "http://icbc-vip.cc"} <= words
    check_spans(BANK_PHISH, v)


def test_verdict_is_json_ready():
    """to_dict() gives plain JSON types, spans included."""
    d = fraudnum.classify_sms(BANK_PHISH).to_dict()
    again = json.loads(json.dumps(d, ensure_ascii=False))
    assert again["category"] == "fraud"
    assert any(r.get("spans") for r in again["reasons"])


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("您好，我是市公安局民警，您涉嫌洗钱案，请将资金转入安全账户配合调查", "fraud"),
        ("猜猜我是谁？我换号了，存一下这个新号码13912345678", "fraud"),
        ("我是房东，我换卡了，这个月房租打到新卡号 6222021234567890123 户名王芳", "fraud"),
        ("海关缉私：您的包裹涉嫌藏毒，请配合调查，联系专员 0571-87654321", "fraud"),
        ("可帮您复制家人手机卡，提供监听服务，加薇信 kk2345", "fraud"),
        (
            "恭喜您被《中国好声音》栏目组抽选为场外幸运观众，请登录 www.hsy-prize.top 领取奖品",
            "fraud",
        ),
        ("刷单返利，日结佣金，动动手指日赚300，加V: task888", "fraud"),
        ("把刚才收到的验证码发给我一下，我帮你领红包", "fraud"),
        ("新葡京娱乐城百家乐，首存送彩金，登入 www.xpj-game.vip", "illegal"),
        ("代开各类发票，正规发票，税点低，电话 13812345678", "illegal"),
        ("莞式上门服务，学生妹兼职，全市可约 QQ 123456789", "illegal"),
        ("你再不还钱就等着瞧，我们会联系你家人，把你的事曝光到通讯录", "harassment"),
        ("【某某百货】三八节全场5折起，满300送100，欢迎莅临！回T退订", "marketing"),
        ("您近期需要资金周转吗？无抵押贷款，低息快速放款，详询 13912345678", "marketing"),
        ("少儿英语暑假班火热招生，免费试听，咨询电话 0571-88886666", "marketing"),
        ("精装海景房，首付20万起，地铁口现房，看房热线 4008123456", "marketing"),
        ("晚上一起吃饭吗？我六点下班", "normal"),
        ("您尾号1234的储蓄卡3月5日消费人民币58.00元。【工商银行】", "normal"),
        ("", "normal"),
    ],
)
def test_categories(text: str, category: str):
    """Scripts named in domain.md §2 and the issue land in their category."""
    v = CLF.classify_sms(text)
    assert v.category.value == category, v.to_dict()
    check_spans(text, v)


def test_empty_string_is_normal_and_low():
    """The empty message is normal."""
    v = CLF.classify_sms("")
    assert (v.category, v.risk) == (SmsCategory.NORMAL, Risk.LOW)
    assert v.codes == ("sms_no_signal",)


# -- senders -------------------------------------------------------------------------------


def test_genuine_12381_warning_is_trusted_and_never_blocked():
    """A 12381 text with no link and no number is a warning, TRUSTED, unblockable."""
    text = "【12381】公安部提醒：您可能正遭遇冒充客服诈骗，请立即停止转账，不要向他人透露验证码。"
    v = CLF.classify_sms(text, sender="12381")
    assert v.category is SmsCategory.WARNING
    assert v.risk is Risk.TRUSTED
    assert not v.blockable
    assert v.codes == ("sms_official_warning",)


def test_96110_sender_is_a_warning_too():
    """96110 (also with an area code) sends warnings that are never blocked."""
    v = CLF.classify_sms(
        "反诈中心提醒：您正在通话的对象疑似诈骗分子，请立即挂断", sender="025-96110"
    )
    assert v.category is SmsCategory.WARNING
    assert v.risk is Risk.TRUSTED


@pytest.mark.parametrize(
    "text",
    [
        "【12381】反诈预警：您的账户存在风险，请点击 http://12381-gov.cc 核实",
        "【12381】反诈预警：请立即拨打 0571-87654321 联系专案民警",
    ],
)
@pytest.mark.parametrize("sender", ["12381", None, "13912345678"])
def test_a_warning_with_a_link_or_number_is_fake(text: str, sender: str | None):
    """The real 12381/96110 texts never carry a link or a number to call."""
    v = CLF.classify_sms(text, sender=sender)
    assert v.category is SmsCategory.FRAUD
    assert v.risk is Risk.HIGH
    assert "fake_warning" in v.tags
    check_spans(text, v)


def test_warning_text_without_sender_is_unverified():
    """A warning-looking text with no sender is a warning, but not trusted."""
    v = CLF.classify_sms("【12381】反诈预警：您可能正在遭遇诈骗，请立即停止转账")
    assert v.category is SmsCategory.WARNING
    assert v.risk is Risk.LOW


def test_sms_port_with_a_link_is_high_risk():
    """A 1069 port plus a link is high risk even for plain wording."""
    v = CLF.classify_sms("您的快递已到，查看详情 http://www.kd-info.com/a", sender="10690123456789")
    assert v.risk is Risk.HIGH
    assert "port_link" in v.tags


def test_bank_95_number_sending_a_bank_notice_is_not_fraud():
    """A bank's own 95 number sending an account notice is not a risk by itself."""
    text = "【工商银行】您的账户存在异常交易，如非本人操作请致电95588"
    own = CLF.classify_sms(text, sender="95588")
    assert own.category is not SmsCategory.FRAUD
    mobile = CLF.classify_sms(text, sender="13912345678")
    assert mobile.category is SmsCategory.FRAUD
    assert "combo_bank_notice_mobile" in mobile.codes


def test_user_block_and_allow_lists_decide_the_sender_risk():
    """The user's lists have the last word on the risk (never on genuine warnings)."""
    clf = Classifier(block=["13900000000"], allow=["13911111111"])
    blocked = clf.classify_sms("晚上一起吃饭吗", sender="13900000000")
    assert blocked.risk is Risk.HIGH
    assert "sms_sender_blocked" in blocked.codes
    allowed = clf.classify_sms("全场5折，欢迎莅临，回T退订", sender="13911111111")
    assert allowed.risk <= Risk.LOW


def test_sender_verdicts_are_cached():
    """The same sender is classified once per classifier."""
    clf = Classifier()
    a = clf.classify_sms("你好", sender="13912345678").sender
    b = clf.classify_sms("在吗", sender="13912345678").sender
    assert a is b


# -- user phrases ---------------------------------------------------------------------------


def _write(tmp: Path, text: str) -> Path:
    path = tmp / "phrases.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_phrases_add_detection(tmp_path: Path):
    """A user's phrase table (same format) adds phrases without code."""
    path = _write(tmp_path, "phrase,category,tags,weight\n元宇宙养老,fraud,pension_scam,4\n")
    text = "元宇宙养老项目，年化30%"
    assert CLF.classify_sms(text).category is not SmsCategory.FRAUD
    v = Classifier(phrases=path).classify_sms(text)
    assert v.category is SmsCategory.FRAUD
    assert "pension_scam" in v.tags


def test_user_phrase_overrides_builtin_weight(tmp_path: Path):
    """A user row with the same phrase and category replaces the built-in row."""
    path = _write(tmp_path, "phrase,category,weight\n回T退订,marketing,0\n退订,marketing,0\n")
    assert Classifier(phrases=path).classify_sms("回T退订").category is SmsCategory.NORMAL


def test_bad_user_phrases_raise_before_the_classifier_exists(tmp_path: Path):
    """A bad phrase file raises TableError with its line number, eagerly."""
    path = _write(tmp_path, "phrase,category\n好消息,marketing\n坏消息,nonsense\n")
    with pytest.raises(TableError, match="line 3") as e:
        Classifier(phrases=path)
    assert "category" in str(e.value)


def test_sms_machinery_is_built_lazily_and_once():
    """Number-only users never pay for the automaton; concurrent first calls build one."""
    clf = Classifier()
    clf.classify("95588")
    assert clf._sms is None
    results: list[SmsVerdict] = []
    threads = [
        threading.Thread(target=lambda: results.append(clf.classify_sms(BANK_PHISH)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clf._sms is not None
    assert len({r.category for r in results}) == 1


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, b"bytes", 123, ["list"]])
def test_non_str_text_is_a_type_error(bad: object):
    """Only str is accepted, with a message naming the type."""
    with pytest.raises(TypeError, match="text must be str"):
        CLF.classify_sms(bad)  # type: ignore[arg-type]


def test_non_str_sender_is_a_type_error():
    """The sender is a str or None."""
    with pytest.raises(TypeError, match="sender"):
        CLF.classify_sms("你好", sender=95588)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "中奖" * 500_000,  # 1 M characters of hits
        "a" * 1_000_000,
        "\ud800\udfff\udc00 安全账户 \x00\x1b[31m",
        "。" * 300_000 + "x" * 300_000 + "1" * 300_000,
        "http://" + "a." * 200_000 + "cc",
    ],
)
def test_any_string_gets_a_verdict(text: str):
    """Huge, surrogate-laden or control-character input still gets a bounded verdict."""
    v = CLF.classify_sms(text)
    check_spans(text, v)
    assert all(len(r.spans) <= 16 for r in v.reasons)


# -- properties -----------------------------------------------------------------------------

_SEPARATORS = [" ", "-", "*", "_", "\u200b", "\u3000", "·", "/", "😀", "\u00a0", "|", "~"]


def _variants(ch: str) -> list[str]:
    """Other ways to write ``ch`` that fold to the same code point."""
    table = load_fold_table()
    target = table.fold_char(ord(ch))
    out = [ch]
    for cp, t in table.mapping.items():
        if t == target and cp < 0xD800:
            out.append(chr(cp))
    return out


_KNOWN = ["安全账户", "保释金", "猜猜我是谁", "百家乐", "代开发票", "回t退订", "复制手机卡"]


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    phrase = draw(st.sampled_from(_KNOWN))
    out = []
    for i, ch in enumerate(phrase):
        out.append(draw(st.sampled_from(_variants(ch))))
        if i < len(phrase) - 1:
            out.extend(draw(st.lists(st.sampled_from(_SEPARATORS), max_size=3)))
    return phrase, "".join(out)


@given(disguised(), st.text(max_size=20), st.text(max_size=20))
def test_disguised_phrases_still_match(case: tuple[str, str], before: str, after: str):
    """Separators, width, case and script changes inside a known phrase keep the match."""
    _phrase, written = case
    text = "你好" + before + "，" + written + "，" + after
    v = CLF.classify_sms(text)
    start = len("你好" + before + "，")
    spans = {s for r in v.reasons for s in r.spans}
    assert (start, start + len(written)) in spans, (written, v.to_dict())


@given(st.text(max_size=300), st.one_of(st.none(), st.text(max_size=20)))
def test_arbitrary_unicode_gets_a_verdict_with_spans_in_the_text(text: str, sender: str | None):
    """Any str (surrogates, controls, emoji) gives a verdict whose spans point into it."""
    v = CLF.classify_sms(text, sender=sender)
    assert isinstance(v.category, SmsCategory)
    check_spans(text, v)


_PY_ENGINE = SmsEngine(CLF._sms_sender, builtin_reasons(), builtin_phrases(), automaton=PyAutomaton)
_MESSAGES = st.one_of(
    st.text(max_size=120),
    st.lists(
        st.sampled_from(
            [*_KNOWN, "您的账户", "http://icbc-vip.cc", "13912345678", "微 信", "，", "回T退訂"]
        ),
        max_size=8,
    ).map("".join),
)


@given(_MESSAGES)
def test_compiled_and_reference_automata_give_the_same_verdicts(text: str):
    """The Cython automaton and its pure-Python twin give identical verdicts."""
    compiled = CLF.classify_sms(text)
    reference = _PY_ENGINE.classify(text)
    assert compiled.to_dict() == reference.to_dict()


def test_no_extensions_switch_uses_the_reference_automaton():
    """FRAUDNUM_NO_EXTENSIONS=1 classifies SMS with the pure-Python automaton, same results."""
    texts = [
        BANK_PHISH,
        "新葡京百家乐送彩金",
        "回T退订",
        "晚上吃饭吗",
        "【12381】请拨打 13912345678",
    ]
    code = (
        "import json,sys,fraudnum,fraudnum._core as c;"
        "print(json.dumps([c.USING_EXTENSIONS]+[fraudnum.classify_sms(t).to_dict()"
        " for t in json.loads(sys.argv[1])],ensure_ascii=False))"
    )
    env = {**os.environ, "FRAUDNUM_NO_EXTENSIONS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(texts)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    using, *verdicts = json.loads(out)
    assert using is False
    assert verdicts == [fraudnum.classify_sms(t).to_dict() for t in texts]


_PHRASE_ROWS = st.lists(
    st.tuples(
        st.text(alphabet="警察中奖转账保证金退订预警百家乐abc", min_size=2, max_size=6),
        st.sampled_from(["fraud", "illegal", "harassment", "marketing", "signal", "warning"]),
        st.sampled_from(["-20", "0", "5", "20"]),
    ),
    max_size=12,
    unique_by=lambda r: (r[0], r[1]),
)


@settings(max_examples=25)
@given(_PHRASE_ROWS)
def test_user_phrases_never_turn_a_genuine_warning_into_spam(rows: list[tuple[str, str, str]]):
    """Whatever the user's phrase table says, a genuine 12381 text stays a trusted warning."""
    lines = ["phrase,category,weight"]
    for phrase, category, weight in rows:
        lines.append(f"{phrase},{category},{0 if category in ('signal', 'warning') else weight}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            clf = Classifier(phrases=path)
        except TableError:
            return  # e.g. two phrases that fold to the same text: rejected up front
    text = "【12381】反诈预警：警察不会要求转账到安全账户，中奖、退订都可能是诈骗，百家乐是赌博"
    v = clf.classify_sms(text, sender="12381")
    assert (v.category, v.risk) == (SmsCategory.WARNING, Risk.TRUSTED)


# -- command line ---------------------------------------------------------------------------


def test_cli_sms_reads_stdin_and_writes_json_lines(tmp_path: Path):
    """`fraudnum sms` takes one message a line on stdin and prints one JSON object each."""
    import io

    from fraudnum.cli import main

    out = io.StringIO()
    stdin = io.StringIO(BANK_PHISH + "\n\n晚上一起吃饭吗\n")
    assert main(["sms", "--sender", "10690000123456"], stdin=stdin, out=out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    # One object a line, the blank line too, so output lines up with input.
    assert [r["category"] for r in rows] == ["fraud", "normal", "normal"]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[1]["text"] == ""
    assert rows[0]["text"] == BANK_PHISH
    assert rows[0]["sender"]["kind"] == "sms_port"


def test_cli_sms_bad_phrases_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A bad --phrases file is reported with its line and exit status 2."""
    from fraudnum.cli import main

    path = _write(tmp_path, "phrase,category\nx,fraud\n")
    assert main(["sms", "--phrases", str(path), "你好"]) == 2
    assert "line 2" in capsys.readouterr().err


def test_compiled_automaton_finds_a_phrase_among_many_siblings():
    """Nine phrases sharing their first character: every one is found, as by the twin."""
    fold = load_fold_table()
    words = ["提升额度", "提高额度", "提额", "提供验证码", "提款", "提现", "提成", "提醒广大"]
    words.append("提歀")
    ours = CoreAutomaton(words, list(range(len(words))), fold)
    twin = PyAutomaton(words, list(range(len(words))), fold)
    assert twin.find_all("提歀") == [(0, 2, 8)]
    assert ours.find_all("提歀") == twin.find_all("提歀")


def test_an_unverified_warning_reports_each_span_once():
    """A warning-style text with no sender: the claim's span is listed once, not per rule."""
    text = "12381提醒您：请勿转账"
    v = fraudnum.classify_sms(text)
    assert v.category is SmsCategory.WARNING
    (reason,) = [r for r in v.reasons if r.code == "sms_warning_unverified"]
    assert reason.spans == ((0, 5),)
    for r in v.reasons:
        assert len(set(r.spans)) == len(r.spans), r


def test_repeated_signatures_give_equal_verdicts_with_their_own_spans():
    """Verdicts decided once per signature of signals still carry each text's own spans."""
    a = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
    b = "你好，【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
    va, vb, va2 = CLF.classify_sms(a), CLF.classify_sms(b), CLF.classify_sms(a)
    assert va == va2
    assert (va.category, va.risk, va.tags, va.scores) == (vb.category, vb.risk, vb.tags, vb.scores)
    shift = len("你好，")
    for ra, rb in zip(va.reasons, vb.reasons, strict=True):
        assert ra.code == rb.code
        assert [(s + shift, e + shift) for s, e in ra.spans] == list(rb.spans)
    check_spans(b, vb)


@pytest.mark.parametrize(
    "text", ["您尾号0000的储蓄卡支出1.00元，余额961.10元。", "本月消费12,381元。"]
)
def test_an_amount_is_not_a_warning_number(text):
    """One decimal point or comma inside the digits makes an amount, not 96110 or 12381."""
    verdict = fraudnum.classify_sms(text)
    assert verdict.category is fraudnum.SmsCategory.NORMAL, verdict.codes
    assert "sms_phrase_warning" not in verdict.codes


@pytest.mark.parametrize("text", ["请立即拨打9.6.1.1.0核实", "请立即拨打9-6-1-1-0核实"])
def test_a_warning_number_spelt_out_still_claims_a_warning(text):
    """Separators between every digit are an evasion: the claim is still seen."""
    assert "sms_phrase_warning" in fraudnum.classify_sms(text).codes
