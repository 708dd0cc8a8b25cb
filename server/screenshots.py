"""Screenshots of every kind of page for the README tour: ``python -m server.screenshots DIR OUT``.

Serves the build in ``DIR`` (the seed build: ``kg build seeds/ --out DIR``; never commit pictures
of other text) with the real server, opens each page in headless Chromium and writes
``OUT/<page>.png`` (at most :data:`MAX_HEIGHT` pixels of the page). The resources shown are
found through the pages themselves (the events table's JSON), so the script needs no IRI.
"""

from __future__ import annotations

import argparse
import json
import urllib.request
from pathlib import Path

from server.testing import live_server
from server.webdriver import WebDriver, chromium_session

WIDTH = 1280
MAX_HEIGHT = 2200
ENV = {"KG_WORKERS": "1", "KG_THREADS": "4", "KG_QUERY_WORKERS": "1"}


def _events(site: str) -> list[dict[str, str]]:
    with urllib.request.urlopen(site + "events.json", timeout=30) as response:
        events: list[dict[str, str]] = json.loads(response.read())["events"]
    return events


def _local(site: str, iri: str, base: str) -> str:
    return site + iri[len(base) :] if iri.startswith(base) else iri


def pages(site: str, base: str) -> dict[str, str]:
    """Name -> URL of one page of each kind."""
    events = _events(site)
    merged = max((e for e in events if e["kind"] == "event"), key=lambda e: int(e["reports"]))
    lone = next((e for e in events if e["kind"] == "report"), merged)
    entity = merged["agent_iris"].split()[0] if merged["agent_iris"] else merged["target_iris"]
    found = {
        "landing": site,
        "events": site + "events",
        "event": _local(site, merged["iri"], base),
        "report": _local(site, lone["iri"], base),
        "entity": _local(site, entity.split()[0], base),
        "entities": site + "entities",
        "timeline": site + "timeline",
        "map": site + "map",
    }
    with urllib.request.urlopen(
        urllib.request.Request(found["event"] + ".jsonld", headers={"Accept": "*/*"}), timeout=30
    ) as response:
        graph = json.loads(response.read())["@graph"]
    denoted = [
        v["@id"]
        for node in graph
        for v in node.get("gaf:denotedBy", [])
        if isinstance(v, dict) and "#char=" in v.get("@id", "")
    ]
    if denoted:
        found["article"] = _local(site, sorted(denoted)[0], base)
    return found


def shoot(browser: WebDriver, url: str, path: Path) -> Path:
    browser.resize(WIDTH, 900)
    browser.go(url)
    height = int(browser.run("return document.documentElement.scrollHeight"))
    browser.resize(WIDTH, min(max(height, 600), MAX_HEIGHT))
    if "#" in url:
        browser.run("document.querySelector(':target')?.scrollIntoView({block: 'center'})")
    else:
        browser.run("document.activeElement?.blur(); window.scrollTo(0, 0)")
    return browser.screenshot(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server.screenshots", description=__doc__)
    parser.add_argument("directory", type=Path, help="a build (the seed build)")
    parser.add_argument("out", type=Path, help="where the PNG files go")
    args = parser.parse_args(argv)
    report = json.loads((args.directory / "build-report.json").read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    with live_server(args.directory, env=ENV) as site, chromium_session() as browser:
        for name, url in pages(site, report["base_iri"]).items():
            print(shoot(browser, url, args.out / f"{name}.png"))


if __name__ == "__main__":
    main()
