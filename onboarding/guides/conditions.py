"""Named predicates that decide whether a step applies to a journey.

A step names its condition in `Step.condition`; editors pick from `CONDITIONS`. Each predicate
reads one steering answer (where the person is, whether they have an account). Until that answer
is given the step's place is undecided: it stays in the guide and says what it depends on, never
"Not needed". Adding a condition is one entry below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Answers = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Condition:
    label: str
    # The steering answer it reads; None for a condition that needs none.
    answer: str | None
    holds: Callable[[Any], bool]
    # What a step says while that answer is not given yet.
    pending: str = ""


CONDITIONS: dict[str, Condition] = {
    "always": Condition("Everyone", None, lambda value: True),
    "outside_mainland_china": Condition(
        "Only people outside mainland China",
        "location",
        lambda location: location == "outside",
        pending="Depends on where you are",
    ),
    "inside_mainland_china": Condition(
        "Only people in mainland China",
        "location",
        lambda location: location == "inside",
        pending="Depends on where you are",
    ),
    "no_alipay_account_yet": Condition(
        "Only people without an Alipay account yet",
        "has_account",
        lambda has_account: has_account == "no",
        pending="Depends on whether you have an account",
    ),
}


def condition_choices() -> list[tuple[str, str]]:
    """The conditions as model-field choices, so an unknown name cannot be saved."""
    return [(name, condition.label) for name, condition in CONDITIONS.items()]


def applies(condition: str, answers: Answers) -> bool | None:
    """Whether a step with this condition is part of a journey: None until its answer is given."""
    rule = CONDITIONS[condition]
    if rule.answer is None:
        return True
    if rule.answer not in answers:
        return None
    return rule.holds(answers[rule.answer])


def pending_label(condition: str) -> str:
    """What a step says while the answer its condition reads is not given yet."""
    return CONDITIONS[condition].pending
