"""No page scrolls sideways, at a small phone's width (320 px), a common one (375) and a laptop's
(1280), signed out and in, on every page type of tests/quality/pages.py (admin pages as staff).

A page fails when the document is wider than the window; the failure names the elements that
stick out past the window's right edge. Each page is also saved as a screenshot at 375 and 1280
px into test-artifacts/screenshots/, for people to look at.

A box with a sideways scroll of its own (the admin's change lists put their table in one) keeps
the document within the window while hiding columns: at a laptop's width that fails too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.pages_in_browser import share_cookies, show
from tests.quality.pages import PAGE_TYPES, person

WIDTHS = [320, 375, 1280]
SCREENSHOT_WIDTHS = {375, 1280}
HEIGHT = 800

# The elements whose right edge is past the window, leaving out those clipped by a scrolling or
# hidden-overflow box that itself fits: the outermost ones (what to fix first) and the innermost
# (what makes them wide).
_STICKING_OUT = """() => {
  const limit = window.innerWidth + 0.5;
  const describe = (el) => {
    const id = el.id ? "#" + el.id : "";
    const classes = [...el.classList].slice(0, 2).map((name) => "." + name).join("");
    const text = (el.innerText || el.getAttribute("aria-label") || "").trim().split(/\\s+/)
      .slice(0, 6).join(" ");
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}${id}${classes} (right edge ${right}px) "${text}"`;
  };
  const clipped = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow !== "visible" && box.getBoundingClientRect().right <= limit) return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > limit && !clipped(el);
  });
  const set = new Set(out);
  const outermost = out.filter((el) => !set.has(el.parentElement));
  const innermost = out.filter((el) => ![...el.children].some((child) => set.has(child)));
  const widest = (list) => list
    .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
    .slice(0, 4).map(describe);
  return {outermost: widest(outermost), innermost: widest(innermost)};
}"""

# A box that scrolls sideways itself and holds more than it shows.
_HIDING_BEHIND_A_SCROLL = """() => [...document.body.querySelectorAll("*")]
  .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
    && el.scrollWidth > el.clientWidth + 1)
  .map((el) => {
    const id = el.id ? "#" + el.id : "";
    const classes = [...el.classList].slice(0, 2).map((name) => "." + name).join("");
    const shows = `shows ${el.clientWidth} of ${el.scrollWidth}px`;
    return `${el.tagName.toLowerCase()}${id}${classes} ${shows}`;
  })"""

VISITS = [(page_type, audience) for page_type in PAGE_TYPES for audience in page_type.audiences]


@pytest.mark.parametrize(
    ("page_type", "audience"),
    VISITS,
    ids=[f"{page_type.name}-{audience}" for page_type, audience in VISITS],
)
def test_no_page_is_wider_than_the_window(browser: Browser, site, screenshots, page_type, audience):
    client = person(audience)
    visit = page_type.open(client)
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
    share_cookies(client, context, site)
    page = context.new_page()
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        status = show(page, site, visit)
        assert status == visit.status, (width, visit.path, status)
        page.wait_for_load_state("load")
        if width in SCREENSHOT_WIDTHS:
            name = f"page-{width}-{page_type.name}-{audience}.png"
            page.screenshot(path=screenshots / name, full_page=True)
        document, window = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if document > window:
            found = page.evaluate(_STICKING_OUT)
            problems.append(
                f"at {width} px the document is {document} px wide;\n"
                f"    outermost past the edge: {found['outermost']}\n"
                f"    innermost past the edge: {found['innermost']}"
            )
    context.close()
    assert not problems, f"{page_type.name} ({audience}, {visit.path}):\n  " + "\n  ".join(problems)


# Each page type once, as the person with the widest header (signed in, or staff).
WIDEST_VISITS = [(page_type, page_type.audiences[-1]) for page_type in PAGE_TYPES]


@pytest.mark.parametrize(
    ("page_type", "audience"),
    WIDEST_VISITS,
    ids=[f"{page_type.name}-{audience}" for page_type, audience in WIDEST_VISITS],
)
def test_at_laptop_width_nothing_is_hidden_behind_a_sideways_scroll(
    browser: Browser, site, page_type, audience
):
    client = person(audience)
    visit = page_type.open(client)
    context = browser.new_context(viewport={"width": 1280, "height": HEIGHT})
    share_cookies(client, context, site)
    page = context.new_page()
    assert show(page, site, visit) == visit.status
    hidden = page.evaluate(_HIDING_BEHIND_A_SCROLL)
    context.close()
    assert not hidden, f"{page_type.name} ({audience}, {visit.path}) at 1280 px: {hidden}"
