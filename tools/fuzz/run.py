"""Run the coverage-guided fuzz targets of tools/fuzz/targets.py with atheris.

    python tools/fuzz/run.py                      # every target, 60 s each
    python tools/fuzz/run.py sms rules --seconds 600
    python tools/fuzz/run.py --seconds 3600       # the long run: an hour a target

Each target runs in its own process (libFuzzer keeps one target a process), starts
from its seed corpus in tools/fuzz/corpus/<target>/ and keeps what it learns in
build/fuzz/corpus/<target>/ (outside git; the next run continues from there). An
input that breaks a promise, crashes, or takes over --timeout seconds (the
linear-time promise) is written to build/fuzz/artifacts/ and the run exits 1.
A finding becomes a seed file and a test in tests/ once fixed.

The Python code is instrumented (atheris.instrument_imports), so coverage guides
the search through fraudnum's Python layers. The Cython extensions are built
without libFuzzer's coverage hooks (that needs clang's -fsanitize=fuzzer); they
are exercised, and checked against their twins, but not instrumented.

Needs atheris: ``pip install -e '.[fuzz]'``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORK = ROOT / "build" / "fuzz"


def _child(target: str, seconds: int, timeout: int, max_len: int, seed: int) -> None:
    """Fuzz one target in this process (libFuzzer's own exit status on a finding)."""
    import atheris

    sys.path.insert(0, str(HERE))
    import targets

    # Instrument every function loaded (fraudnum's included) for coverage. Import-time
    # instrumentation (atheris.instrument_imports) misses modules that an editable
    # install's finder loads, so everything is rewritten once after import instead.
    atheris.instrument_all()

    fn = targets.TARGETS[target]
    corpus = WORK / "corpus" / target
    artifacts = WORK / "artifacts"
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    args = [
        sys.argv[0],
        str(corpus),  # new inputs go to the first folder
        str(targets.CORPUS / target),
        f"-max_total_time={seconds}",
        f"-timeout={timeout}",
        f"-max_len={max_len}",
        "-rss_limit_mb=3072",
        f"-artifact_prefix={artifacts}/{target}-",
        "-print_final_stats=1",
    ]
    if seed:
        args.append(f"-seed={seed}")  # the same mutations each run (CI's brief pass)
    atheris.Setup(args, fn)
    atheris.Fuzz()


_RUNS = re.compile(r"Done (\d+) runs in (\d+) second")


def main(argv: list[str] | None = None) -> int:
    """Run the named targets (all by default) one after another; 1 if any found something."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        # Before anything imports fraudnum: atheris instruments only what is imported after.
        child = argparse.ArgumentParser()
        for opt in ("--child", "--seconds", "--timeout", "--max-len", "--seed"):
            child.add_argument(opt)
        c = child.parse_args(argv)
        _child(c.child, int(c.seconds), int(c.timeout), int(c.max_len), int(c.seed))
        return 0
    sys.path.insert(0, str(HERE))
    from targets import TARGETS

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("targets", nargs="*", metavar="TARGET", help=", ".join(TARGETS))
    p.add_argument("--seconds", type=int, default=60, help="fuzzing time per target")
    p.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    p.add_argument("--max-len", type=int, default=4096, help="longest input to try, in bytes")
    p.add_argument(
        "--seed", type=int, default=0, help="libFuzzer's random seed (0: a new one each run)"
    )
    ns = p.parse_args(argv)
    unknown = [t for t in ns.targets if t not in TARGETS]
    if unknown:
        p.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    failed = []
    total_runs = 0
    started = time.monotonic()
    for target in ns.targets or list(TARGETS):
        cmd = [sys.executable, __file__, "--child", target, "--seconds", str(ns.seconds)]
        cmd += ["--timeout", str(ns.timeout), "--max-len", str(ns.max_len), "--seed", str(ns.seed)]
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False)
        log = WORK / "logs" / f"{target}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
        m = _RUNS.search(proc.stderr)
        runs = int(m.group(1)) if m else 0
        total_runs += runs
        status = "ok" if proc.returncode == 0 else f"FINDING (exit {proc.returncode})"
        print(f"{target:12} {runs:>10,} execs  {status}  log: {log.relative_to(ROOT)}")
        if proc.returncode != 0:
            failed.append(target)
            print(proc.stderr[-3000:], file=sys.stderr)
    minutes = (time.monotonic() - started) / 60
    print(f"total: {total_runs:,} execs in {minutes:.1f} min; findings in: {failed or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
