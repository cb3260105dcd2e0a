"""The compiled DigitTrie against its pure-Python twin and a brute-force oracle."""

from __future__ import annotations

import pickle
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fraudnum import _pytrie, _trie

IMPLEMENTATIONS = [_trie.DigitTrie, _pytrie.DigitTrie]

digits = st.text(alphabet="0123456789", min_size=1, max_size=8)
keys = st.text(alphabet="0123456789", min_size=0, max_size=14)


@st.composite
def entry_sets(draw: st.DrawFn) -> list[tuple[str, int, int, int]]:
    """Entries with distinct (prefix, length range) pairs that never overlap."""
    prefixes = draw(st.lists(digits, max_size=30, unique=True))
    entries = []
    for i, p in enumerate(prefixes):
        # One or two disjoint length ranges per prefix.
        split = draw(st.integers(len(p), 14))
        entries.append((p, len(p), split, 2 * i))
        if draw(st.booleans()) and split < 14:
            entries.append((p, split + 1, draw(st.integers(split + 1, 20)), 2 * i + 1))
    return entries


def oracle(entries: list[tuple[str, int, int, int]], key: str) -> int:
    """Longest prefix of key whose length range admits len(key), by brute force."""
    best, best_len = -1, -1
    for prefix, lo, hi, value in entries:
        if key.startswith(prefix) and lo <= len(key) <= hi and len(prefix) > best_len:
            best, best_len = value, len(prefix)
    return best


@given(entry_sets(), st.lists(keys, max_size=40))
def test_compiled_reference_and_oracle_agree(entries, probe_keys):
    """Both tries answer every key exactly as the brute-force oracle does."""
    compiled = _trie.DigitTrie(entries)
    reference = _pytrie.DigitTrie(entries)
    # Probe keys extending the prefixes too, not only random digits.
    probe_keys = probe_keys + [p + "1234567890"[: hi - len(p)] for p, _, hi, _ in entries]
    expected = [oracle(entries, k) for k in probe_keys]
    assert [compiled.lookup(k) for k in probe_keys] == expected
    assert [reference.lookup(k) for k in probe_keys] == expected
    assert compiled.lookup_batch(probe_keys) == expected
    assert reference.lookup_batch(probe_keys) == expected


@given(entry_sets())
def test_entries_round_trip(entries):
    """entries() returns exactly what was built, sorted, and both twins agree."""
    compiled = _trie.DigitTrie(entries)
    assert compiled.entries() == sorted(entries)
    assert _pytrie.DigitTrie(entries).entries() == sorted(entries)
    assert len(compiled) == len(entries)
    assert compiled.node_count == _pytrie.DigitTrie(entries).node_count


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(entries=entry_sets())
def test_pickle_round_trip(impl, entries):
    """A pickled trie answers like the original."""
    trie = impl(entries)
    clone = pickle.loads(pickle.dumps(trie))
    assert clone.entries() == trie.entries()
    for p, lo, _, _ in entries:
        assert clone.lookup(p + "0" * (lo - len(p))) == trie.lookup(p + "0" * (lo - len(p)))


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_length_ranges_select_the_row(impl):
    """One prefix, two rows: the key's length picks the row."""
    trie = impl([("95", 5, 6, 1), ("95", 7, 12, 2), ("95588", 5, 5, 3)])
    assert trie.lookup("95588") == 3
    assert trie.lookup("95511") == 1
    assert trie.lookup("955881") == 1
    assert trie.lookup("9558812345") == 2
    assert trie.lookup("9") == -1
    assert trie.lookup("95") == -1
    assert trie.lookup("9" * 13) == -1


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_non_digit_keys_stop_the_walk(impl):
    """A non-digit ends the walk: only prefixes before it can match."""
    trie = impl([("1", 1, 20, 1), ("139", 3, 20, 2)])
    assert trie.lookup("13x9") == 1
    assert trie.lookup("1３9") == 1  # full-width digit is not a digit here
    assert trie.lookup("x") == -1
    assert trie.lookup("") == -1
    assert trie.lookup("\ud800139") == -1


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_overlong_keys_match_nothing(impl):
    """Keys longer than 255 characters are not numbers."""
    trie = impl([("1", 1, 255, 7)])
    assert trie.lookup("1" * 255) == 7
    assert trie.lookup("1" * 256) == -1
    assert trie.lookup_batch(["1" * 10**6, "1"]) == [-1, 7]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize(
    ("entries", "error", "message"),
    [
        ([("12a", 3, 3, 1)], ValueError, "ASCII digits"),
        ([("", 0, 3, 1)], ValueError, "non-empty"),
        ([("١٢", 2, 3, 1)], ValueError, "ASCII digits"),
        ([("12", 5, 3, 1)], ValueError, "min_len <= max_len"),
        ([("12", 3, 256, 1)], ValueError, "max_len <= 255"),
        ([("12", 3, 4, -1)], ValueError, "non-negative"),
        ([("12", 3, 4, 2**31)], ValueError, "int32"),
        ([("12", 3, 5, 1), ("12", 5, 6, 2)], ValueError, "overlapping"),
        ([(12, 3, 4, 1)], TypeError, "prefix must be str"),
        ([("12", "3", 4, 1)], TypeError, "min_len must be int"),
        ([("12", 3, 4)], TypeError, "entry 0"),
    ],
)
def test_invalid_entries_are_rejected(impl, entries, error, message):
    """Bad entries raise with a message that says what is wrong."""
    with pytest.raises(error, match=message):
        impl(entries)


