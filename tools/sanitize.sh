#!/usr/bin/env bash
# Build fraudnum's compiled core with AddressSanitizer and UndefinedBehaviorSanitizer
# and run the test suite (-m "not slow") and the fuzz seed corpus under them.
#
#   bash tools/sanitize.sh                 # build + tests + corpus + leak pass
#   FUZZ_SECONDS=60 bash tools/sanitize.sh # also fuzz each target 60 s under ASan
#   PYTEST_ARGS="tests/test_trie.py" bash tools/sanitize.sh   # a subset
#
# It uses its own venv (.venv-asan) and build folder (build/asan), so the usual
# .venv stays as it is. Python itself is not instrumented: the sanitizer runtime is
# preloaded (LD_PRELOAD) and PYTHONMALLOC=malloc sends every allocation, Python
# objects included, through it, so an overflow of a buffer the extensions got from
# Python is caught too. Any report stops the run with a non-zero status.
#
# Leaks: CPython frees little at exit, so LeakSanitizer reports many interpreter
# allocations. The leak pass logs every report (full stacks: libpython has no frame
# pointers, so the fast unwinder stops there) and fails only on a leak whose
# stack passes through one of fraudnum's extensions.
#
# Too slow for CI (tens of minutes on two cores); docs/guarantees.md records the
# date and result of the last clean run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-.venv-asan}
CC=${CC:-gcc}
PY=${PYTHON:-python3}
OUT=build/asan/logs
mkdir -p "$OUT"

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q scikit-build-core cython cython-cmake numpy
fi
echo "== building the extensions with $SAN ($CC)"
CC=$CC "$VENV/bin/pip" install -q --no-build-isolation -Cbuild-dir=build/asan \
  -Ccmake.build-type=Debug \
  "-Ccmake.define.CMAKE_C_FLAGS=$SAN -g -O1" \
  "-Ccmake.define.CMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined" \
  -e '.[test]'
# Every extension must be the instrumented build: it links the sanitizer runtime.
# (ldd's output is captured first: grep -q closing the pipe early fails under pipefail.)
sos=$(find build/asan -name '*.so')
[ -n "$sos" ] || { echo "no extension built in build/asan" >&2; exit 1; }
for so in $sos; do
  deps=$(ldd "$so")
  if [[ $deps != *libasan* ]]; then
    echo "not instrumented: $so" >&2
    exit 1
  fi
done

LIBASAN=$($CC -print-file-name=libasan.so)
LIBUBSAN=$($CC -print-file-name=libubsan.so)
# Only the Python runs get the runtime: preloaded into tail or grep it fails their exit.
SAN=(env "LD_PRELOAD=$LIBASAN:$LIBUBSAN" PYTHONMALLOC=malloc FRAUDNUM_IMPLEMENTATION=compiled
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
ASAN_BASE="abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"

echo "== test suite under ASan+UBSan (leaks off: see the leak pass)"
set +e
"${SAN[@]}" ASAN_OPTIONS="$ASAN_BASE:detect_leaks=0" "$VENV/bin/python" -m pytest -q -x -p no:cacheprovider \
  -m "not slow" ${PYTEST_ARGS:-tests} > "$OUT/tests.log" 2>&1
status=$?
set -e
tail -5 "$OUT/tests.log"
echo "pytest exit status: $status"
if [ "$status" -ne 0 ]; then
  echo "the test suite failed under the sanitizers (see $OUT/tests.log)" >&2
  exit "$status"
fi

echo "== leak pass: fuzz corpus and the extension tests, leaks in fraudnum's code fail"
rm -f "$OUT"/leaks.*
"${SAN[@]}" ASAN_OPTIONS="$ASAN_BASE:detect_leaks=1:fast_unwind_on_malloc=0:log_path=$ROOT/$OUT/leaks" \
  LSAN_OPTIONS="exitcode=0:report_objects=0" \
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider ${LEAK_TESTS:-tests/test_fuzz_corpus.py \
  tests/test_fuzz_findings.py tests/test_trie.py tests/test_automaton.py tests/test_twins.py \
  tests/test_tags_corrupt.py} > "$OUT/leak-tests.log" 2>&1
tail -1 "$OUT/leak-tests.log"
if grep -l -E "fraudnum/(_trie|_canon|_automaton|tags/_tagstore)|_trie\.c|_canon\.c|_automaton\.c|_tagstore\.c" \
  "$OUT"/leaks.* 2>/dev/null; then
  echo "a leak passes through fraudnum's extensions (see the files above)" >&2
  exit 1
fi
echo "no leak in fraudnum's extensions ($(cat "$OUT"/leaks.* 2>/dev/null | grep -c 'Direct leak' || true) interpreter leak reports ignored)"

if [ "${FUZZ_SECONDS:-0}" -gt 0 ]; then
  # atheris ships its libFuzzer with an ASan runtime; it replaces gcc's for this step.
  "$VENV/bin/pip" install -q atheris
  FUZZER_ASAN=$("$VENV/bin/python" -c 'import atheris, os; print(os.path.join(atheris.path(), "asan_with_fuzzer.so"))' 2>/dev/null || true)
  if [ -n "$FUZZER_ASAN" ] && [ -f "$FUZZER_ASAN" ]; then
    echo "== fuzzing each target ${FUZZ_SECONDS}s under ASan"
    env "LD_PRELOAD=$FUZZER_ASAN" PYTHONMALLOC=malloc FRAUDNUM_IMPLEMENTATION=compiled \
      ASAN_OPTIONS="$ASAN_BASE:detect_leaks=0" \
      "$VENV/bin/python" tools/fuzz/run.py --seconds "$FUZZ_SECONDS"
  else
    echo "atheris has no asan_with_fuzzer.so here: no fuzzing step" >&2
  fi
fi
echo "== clean: no sanitizer report ($(date -u +%Y-%m-%d))"
