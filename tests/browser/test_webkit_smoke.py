"""Every iPhone browser is WebKit: a smoke test in Debian's WebKitGTK at an iPhone's width.

Selenium drives WebKitWebDriver (package webkit2gtk-driver), which starts WebKitGTK's
MiniBrowser on a virtual screen (Xvfb, started and stopped by a fixture). With JavaScript on, a
visitor saves the first step, lands on the next one, and the htmx sidebar shows the first step
as done, all without a full page load. Missing WebKitWebDriver or Xvfb: an error in CI, a skip
locally with the command that installs them.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import warnings

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.quality.checkers import missing
from tests.quality.pages import model_named

INSTALL = "apt-get install -y webkit2gtk-driver xvfb"
IPHONE = {"width": 390, "height": 844}
WAIT_SECONDS = 15


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"no {name} on this machine: run `{INSTALL}`")
    return path


def _minibrowser() -> str:
    found = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))
    if not found:
        missing(f"no WebKitGTK MiniBrowser on this machine: run `{INSTALL}`")
    return found[-1]


@pytest.fixture(scope="module")
def virtual_display():
    """An X display of its own (Xvfb picks a free number), stopped after the module."""
    xvfb = _program("Xvfb")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=[write_end],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as numbers:
        number = numbers.readline().strip()
    assert number, "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


# MiniBrowser's toolbar keeps its window at least 447 px wide; shrunk by a GTK style sheet (the
# browser's own widgets only: WebKit draws the page's form controls itself), the window and so
# the page can be an iPhone's 390 px.
_SMALL_TOOLBAR = """toolbar, toolbar *, headerbar, headerbar *, entry, button {
  min-width: 0; min-height: 0; margin: 0; padding: 0; font-size: 4px;
}
"""


@pytest.fixture
def webkit(virtual_display, tmp_path):
    """WebKitGTK through WebDriver, its window sized so the page is an iPhone's width."""
    (tmp_path / "gtk-3.0").mkdir()
    (tmp_path / "gtk-3.0" / "gtk.css").write_text(_SMALL_TOOLBAR)
    options = webdriver.WebKitGTKOptions()
    options.binary_location = _minibrowser()
    options.add_argument("--automation")
    service = webdriver.WebKitGTKService(
        executable_path=_program("WebKitWebDriver"),
        env={**os.environ, "DISPLAY": virtual_display, "XDG_CONFIG_HOME": str(tmp_path)},
    )
    with warnings.catch_warnings():
        # Selenium's own WebKitGTK class still calls what it deprecates (4.51); nothing of ours.
        warnings.filterwarnings(
            "ignore", "setting remote_server_addr in RemoteConnection", DeprecationWarning
        )
        driver = webdriver.WebKitGTK(options=options, service=service)
    driver.set_window_size(IPHONE["width"], IPHONE["height"])
    yield driver
    driver.quit()


@pytest.fixture
def http_cookies(settings):
    """Cookies as `make run` (DEBUG) sets them: WebKitGTK keeps no Secure cookie from plain
    http://localhost (Chromium does), and the live server speaks plain HTTP. On the real site,
    over HTTPS, the Secure __Host- cookies are kept."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_NAME = "sessionid"
    settings.CSRF_COOKIE_NAME = "csrftoken"


def _sidebar_status(driver, title: str) -> str:
    """The text of the sidebar's row for this step (collapsed on a phone, so textContent)."""
    return driver.execute_script(
        """const title = arguments[0];
        const rows = document.querySelectorAll('nav[aria-label="Progress"] li');
        const row = [...rows].find((li) => li.textContent.includes(title));
        return row ? row.textContent.replace(/\\s+/g, " ").trim() : "";""",
        title,
    )


def test_in_webkit_saving_a_step_updates_the_sidebar_without_a_full_reload(
    webkit, site, http_cookies
):
    steps = model_named("Step").objects.filter(guide__slug="alipay", published=True)
    first, second = steps.order_by("order", "id")[:2]
    done = model_named("StepProgress").Status.DONE.label

    webkit.get(site + first.get_absolute_url())
    assert webkit.execute_script("return window.innerWidth") == IPHONE["width"]
    assert done not in _sidebar_status(webkit, first.title)
    # Gone after a full page load; kept while htmx swaps parts of the page.
    webkit.execute_script("window.sameDocument = true")
    for box in webkit.find_elements(By.CSS_SELECTOR, "form.step-form input[type=checkbox]"):
        box.click()
    webkit.find_element(By.XPATH, "//button[normalize-space()='Save and continue']").click()

    wait = WebDriverWait(webkit, WAIT_SECONDS)
    wait.until(lambda driver: driver.current_url == site + second.get_absolute_url())
    wait.until(lambda driver: second.title in driver.find_element(By.TAG_NAME, "h1").text)
    wait.until(lambda driver: done in _sidebar_status(driver, first.title))
    assert webkit.execute_script("return window.sameDocument === true"), "the page was reloaded"
