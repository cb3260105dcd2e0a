"""Run fraudnum's benchmarks and print the results as Markdown tables.

Usage::

    python benchmarks/run.py                  # every benchmarks/bench_*.py
    python benchmarks/run.py --quick          # smaller inputs, fewer repeats
    python benchmarks/run.py --only trie      # just bench_trie.py (repeatable)
    python benchmarks/run.py --write docs/performance.md

A benchmark module is any ``benchmarks/bench_<name>.py`` with a
``run(quick: bool) -> list[benchmarks.Row]`` function. ``--write`` replaces the
part of the file between ``<!-- results:start -->`` and ``<!-- results:end -->``
(or creates the file with just the results), so the prose around them stays.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import Row, machine_summary

HERE = Path(__file__).resolve().parent

__all__ = ["available", "main", "print_report", "render", "write_results"]

START = "<!-- results:start -->"
END = "<!-- results:end -->"


def available() -> list[str]:
    """Names of the benchmark modules, ``bench_numbers.py`` giving ``numbers``."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def _fmt_rate(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.0f}"


def _fmt_us(x: float) -> str:
    return f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}"


_NUMERIC = frozenset({"per second", "µs each (best)", "µs each (median)", "× baseline", "value"})


def render(rows: Sequence[Row]) -> str:
    """The rows as Markdown: one table per :attr:`Row.table`, in first-seen order."""
    tables: dict[str, list[Row]] = {}
    for r in rows:
        tables.setdefault(r.table, []).append(r)
    parts = []
    for title, group in tables.items():
        timed = any(r.timing is not None and r.items for r in group)
        has_base = any(r.baseline for r in group)
        extras: list[str] = []
        for r in group:
            extras.extend(k for k in r.extra if k not in extras)
        header = ["what"]
        if timed:
            header += ["per second", "µs each (best)", "µs each (median)"]
        if has_base:
            header.append("× baseline")
        header += extras
        lines = [
            f"### {title}",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---:" if h in _NUMERIC else "---" for h in header) + "|",
        ]
        by_name = {r.name: r for r in group}
        for r in group:
            cells = [r.name]
            if timed:
                ps, us, med = r.per_second, r.micros_each, r.micros_each_median
                cells += [
                    _fmt_rate(ps) if ps is not None else "",
                    _fmt_us(us) if us is not None else "",
                    _fmt_us(med) if med is not None else "",
                ]
            if has_base:
                base = by_name.get(r.baseline or "")
                bps = base.per_second if base is not None else None
                ps = r.per_second
                if r.baseline is None and any(x.baseline == r.name for x in group):
                    cells.append("1.00 (baseline)")
                elif bps and ps:
                    cells.append(f"{ps / bps:.2f}")
                else:
                    cells.append("")
            cells += [r.extra.get(k, "") for k in extras]
            lines.append("| " + " | ".join(cells) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _report(rows: Sequence[Row], header: str) -> str:
    return f"{header}\n\n{render(rows)}"


def _source_state() -> str:
    """The fraudnum version and the git commit the figures belong to."""
    import fraudnum

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "data"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"fraudnum {fraudnum.__version__}"
    edits = " (with uncommitted edits in src/ or data/)" if dirty else ""
    return f"fraudnum {fraudnum.__version__}, working tree at commit {head}{edits}"


def _header(command: str) -> str:
    return (
        f"Machine: {machine_summary()}.\n"
        f"Code: {_source_state()}.\n"
        f"Run: `{command}` on {time.strftime('%Y-%m-%d %H:%M %Z')}. "
        "Timings are `time.perf_counter` over several repeats after a warm-up; "
        "throughput and 'best' use the fastest repeat."
    )


def print_report(rows: Sequence[Row], command: str | None = None) -> None:
    """Print the machine line and the tables for ``rows``."""
    print(_report(rows, _header(command or " ".join(["python", *sys.argv]))))


def write_results(path: Path, text: str) -> None:
    """Put ``text`` between the result markers of ``path`` (creating it if need be)."""
    block = f"{START}\n{text.rstrip()}\n{END}"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if START in old and END in old:
            head, _, rest = old.partition(START)
            _, _, tail = rest.partition(END)
            path.write_text(head + block + tail, encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    names = available()
    parser = argparse.ArgumentParser(description="Run fraudnum's benchmarks.")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer repeats")
    parser.add_argument(
        "--only",
        action="append",
        choices=names,
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(names)}",
    )
    parser.add_argument(
        "--write", type=Path, metavar="FILE", help="also put the tables into FILE (Markdown)"
    )
    args = parser.parse_args(argv)
    command = "python benchmarks/run.py" + " --quick" * args.quick
    command += "".join(f" --only {n}" for n in args.only or ())
    rows: list[Row] = []
    for name in args.only or names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        if not callable(getattr(module, "run", None)):
            print(
                f"skipping {name}: bench_{name}.py has no run(quick) -> list[Row]",
                file=sys.stderr,
            )
            continue
        bench = cast(Callable[[bool], list[Row]], module.run)
        t = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(bench(args.quick))
        print(f"  {name} took {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    text = _report(rows, _header(command))
    print(text)
    if args.write is not None:
        write_results(args.write, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
