"""Keep `make mutate`'s verdicts between runs: a full run outlasts a working session here.

    python bench/mutation_cache.py save       # mutants/ -> bench/mutation-results.tar.gz
    python bench/mutation_cache.py restore    # bench/mutation-results.tar.gz -> mutants/

mutmut keeps what it found in mutants/: a .meta file per mutated module (each mutant's exit code,
and a hash of each function) and mutmut-stats.json (which tests call which function, and how long
each takes). Started again, it checks only the mutants without a verdict and those of functions
whose hash changed; a change to its configuration or test selection resets every verdict.
`save` packs those files (not the mutated copies of the code, which mutmut makes again) into
bench/mutation-results.tar.gz, which is committed. `restore` unpacks them into a checkout that
has no mutants/ yet, so the next run goes on where the last one stopped.

mutmut keeps a verdict when a test changes. So that a new test gets its chance, `restore` clears
the verdict of every survivor not listed as equivalent (bench/equivalent_mutants.txt), and the
run checks those again. A killed verdict stays: after a test is weakened or removed, start from
nothing with `make mutate-fresh`.
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
ARCHIVE = ROOT / "bench" / "mutation-results.tar.gz"
EQUIVALENT = ROOT / "bench" / "equivalent_mutants.txt"
SURVIVED = 0  # mutmut's exit code for a mutant no test failed on


def verdict_files(mutants: Path) -> list[Path]:
    """The files that hold mutmut's verdicts and test map, relative to mutants/."""
    found = sorted(path.relative_to(mutants) for path in mutants.rglob("*.meta"))
    stats = mutants / "mutmut-stats.json"
    return found + ([stats.relative_to(mutants)] if stats.exists() else [])


def save(mutants: Path = MUTANTS, archive: Path = ARCHIVE) -> int:
    files = verdict_files(mutants) if mutants.is_dir() else []
    if not files:
        print(f"nothing to save: no verdicts in {mutants}")
        return 1
    with tarfile.open(archive, "w:gz") as packed:
        for name in files:
            packed.add(mutants / name, arcname=str(name))
    print(f"saved {len(files)} files of verdicts to {archive.name}")
    return 0


def restore(mutants: Path = MUTANTS, archive: Path = ARCHIVE, equivalent: Path = EQUIVALENT) -> int:
    if mutants.exists():
        print(f"{mutants.name}/ is there already: its verdicts are the latest")
    elif not archive.exists():
        print("no saved verdicts: mutmut starts from nothing")
        return 0
    else:
        mutants.mkdir()
        with tarfile.open(archive, "r:gz") as packed:
            # "data" refuses links and paths outside mutants/, whatever the archive holds.
            packed.extractall(mutants, filter="data")
        print(f"restored {len(verdict_files(mutants))} files of verdicts from {archive.name}")
    cleared = clear_survivors(mutants, listed_equivalent(equivalent))
    print(f"{cleared} survivors not listed as equivalent will be checked again")
    return 0


def listed_equivalent(path: Path) -> set[str]:
    if not path.exists():
        return set()
    lines = (line.strip() for line in path.read_text().splitlines())
    return {line.split()[0] for line in lines if line and not line.startswith("#")}


def clear_survivors(mutants: Path, equivalent: set[str]) -> int:
    """Clear the verdict of each survivor not in `equivalent`; how many were cleared."""
    cleared = 0
    for meta in mutants.rglob("*.meta"):
        data = json.loads(meta.read_text())
        verdicts = data["exit_code_by_key"]
        again = [name for name, code in verdicts.items() if code == SURVIVED]
        again = [name for name in again if name not in equivalent]
        if again:
            verdicts.update(dict.fromkeys(again))
            meta.write_text(json.dumps(data, indent=4))
            cleared += len(again)
    return cleared


def main(argv: list[str]) -> int:
    commands = {"save": save, "restore": restore}
    if len(argv) != 1 or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
