"""The mutation score of `make mutate`: killed / total per module and overall, then the survivors.

    python bench/mutation_score.py

Reads what `mutmut run` left in mutants/ (one .meta file per mutated module) and the list of
survivors judged equivalent (bench/equivalent_mutants.txt: a mutant name, then the reason).
A mutant counts as killed when a test failed (or timed out) with it in place. The score is
printed twice: over every mutant, and over the mutants that are not equivalent. Exits 1 when
mutmut has not run yet.
"""

from __future__ import annotations

import json
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = ROOT / "bench" / "equivalent_mutants.txt"
# mutmut's exit codes (mutmut/stats.py): a failing test kills; 33 and 5: no test covers it.
KILLED = {1, 3, 36, 24, -24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}


def mutated_files() -> list[Path]:
    """The source files `[tool.mutmut] only_mutate` names, in a stable order."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    patterns = config["only_mutate"]
    files = sorted(ROOT.glob("onboarding/**/*.py"))
    return [
        path.relative_to(ROOT)
        for path in files
        if any(fnmatch(str(path.relative_to(ROOT)), pattern) for pattern in patterns)
    ]


def equivalent_mutants() -> dict[str, str]:
    """Mutant name -> why it cannot be told apart from the original."""
    if not EQUIVALENT_FILE.exists():
        return {}
    found = {}
    for line in EQUIVALENT_FILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            found[name] = reason.strip()
    return found


def main() -> int:
    equivalent = equivalent_mutants()
    rows = []
    survivors: list[str] = []
    untested: list[str] = []
    unchecked = 0
    for path in mutated_files():
        meta = ROOT / "mutants" / f"{path}.meta"
        if not meta.exists():
            continue
        exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        checked = {name: code for name, code in exit_codes.items() if code is not None}
        unchecked += len(exit_codes) - len(checked)
        if not checked:
            continue
        killed = sum(code in KILLED for code in checked.values())
        alive = [name for name, code in checked.items() if code not in KILLED]
        survivors += [name for name in alive if checked[name] in SURVIVED]
        untested += [name for name in alive if checked[name] in NO_TESTS]
        same = sum(name in equivalent for name in alive)
        rows.append((str(path), killed, len(checked), same))
    if not rows:
        print("No mutation results in mutants/: run `make mutate` first.")
        return 1

    width = max(len(row[0]) for row in rows)
    header = f"{'module':<{width}}  killed / total   score  equivalent  score without them"
    print(header)
    print("-" * len(header))
    for name, killed, total, same in [
        *rows,
        ("overall", *map(sum, list(zip(*rows, strict=True))[1:])),
    ]:
        if name == "overall":
            print("-" * len(header))
        without = killed / (total - same) if total > same else 1.0
        print(
            f"{name:<{width}}  {killed:>6} / {total:<6} {killed / total:>6.1%}"
            f"  {same:>10}  {without:>18.1%}"
        )
    if unchecked:
        print(f"({unchecked} mutants not checked yet: the next `make mutate` goes on with them)")

    print()
    print(f"Surviving mutants ({len(survivors)}; `mutmut show NAME` shows one):")
    for name in survivors:
        reason = equivalent.get(name)
        print(f"  {name}" + (f"  [equivalent: {reason}]" if reason else ""))
    if untested:
        print(f"Mutants no selected test calls ({len(untested)}):")
        for name in untested:
            reason = equivalent.get(name)
            print(f"  {name}" + (f"  [equivalent: {reason}]" if reason else ""))
    known = set(survivors) | set(untested)
    stale = sorted(name for name in equivalent if name not in known)
    if stale and not unchecked:
        print("Listed as equivalent but no longer surviving (remove them from the list):")
        for name in stale:
            print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
