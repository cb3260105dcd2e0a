"""The promises of docs/guarantees.md not already held by a test of their own module.

Linear cost is checked by counting Python-level calls (never by timing), the
network by an audit hook in a fresh interpreter, thread safety by comparing
threaded answers with sequential ones.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import fraudnum
from fraudnum import Classifier, Tier

MIXED = [
    "+86 400-810-8888",
    "96110",
    "12381",
    "110",
    "Unknown",
    "",
    "tel:+86-10-6561-2308;ext=12",
    "１３９１２３４５６７８",
    "+1 415 555 0123",
    "1069012345678",
    "17091234567",
    "\ud800",
    "1" * 500,
]
TEXTS = [
    "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证",
    "【国家反诈中心】提醒您：凡是自称公检法要求转账的都是诈骗。",
    "澳门首家线上赌场，充100送88 www.ag88.vip",
    "",
    "晚上一起吃饭吗",
]


def _calls(fn: Callable[[], object]) -> int:
    """How many Python and C function calls ``fn()`` makes (a cost that does not jitter)."""
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(
    "unit",
    [
        "点击 http://a.cc/x 领取 ",
        "http://" * 3,
        "【工商银行】",
        "1" * 12 + " ",
        "ｈｔｔｐ：／／ｗｗｗ．",
        "工\u200b商\u200b银\u200b行 ",
        "(((((",
        "加QQ 123456 ",
    ],
)
def test_sms_cost_grows_linearly_with_the_text(unit: str):
    """Eight times the text costs at most ~8x the calls (no quadratic path), for hostile text."""
    clf = fraudnum.default_classifier()
    sender = "1069012345678"
    # Warm the code paths (and lazy tables) on other texts: verdicts are cached by text.
    clf.classify_sms(unit * 49, sender=sender)
    clf.classify_sms(unit * 399, sender=sender)
    small = _calls(lambda: clf.classify_sms(unit * 50, sender=sender))
    large = _calls(lambda: clf.classify_sms(unit * 400, sender=sender))
    assert large <= 8 * small * 1.25 + 200, (small, large)


def test_caller_id_cost_is_bounded_whatever_its_length():
    """A caller ID is refused past a fixed length: a megabyte costs what a kilobyte does."""
    fraudnum.classify("2" * 1_000)
    kilo = _calls(lambda: fraudnum.classify("1" * 1_000))
    mega = _calls(lambda: fraudnum.classify("1" * 1_000_000))
    assert mega <= kilo + 50
    assert fraudnum.classify("1" * 1_000_000).kind.value == "malformed"


def test_batch_cost_grows_linearly_with_its_size():
    """classify_batch over 8x the rows (all distinct) makes at most ~8x the calls."""
    clf = fraudnum.default_classifier()

    def rows(n: int, first: int) -> list[str]:
        return [f"1{first + i:010d}" for i in range(n)] + [f"0{first + i:010d}" for i in range(n)]

    def run(batch: list[str]) -> list[object]:
        return [(v.risk, v.codes) for v in clf.classify_batch(batch)]

    run(rows(100, 5_000_000))  # warm-up, other numbers
    small = _calls(lambda: run(rows(100, 0)))
    large = _calls(lambda: run(rows(800, 1_000_000)))
    assert small > 200
    assert large <= 8 * small * 1.25, (small, large)


_NO_NETWORK = r"""
import sys
events = []
def hook(event, args):
    if event.split(".")[0] in ("socket", "urllib", "http", "ftplib", "smtplib", "webbrowser"):
        events.append(event)
sys.addaudithook(hook)
import io, json, socket
import fraudnum
from fraudnum.cli import main
clf = fraudnum.Classifier(block=["1709"])
for n in NUMBERS:
    v = clf.classify(n); v.advice; json.dumps(v.to_dict())
list(clf.classify_batch(NUMBERS))
for t in TEXTS:
    s = clf.classify_sms(t, sender="1069012345678"); s.advice; s.to_dict()
main(["classify", *NUMBERS[:5]], out=io.StringIO())
main(["sms", *TEXTS[:3]], out=io.StringIO())
if PROBE:
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)
    except OSError:
        pass
print("events", events)
"""


def _network_events(probe: bool) -> list[str]:
    code = _NO_NETWORK.replace("NUMBERS", repr(MIXED[:-2])).replace("TEXTS", repr(TEXTS))
    code = code.replace("PROBE", repr(probe))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("events "), done.stdout
    events: list[str] = json.loads(last.removeprefix("events ").replace("'", '"'))
    return events


def test_nothing_is_sent_anywhere():
    """A fresh interpreter classifying numbers and SMS (API and CLI) opens no socket."""
    assert _network_events(probe=False) == []


def test_the_network_hook_sees_a_connection():
    """The same hook sees a connection attempt, so the test above can fail."""
    assert "socket.connect" in _network_events(probe=True)


def test_a_classifier_is_safe_to_share_between_threads():
    """Eight threads classifying with one classifier get the sequential answers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fraudnum.IneffectiveRuleWarning)
        clf = Classifier(block=["1709", "9"], allow=["4008108888"])
    expected = (
        [clf.classify(n) for n in MIXED],
        list(clf.classify_batch(MIXED * 20)),
        [clf.classify_sms(t) for t in TEXTS],
    )
    fresh = pickle.loads(pickle.dumps(clf))  # its SMS engine is built by the threads below
    results: list[object] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work() -> None:
        try:
            start.wait()
            for _ in range(5):
                results.append(
                    (
                        [fresh.classify(n) for n in MIXED],
                        list(fresh.classify_batch(MIXED * 20)),
                        [fresh.classify_sms(t) for t in TEXTS],
                    )
                )
        except BaseException as e:  # a thread's failure must fail the test
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 40
    assert all(r == expected for r in results)


def test_a_classifier_cannot_be_changed_through_its_api():
    """Public attributes have no setters, its rules are frozen records in a tuple."""
    clf = Classifier(block=["1709"])
    public = [n for n in dir(Classifier) if not n.startswith("_")]
    properties = [n for n in public if isinstance(getattr(Classifier, n), property)]
    assert "user_rules" in properties
    for name in properties:
        with pytest.raises(AttributeError):
            setattr(clf, name, None)
    assert isinstance(clf.user_rules, tuple)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        clf.user_rules[0].prefix = "96110"  # type: ignore[misc]
    v = clf.classify("17091234567")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        v.risk = fraudnum.Risk.LOW  # type: ignore[misc]


def test_pickled_classifiers_answer_alike_and_keep_the_never_block_tier():
    """A pickled and unpickled classifier gives the same verdicts, 96110 still unblocked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fraudnum.IneffectiveRuleWarning)
        clf = Classifier(block=["96", "1709"])
    copy = pickle.loads(pickle.dumps(clf))
    assert [copy.classify(n) for n in MIXED] == [clf.classify(n) for n in MIXED]
    assert copy.classify("96110").tier is Tier.NEVER_BLOCK
    tiers = Counter(v.tier for v in copy.classify_batch(MIXED))
    assert tiers[Tier.NEVER_BLOCK] == 3
