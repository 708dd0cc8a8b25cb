"""A few W3C WebDriver commands over Debian's headless Chromium, with the standard library only:
what the browser tests and the documentation screenshots need (https://www.w3.org/TR/webdriver2/).

``chromium_session()`` starts ``chromedriver`` on a free port and a Chromium with a fresh
profile and no background networking (the machine has no internet), and always stops both.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from server.testing import free_port

CHROME_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1280,2000",
)
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def chromium_available() -> bool:
    return bool(shutil.which("chromium") and shutil.which("chromedriver"))


class WebDriver:
    """One browser session."""

    def __init__(self, url: str, user_data_dir: str, *, scripts: bool = True) -> None:
        self.url = url
        args = [*CHROME_ARGS, f"--user-data-dir={user_data_dir}"]
        if not scripts:
            args.append("--blink-settings=scriptEnabled=false")
        options = {"binary": shutil.which("chromium"), "args": args}
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

    def current_url(self) -> str:
        return str(self.command("GET", f"/session/{self.session}/url"))

    def title(self) -> str:
        return str(self.command("GET", f"/session/{self.session}/title"))

    def find_all(self, css: str) -> list[str]:
        found = self.command(
            "POST", f"/session/{self.session}/elements", {"using": "css selector", "value": css}
        )
        return [element[ELEMENT] for element in found]

    def click(self, element: str) -> None:
        self.command("POST", f"/session/{self.session}/element/{element}/click")

    def type(self, element: str, text: str) -> None:
        self.command("POST", f"/session/{self.session}/element/{element}/value", {"text": text})

    def text(self, element: str) -> str:
        return str(self.command("GET", f"/session/{self.session}/element/{element}/text"))

    def attribute(self, element: str, name: str) -> str | None:
        value = self.command("GET", f"/session/{self.session}/element/{element}/attribute/{name}")
        return None if value is None else str(value)

    def run(self, script: str) -> Any:
        return self.command(
            "POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []}
        )

    def resize(self, width: int, height: int) -> None:
        self.command(
            "POST", f"/session/{self.session}/window/rect", {"width": width, "height": height}
        )

    def screenshot(self, path: Path) -> Path:
        """A PNG of the viewport."""
        data = self.command("GET", f"/session/{self.session}/screenshot")
        path.write_bytes(base64.b64decode(data))
        return path

    def quit(self) -> None:
        self.command("DELETE", f"/session/{self.session}")


def wait_for(browser: WebDriver, css: str, seconds: float = 20) -> list[str]:
    """The elements matching ``css`` once there are any (AssertionError after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = browser.find_all(css)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"nothing matched {css!r} within {seconds} s")


@contextmanager
def chromium_session(*, scripts: bool = True) -> Iterator[WebDriver]:
    """A Chromium session driven by a chromedriver of its own; both stopped at the end."""
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
        driver = WebDriver(url, profile, scripts=scripts)
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        driver_process.terminate()
        driver_process.wait(10)
        shutil.rmtree(profile, ignore_errors=True)
