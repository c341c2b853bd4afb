"""bench/mutation_cache.py: `make mutate` keeps mutmut's verdicts between runs."""

from __future__ import annotations

import json
import runpy
import tarfile
from pathlib import Path

import pytest

CACHE = runpy.run_path(str(Path(__file__).resolve().parents[2] / "bench" / "mutation_cache.py"))
save, restore = CACHE["save"], CACHE["restore"]

META = {"exit_code_by_key": {"onboarding.x__f__mutmut_1": 1}, "hash_by_function_name": {}}


@pytest.fixture
def mutants(tmp_path) -> Path:
    """A mutants/ folder as mutmut leaves it: verdicts, the test map, and mutated code."""
    folder = tmp_path / "mutants"
    (folder / "onboarding" / "journeys").mkdir(parents=True)
    (folder / "onboarding" / "journeys" / "wizard.py.meta").write_text(json.dumps(META))
    (folder / "onboarding" / "journeys" / "wizard.py").write_text("# mutated code")
    (folder / "mutmut-stats.json").write_text('{"duration_by_test": {}}')
    return folder


def test_saving_keeps_the_verdicts_and_the_test_map_but_not_the_mutated_code(mutants, tmp_path):
    archive = tmp_path / "results.tar.gz"

    assert save(mutants, archive) == 0
    with tarfile.open(archive) as packed:
        assert sorted(packed.getnames()) == [
            "mutmut-stats.json",
            "onboarding/journeys/wizard.py.meta",
        ]


def test_a_fresh_checkout_gets_the_saved_verdicts_back(mutants, tmp_path):
    archive = tmp_path / "results.tar.gz"
    save(mutants, archive)
    fresh = tmp_path / "fresh" / "mutants"
    fresh.parent.mkdir()

    assert restore(fresh, archive) == 0
    meta = fresh / "onboarding" / "journeys" / "wizard.py.meta"
    assert json.loads(meta.read_text()) == META
    assert (fresh / "mutmut-stats.json").read_text() == '{"duration_by_test": {}}'


def test_restoring_leaves_a_run_already_there_alone(mutants, tmp_path):
    archive = tmp_path / "results.tar.gz"
    save(mutants, archive)
    newer = {"exit_code_by_key": {"onboarding.x__f__mutmut_2": 1}}
    meta = mutants / "onboarding" / "journeys" / "wizard.py.meta"
    meta.write_text(json.dumps(newer))

    assert restore(mutants, archive) == 0
    assert json.loads(meta.read_text()) == newer


def test_saving_nothing_is_refused_and_leaves_the_archive_as_it_was(tmp_path):
    archive = tmp_path / "results.tar.gz"
    archive.write_bytes(b"earlier verdicts")
    (tmp_path / "mutants").mkdir()

    assert save(tmp_path / "mutants", archive) == 1
    assert archive.read_bytes() == b"earlier verdicts"


def test_without_saved_verdicts_mutmut_starts_from_nothing(tmp_path):
    fresh = tmp_path / "mutants"

    assert restore(fresh, tmp_path / "missing.tar.gz") == 0
    assert not fresh.exists()


def test_an_archive_cannot_write_outside_mutants(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    with tarfile.open(archive, "w:gz") as packed:
        packed.add(outside, arcname="../escaped.txt")

    with pytest.raises(tarfile.OutsideDestinationError):
        restore(tmp_path / "mutants", archive)
    assert not (tmp_path / "escaped.txt").exists()


def test_survivors_not_listed_as_equivalent_are_checked_again(tmp_path):
    folder = tmp_path / "mutants"
    folder.mkdir()
    verdicts = {"m.killed": 1, "m.listed": 0, "m.unlisted": 0, "m.timeout": -24, "m.new": None}
    (folder / "m.py.meta").write_text(json.dumps({"exit_code_by_key": verdicts, "other": 7}))
    listed = tmp_path / "equivalent.txt"
    listed.write_text("# name, then why\nm.listed the same code\n\n")

    assert restore(folder, tmp_path / "missing.tar.gz", listed) == 0
    data = json.loads((folder / "m.py.meta").read_text())
    assert data["exit_code_by_key"] == {**verdicts, "m.unlisted": None}
    assert data["other"] == 7
