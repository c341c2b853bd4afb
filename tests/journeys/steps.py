"""Guide structures built by hand, for tests of selectors and forms that need no database."""

from __future__ import annotations

from onboarding.guides.selectors import ChecklistEntry, GuideStructure, ProblemEntry, StepInfo


def step_info(
    slug: str,
    *,
    id: int,
    kind: str = "read",
    condition: str = "always",
    needs: tuple[str, ...] = (),
    optional: bool = False,
    minutes: int = 5,
    checklist: tuple[ChecklistEntry, ...] = (),
    problems: tuple[ProblemEntry, ...] = (),
) -> StepInfo:
    return StepInfo(
        id=id,
        slug=slug,
        url=f"/guides/g/{slug}/",
        title=slug.replace("-", " ").capitalize(),
        summary="",
        body_html="",
        form_kind=kind,
        condition=condition,
        optional=optional,
        needs=needs,
        original_steps=(),
        marks_original_steps=False,
        estimated_minutes=minutes,
        last_reviewed=None,
        checklist=checklist,
        facts=(),
        problems=problems,
        glossary=(),
    )


def structure(*steps: StepInfo) -> GuideStructure:
    return GuideStructure(
        id=1,
        version="v1",
        slug="g",
        title="G",
        summary="",
        ready_to_pay_html="",
        steps=steps,
        glossary=(),
        phrases=(),
    )
