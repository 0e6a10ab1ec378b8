"""`python -m bench [NAME …]` (what `make bench` runs): every bench/bench_*.py, or the named ones."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> None:
    """Run the named benchmarks (all when none are named), one after another."""
    found = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    unknown = [n for n in names if n not in found]
    if unknown:
        sys.exit(f"no benchmark named {', '.join(unknown)}; there are: {', '.join(found) or 'none yet'}")
    for name in names or found:
        runpy.run_module(f"bench.bench_{name}", run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
