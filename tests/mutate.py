"""``make mutate``: mutation testing of the core logic, each module against its own tests.

For every module below, the project is copied into a scratch folder (the working tree is never
touched), mutmut mutates that one module (operators flipped, boundaries moved by one,
conditions negated, statements deleted…) and runs the module's own tests against each mutant.
A mutant the tests do not notice *survived*: behaviour nothing pins down. The table at the end
gives the score per module (killed and timed out, over all mutants) and every survivor's diff.

The tests run with ``TZ`` set away from UTC, so a local time cannot pass for UTC. Not part of
``make test``: it takes a while (about a minute per module on two cores).

    python -m tests.mutate [MODULE ...] [--output report.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("bot", "handlers", "scheduler", "staff", "tests", "content", "benchmarks")

# Each module of the core logic, and the tests that are its own.
MODULES: dict[str, tuple[str, ...]] = {
    "scheduler/ratelimit.py": ("tests/scheduler/test_ratelimit.py",),
    "bot/content/schedule.py": ("tests/content/test_schedule.py",),
    "bot/content/audience.py": (
        "tests/content/test_audience.py",
        "tests/content/test_audience_spec.py",
    ),
    "scheduler/sender.py": (
        "tests/scheduler/test_sender.py",
        "tests/scheduler/test_telegram_outbox.py",
    ),
    "bot/choices.py": ("tests/test_choices.py",),
    "bot/matching.py": ("tests/test_matching.py",),
    "bot/text.py": ("tests/test_text.py",),
    "handlers/answers.py": ("tests/handlers/test_answers.py",),
    "staff/suppression.py": ("tests/staff/test_suppression.py",),
    "bot/faq.py": ("tests/test_faq.py",),
    "staff/matching.py": ("tests/staff/test_matching.py",),
}
KILLED = {"killed", "timeout", "caught by type check"}


@dataclass
class Result:
    """What mutmut found for one module."""

    module: str
    statuses: Counter[str] = field(default_factory=Counter)
    survivors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def killed(self) -> int:
        return sum(count for status, count in self.statuses.items() if status in KILLED)

    @property
    def score(self) -> float:
        return self.killed / self.total if self.total else 0.0


def _config(module: str, tests: tuple[str, ...]) -> str:
    listed = ", ".join(json.dumps(test) for test in tests)
    copied = ", ".join(json.dumps(name) for name in COPIED)
    return (
        "\n[tool.mutmut]\n"
        f'paths_to_mutate = ["{module}"]\n'
        f"tests_dir = [{listed}]\n"
        f"also_copy = [{copied}]\n"
    )


def _scratch(module: str, tests: tuple[str, ...]) -> Path:
    """A copy of the project with mutmut set up for ``module``."""
    folder = Path(tempfile.mkdtemp(prefix="mutate-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", "mutants")
    for name in COPIED:
        shutil.copytree(ROOT / name, folder / name, ignore=ignore)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(pyproject + _config(module, tests), encoding="utf-8")
    return folder


def _mutmut(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TZ": "America/Los_Angeles",
        "PYTHONDONTWRITEBYTECODE": "1",
        # No background process started by the tests (tests/conftest.py): mutmut's os.wait()
        # would reap it as one of its workers and stop.
        "DIASPORA_MUTATING": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def run(module: str, tests: tuple[str, ...]) -> Result:
    """Mutates ``module`` and runs its tests against every mutant."""
    result = Result(module)
    started = time.perf_counter()
    folder = _scratch(module, tests)
    try:
        ran = _mutmut(folder, "run")
        meta = folder / "mutants" / f"{module}.meta"
        if not meta.exists():
            said = (ran.stdout + ran.stderr).strip().splitlines()
            result.error = said[-1] if said else "mutmut wrote no result"
            return result
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for name, code in sorted(codes.items()):
            status = status_by_exit_code[code]
            result.statuses[status] += 1
            if status not in KILLED:
                diff = _mutmut(folder, "show", name).stdout
                changed = [line for line in diff.splitlines() if line[:2] in ("- ", "+ ")]
                result.survivors.append((f"{name} ({status})", "\n".join(changed)))
    finally:
        result.seconds = time.perf_counter() - started
        shutil.rmtree(folder, ignore_errors=True)
    return result


def report(results: list[Result]) -> str:
    """The table, then every survivor."""
    lines = [
        "| module | mutants | killed | timeouts | survived | score |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        if result.error:
            lines.append(f"| `{result.module}` | error: {result.error} | | | | |")
            continue
        lines.append(
            f"| `{result.module}` | {result.total} | {result.statuses['killed']}"
            f" | {result.statuses['timeout']} | {result.total - result.killed}"
            f" | {result.score:.0%} |"
        )
    for result in results:
        if result.survivors:
            lines += ["", f"### {result.module}: survivors", ""]
            for name, diff in result.survivors:
                lines += [f"- `{name}`", "", "```diff", diff, "```"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutate", description=__doc__)
    parser.add_argument("modules", nargs="*", help="only these (default: every module listed)")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument("--target", type=float, default=0.85, help="the score to reach")
    args = parser.parse_args(argv)
    chosen = args.modules or list(MODULES)
    unknown = [module for module in chosen if module not in MODULES]
    if unknown:
        parser.error(f"not a listed module: {', '.join(unknown)}")
    results = []
    for module in chosen:
        print(f"mutating {module} …", file=sys.stderr, flush=True)
        result = run(module, MODULES[module])
        print(
            f"  {result.killed}/{result.total} killed ({result.score:.0%}) in"
            f" {result.seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        results.append(result)
    text = report(results)
    print(text)
    if args.output is not None:
        args.output.write_text(text + "\n", encoding="utf-8")
    missed = [result for result in results if result.error or result.score < args.target]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
