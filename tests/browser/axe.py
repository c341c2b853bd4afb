"""axe-core (bundled by axe-playwright-python) limited to the WCAG 2.2 A and AA rules."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_axe = Axe()


def violations(page: Page) -> list[str]:
    """One line per violated rule: its id, impact and the first offending element."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{rule['id']} ({rule['impact']}): {rule['nodes'][0]['html'][:120]}"
        for rule in results.response["violations"]
    ]
