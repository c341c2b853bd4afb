"""What the browser sees: no request to another host, no console error, no CSP violation."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page

from tests.browser.walk import done_button, fill_step, save, step_url

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " " + event.sourceFile);
});
"""


def test_walking_the_guide_requests_nothing_from_another_host_and_breaks_no_csp(page: Page, site):
    own_host = urlsplit(site).netloc
    requested_hosts = set()
    problems = []
    page.on("request", lambda request: requested_hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(REPORT_VIOLATIONS)

    page.goto(site + "/")
    page.goto(site + "/guides/alipay/")
    page.goto(site + "/guides/alipay/glossary/")
    page.goto(site + "/about/")
    # Stuck, then a skip, both through htmx.
    page.goto(step_url(site, "chinese-on-screen"))
    page.locator("summary", has_text="I'm stuck").click()
    page.locator(".stuck-form input[name=problem]").first.check()
    page.get_by_role("button", name="Show me the fix").click()
    page.locator("#fix").wait_for()
    page.get_by_role("button", name="Skip: I don't need this").click()
    page.wait_for_url(lambda url: "chinese-on-screen" not in url)
    page.goto(step_url(site, "about"))
    done_button(page).click()
    page.locator(".error-summary").wait_for()
    while "/done/" not in page.url:
        fill_step(page)
        save(page)
    page.get_by_role("button", name="Create a share link").click()
    share_link = page.locator("input[readonly]").first
    share_link.wait_for()
    page.goto(share_link.input_value())
    page.wait_for_load_state("networkidle")

    assert requested_hosts == {own_host}
    assert problems == []


def test_the_csp_header_is_enforced_with_a_nonce_on_every_script(page: Page, site):
    response = page.goto(step_url(site, "about"))
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    scripts = page.locator("script").all()
    assert scripts
    assert all(script.evaluate("element => element.nonce !== ''") for script in scripts)