def test_compiled_trie_is_immutable():
    """Re-running __init__ on a built trie is refused rather than leaking or mixing."""
    trie = _trie.DigitTrie([("1", 1, 11, 1)])
    with pytest.raises(TypeError, match="immutable"):
        trie.__init__([("2", 1, 11, 2)])  # type: ignore[misc]
    assert trie.lookup("13912345678") == 1
    with pytest.raises(AttributeError):
        trie.n_nodes = 0  # type: ignore[attr-defined]


def test_lookup_batch_rejects_non_strings():
    """Batch lookup names the offending position."""
    trie = _trie.DigitTrie([("1", 1, 11, 1)])
    with pytest.raises(TypeError, match=r"keys\[1\]"):
        trie.lookup_batch(["1", 1])  # type: ignore[list-item]


def test_batches_from_threads_agree():
    """Concurrent batch lookups (GIL released) return the same as a serial run."""
    entries = [(str(p), 3, 13, p) for p in range(100, 1000, 7)]
    trie = _trie.DigitTrie(entries)
    batch = [f"{p}{p * 31 % 10**8:08d}" for p in range(100, 1000)]
    expected = [trie.lookup(k) for k in batch]
    results: list[list[int]] = []

    def work() -> None:
        for _ in range(20):
            results.append(trie.lookup_batch(batch))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 80
    assert all(r == expected for r in results)


def test_memory_is_flat():
    """Nbytes grows with nodes and rules only (no per-node objects)."""
    trie = _trie.DigitTrie([("13912345678", 11, 11, 1)])
    assert trie.node_count == 12
    assert trie.nbytes == 12 * 12 + 6


def test_canonicaliser_pickles_and_validates():
    """The C canonicaliser pickles with its trie, and rejects inconsistent inputs."""
    from fraudnum import _canon
    from fraudnum.numbers.parse import _class_bits
    from fraudnum.numbers.plan import builtin_dial_prefixes, builtin_rules

    # Built here as the parser builds it (with FRAUDNUM_NO_EXTENSIONS the parser has none).
    rules = builtin_rules()
    trie = _trie.DigitTrie((r.prefix, r.min_len, r.max_len, i) for i, r in enumerate(rules))
    classes = bytes(_class_bits(r.kind, _canon) for r in rules)
    canon = _canon.Canonicaliser(trie, classes, builtin_dial_prefixes())
    assert canon.parse("+86 400-810-8888") is not None
    clone = pickle.loads(pickle.dumps(canon))
    for raw in ("+86 400-810-8888", "025-96110", "tel:13912345678", "+1 415 555 0123", "abc"):
        assert clone.parse(raw) == canon.parse(raw)
    trie = _trie.DigitTrie([("1", 1, 11, 5)])
    with pytest.raises(ValueError, match="one byte for every rule"):
        _canon.Canonicaliser(trie, b"\x00", ())
    with pytest.raises(ValueError, match="dial prefix 0"):
        _canon.Canonicaliser(trie, bytes(6), ("17a51",))
    with pytest.raises(TypeError):
        _canon.Canonicaliser(None, bytes(6), ())  # type: ignore[arg-type]
