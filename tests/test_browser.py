"""Headless Chromium loads the landing page, runs an example query, and sees its result rows.

Debian's ``chromium`` and ``chromium-driver`` (``make system-deps``) are driven over the W3C
WebDriver protocol with the standard library, so no browser-automation package is needed. The
page must work with no internet: the editor (YASGUI) is served from the package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.testing import free_port, live_server, write_build

FIXTURE = Path(__file__).parent / "endpoint" / "fixture.trig"
ENV = {
    "KG_BASE_IRI": "http://kg.test/",
    "KG_WORKERS": "1",
    "KG_THREADS": "4",
    "KG_QUERY_WORKERS": "1",
}
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1280,2000",
]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
pytestmark = pytest.mark.browser


class WebDriver:
    """The few WebDriver commands the test needs (https://www.w3.org/TR/webdriver2/)."""

    def __init__(self, url: str, user_data_dir: str) -> None:
        self.url = url
        options = {
            "binary": shutil.which("chromium"),
            "args": [*CHROME_ARGS, f"--user-data-dir={user_data_dir}"],
        }
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}}
        self.session = self.command("POST", "/session", caps)["sessionId"]

    def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body or {}).encode() if method == "POST" else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["value"]

    def go(self, url: str) -> None:
        self.command("POST", f"/session/{self.session}/url", {"url": url})

    def find_all(self, css: str) -> list[str]:
        found = self.command(
            "POST", f"/session/{self.session}/elements", {"using": "css selector", "value": css}
        )
        return [element[ELEMENT] for element in found]

    def click(self, element: str) -> None:
        self.command("POST", f"/session/{self.session}/element/{element}/click")

    def text(self, element: str) -> str:
        return str(self.command("GET", f"/session/{self.session}/element/{element}/text"))

    def run(self, script: str) -> Any:
        return self.command(
            "POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []}
        )

    def quit(self) -> None:
        self.command("DELETE", f"/session/{self.session}")


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver are missing: run `make system-deps`")
        pytest.skip("chromium and chromedriver are not installed (make system-deps)")
    port = free_port()
    driver_process = subprocess.Popen(
        ["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    profile = tempfile.mkdtemp(prefix="newskg-chromium-")
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + "/status", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        driver = WebDriver(url, profile)
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        driver_process.terminate()
        driver_process.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dist = tmp_path_factory.mktemp("browser") / "dist"
    write_build(dist, FIXTURE.read_bytes())
    with live_server(dist, env=ENV) as url:
        yield url


def wait_for(browser: WebDriver, css: str, seconds: float = 20) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = browser.find_all(css)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"nothing matched {css!r} within {seconds} s")


def test_browser_runs_an_example_query_and_sees_rows(browser: WebDriver, site: str) -> None:
    browser.go(site)
    assert browser.run("return typeof window.Yasgui") == "function", "YASGUI did not load"
    wait_for(browser, ".yasqe .CodeMirror")
    (first, *_) = browser.find_all(".run-example")
    browser.click(first)
    rows = wait_for(browser, ".yasr table tbody tr")
    text = " ".join(browser.text(row) for row in rows)
    assert "Troops seize the plant <b>now</b>" in text
    assert "2022-03-04T10:00:00Z" in text
