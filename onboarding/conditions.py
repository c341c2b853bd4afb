"""Named predicates that decide whether a step applies to a journey.

A step names its condition in `Step.condition`; editors pick from `CONDITIONS`. Each predicate
reads only the journey's steering answers (e.g. where the person is), so adding a condition is one
function and one entry below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Answers = Mapping[str, Any]


def always(answers: Answers) -> bool:
    """Every journey takes this step."""
    return True


def outside_mainland_china(answers: Answers) -> bool:
    """The person said they are outside mainland China (e.g. they need the VPN step)."""
    return answers.get("location") == "outside"


def inside_mainland_china(answers: Answers) -> bool:
    """The person said they are in mainland China now."""
    return answers.get("location") == "inside"


CONDITIONS: dict[str, tuple[str, Callable[[Answers], bool]]] = {
    "always": ("Always shown", always),
    "outside_mainland_china": ("Only for people outside mainland China", outside_mainland_china),
    "inside_mainland_china": ("Only for people inside mainland China", inside_mainland_china),
}


def condition_choices() -> list[tuple[str, str]]:
    """The conditions as model-field choices, so an unknown name cannot be saved."""
    return [(name, label) for name, (label, _) in CONDITIONS.items()]


def applies(condition: str, answers: Answers) -> bool:
    """Whether a step with this condition is part of a journey with these answers."""
    return CONDITIONS[condition][1](answers)
