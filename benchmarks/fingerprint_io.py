"""What the fingerprint scripts share: their arguments and the digested line writer.

``sms_fingerprint`` and ``arrow_fingerprint`` each print one line per verdict (or row)
and a closing ``# N <unit> sha256 ...`` line over all of them, so a change to the engine
can be proved to leave its output byte-identical by comparing one digest.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO


def arguments(description: str, argv: list[str] | None) -> argparse.Namespace:
    """``--data`` (the evaluation files), ``--mix`` (texts of the mix), ``--digest-only``."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--mix", type=int, default=3000, help="texts of the realistic mix")
    ap.add_argument("--digest-only", action="store_true")
    return ap.parse_args(argv)


def write_digested(
    lines: Iterable[tuple[str, bool]], out: TextIO, unit: str, digest_only: bool
) -> None:
    """Write each (line, counted) and a closing digest of all of them.

    Uncounted lines (a schema header) are digested and written even with
    ``digest_only``, but not counted.
    """
    digest = hashlib.sha256()
    n = 0
    for line, counted in lines:
        digest.update(line.encode("utf-8"))
        if counted:
            n += 1
            if digest_only:
                continue
        out.write(line)
    out.write(f"# {n} {unit} sha256 {digest.hexdigest()}\n")
