"""Instruction counts per number under callgrind: what the shared machine's load cannot skew.

Usage (each line one valgrind run; per number = (total - the ``0 none`` total) / N)::

    python benchmarks/count_instructions.py --save 200000      # writes the corpus once
    valgrind --tool=callgrind python benchmarks/count_instructions.py 0 none
    valgrind --tool=callgrind python benchmarks/count_instructions.py 100000 batch
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 pn
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 single

With a tag store (e.g. the one ``bench_batch._tag_store`` builds), the batch through a
classifier holding it, and the per-row Python path such a batch took before::

    valgrind --tool=callgrind python benchmarks/count_instructions.py 0 none-store S.fntags
    valgrind --tool=callgrind python benchmarks/count_instructions.py 100000 batch-store S.fntags
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 rows-store S.fntags

Every path is warmed on 3,000 other rows first (imports, phonenumbers' metadata, caches).
Instructions do not show a lookup's wait for memory: a store's random lookups cost
more wall-clock time than their count says (bench_batch.py measures that).

SMS (the realistic mix of ``benchmarks/sms_mix.py``; per message = (total - ``sms-none``) / N)::

    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms-none
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms  # fresh classifier
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms-reasons  # + reasons
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms-codes  # + codes
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms-arrow  # Arrow path
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms-uncached
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms-reasons-uncached
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms-scan  # automaton
    valgrind --tool=callgrind python benchmarks/count_instructions.py 5000 sms-pipeline

``MODE@KIND`` runs one kind of text of the mix (``short`` SMS of 60-119 characters, ``script``
of 120-240, ``chat`` of 4-10 turns); per message = (total - ``sms-none``) / the count it prints.
The ``-uncached`` modes empty every decision cache of the engine before each message, so no
signature is ever seen before: the cost of a text on its own (the mix's texts are distinct, but
their signatures repeat, which the cached modes profit from).

``sms-none`` builds the same texts, the classifier's SMS machinery and the user's pipeline
(NFKC + OpenCC t2s + pyahocorasick, see ``benchmarks/bench_sms.py``), warms both on 200 other
texts (OpenCC loads its dictionaries on the first real text) and classifies nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CORPUS = Path("/tmp/fraudnum-distinct-corpus.json")
WARM = 3000


def main(argv: list[str]) -> None:
    """Save the corpus (``--save N``), or run ``N WHAT [STORE]``.

    WHAT is none, batch, codes, pn, single, or with a store none-store,
    batch-store, rows-store.
    """
    if argv[0] == "--save":
        from benchmarks.corpus import distinct_corpus

        CORPUS.write_text(json.dumps(distinct_corpus(int(argv[1]))), encoding="utf-8")
        return
    n, what = int(argv[0]), argv[1]
    if what.startswith("sms"):
        _sms(n, what)
        return
    rows: list[str] = json.loads(CORPUS.read_text(encoding="utf-8"))
    import fraudnum
    from benchmarks.bench_numbers import _phonenumbers_all

    clf = fraudnum.default_classifier()
    warm = rows[:WARM]
    if what.endswith("-store"):
        from benchmarks.bench_batch import _OneByOne, _per_row
        from fraudnum.tags import TagStore

        store = TagStore.open(argv[2], verify=False)
        with_store = fraudnum.Classifier(tags=store)
        one_by_one = fraudnum.Classifier(tags=_OneByOne(store))
        with_store.classify_batch(warm)
        _per_row(one_by_one, warm)
        rows = rows[WARM : WARM + n]
        if what == "batch-store":
            with_store.classify_batch(rows)
        elif what == "rows-store":
            _per_row(one_by_one, rows)
        return
    clf.classify_batch(warm)
    _phonenumbers_all(warm)
    for s in warm:
        fraudnum.classify(s)
    rows = rows[WARM : WARM + n]
    if what == "batch":
        clf.classify_batch(rows)
    elif what == "codes":
        clf.classify_codes(rows)
    elif what == "pn":
        _phonenumbers_all(rows)
    elif what == "single":
        for s in rows:
            fraudnum.classify(s)


# The SMS engine's caches per signature (names of this and of earlier versions).
_DECISION_CACHES = (
    "_decisions",
    "_plans",
    "_fired",
    "_shown",
    "_neutral",
    "_layouts",
    "_near_todo",
)


def _sms(n: int, what: str) -> None:
    """Classify ``n`` texts of the realistic SMS mix (or only scan them, or only pipe them)."""
    import fraudnum
    from benchmarks.bench_sms import messages, user_pipeline
    from benchmarks.sms_mix import realistic_mix, text_kind

    texts = realistic_mix(n, messages(n))
    if "@" in what:  # one kind of text of the mix only: MODE@short, MODE@script, MODE@chat
        what, kind = what.split("@")
        texts = [t for t in texts if text_kind(t) == kind]
        print(f"{len(texts)} texts of kind {kind}", file=sys.stderr)
    clf = fraudnum.Classifier()
    pipe = user_pipeline()
    # Lazy loads (OpenCC's dictionaries, the SMS tables) happen on other texts first.
    for t in realistic_mix(200, messages(200, seed=99), seed=98):
        clf.classify_sms(t)
        pipe(t)
    if what == "sms":
        for t in texts:
            clf.classify_sms(t)
    elif what == "sms-reasons":  # and read every verdict's reasons (built when first read)
        for t in texts:
            clf.classify_sms(t).reasons  # noqa: B018
    elif what == "sms-codes":  # and read every verdict's reason codes, as the Arrow path does
        for t in texts:
            clf.classify_sms(t).codes  # noqa: B018
    elif what == "sms-arrow":  # the Arrow column path on the same texts, one array
        import pyarrow as pa

        import fraudnum.arrow

        fraudnum.arrow.classify_sms(pa.array(texts, pa.string()), classifier=clf)
    elif what in ("sms-uncached", "sms-reasons-uncached"):
        # No signature seen before: every decision cache emptied before each message, so
        # the count is what a text costs on its own (the sender cache aside; none is given).
        engine = clf._sms_engine()
        caches = [getattr(engine, name, None) for name in _DECISION_CACHES]
        empties = [c.clear for c in caches if isinstance(c, dict)]
        read = what == "sms-reasons-uncached"
        for t in texts:
            for empty in empties:
                empty()
            v = clf.classify_sms(t)
            if read:
                v.reasons  # noqa: B018
    elif what == "sms-scan":
        find_all = clf._sms_engine()._automaton.find_all
        for t in texts:
            find_all(t)
    elif what == "sms-pipeline":
        for t in texts:
            pipe(t)


if __name__ == "__main__":
    main(sys.argv[1:])
