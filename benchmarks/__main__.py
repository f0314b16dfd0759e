"""``python -m benchmarks`` (``make bench``): runs every benchmark module here, one after another.

A benchmark is a module of this folder with ``main() -> int`` that prints its figures and returns
0 when its targets are met (so each also runs alone: ``python -m benchmarks.<name>``). Modules
whose names start with ``_`` are skipped. The exit status is 1 if any benchmark missed a target.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main() -> int:
    names = sorted(
        module.name
        for module in pkgutil.iter_modules(benchmarks.__path__)
        if not module.name.startswith("_")
    )
    failed = []
    for name in names:
        print(f"=== {name} ===", flush=True)
        started = time.perf_counter()
        status = importlib.import_module(f"benchmarks.{name}").main()
        print(
            f"=== {name}: {'PASS' if status == 0 else 'FAIL'}"
            f" ({time.perf_counter() - started:.1f} s) ===\n",
            flush=True,
        )
        if status != 0:
            failed.append(name)
    if failed:
        print(f"targets missed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
