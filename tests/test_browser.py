"""Headless Chromium on every kind of page: the landing page runs an example query; event, report,
article and entity pages show what they say; a #char= link lands on its marked span; the entity
search, the events filters, the timeline and the map work; and the browsing pages work with
JavaScript switched off.

Debian's ``chromium`` and ``chromium-driver`` (``make system-deps``) are driven over the W3C
WebDriver protocol with the standard library (:mod:`server.webdriver`), so no browser-automation
package is needed. The pages must work with no internet: everything is served from the package.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.testing import live_server, write_build
from server.webdriver import WebDriver, chromium_available, chromium_session, wait_for

FIXTURE = Path(__file__).parent / "endpoint" / "fixture.trig"
ENV = {
    "KG_BASE_IRI": "http://kg.test/",
    "KG_WORKERS": "1",
    "KG_THREADS": "4",
    "KG_QUERY_WORKERS": "1",
}
pytestmark = pytest.mark.browser


def _needs_chromium() -> None:
    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver are missing: run `make system-deps`")
        pytest.skip("chromium and chromedriver are not installed (make system-deps)")


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    _needs_chromium()
    with chromium_session() as driver:
        yield driver


@pytest.fixture(scope="module")
def no_script_browser() -> Iterator[WebDriver]:
    _needs_chromium()
    with chromium_session(scripts=False) as driver:
        yield driver


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dist = tmp_path_factory.mktemp("browser") / "dist"
    write_build(dist, FIXTURE.read_bytes(), base_iri="http://kg.test/")
    with live_server(dist, env=ENV) as url:
        yield url


def texts(browser: WebDriver, css: str) -> list[str]:
    return [browser.text(e) for e in browser.find_all(css)]


def submitted(browser: WebDriver, part: str, seconds: float = 20) -> str:
    """The URL once the form's GET (whose URL holds ``part``) has loaded."""
    deadline = time.monotonic() + seconds
    while part not in (url := browser.current_url()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{part!r} never appeared in the URL, still {url}")
        time.sleep(0.1)
    wait_for(browser, "footer, main")
    return url


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


def test_browser_event_page_says_what_happened(browser: WebDriver, site: str) -> None:
    browser.go(site + "id/event/dddddddddddd")
    (title,) = texts(browser, "h1")
    assert title == (
        'Seizure of Zaporizhzhia <Nuclear> & "Power" Plant by Russian Armed Forces on 4 March 2022'
    )
    assert browser.title().startswith("Seizure of Zaporizhzhia")
    (trigger,) = browser.find_all(".reports .mark.trigger")
    assert browser.text(trigger) == "seized"
    assert browser.attribute(trigger, "href") == "/id/article/a1#char=15,21"
    assert texts(browser, ".reports .factuality") == ["asserted"]


def test_browser_hash_link_lands_on_its_marked_span(browser: WebDriver, site: str) -> None:
    browser.go(site + "id/event/dddddddddddd")
    (trigger,) = browser.find_all(".reports .mark.trigger")
    browser.click(trigger)
    assert browser.current_url() == site + "id/article/a1#char=15,21"
    assert browser.run("return document.querySelector(':target').id") == "char=15,21"
    assert browser.run("return getComputedStyle(document.querySelector(':target')).outlineStyle")
    assert browser.run("return document.querySelector(':target').textContent") == "seized"
    top = browser.run("return document.querySelector(':target').getBoundingClientRect().top")
    assert 0 <= top < browser.run("return window.innerHeight")  # scrolled into view


def test_browser_article_page_marks_entities_and_triggers(browser: WebDriver, site: str) -> None:
    browser.go(site + "id/article/a1")
    assert texts(browser, ".text .mark.entity") == ["Russian troops", "Zaporizhzhia"]
    assert texts(browser, ".text .mark.trigger") == ["seized"]
    assert "<script>alert(1)</script>" in texts(browser, ".text")[0]  # shown as text, not run
    (entity, _) = browser.find_all(".text .mark.entity")
    browser.click(entity)
    assert browser.current_url() == site + "id/entity/russian-armed-forces-aaaaaaaaaaaa"


def test_browser_entity_page_lists_events_by_type(browser: WebDriver, site: str) -> None:
    browser.go(site + "id/entity/zaporizhzhia-npp-bbbbbbbbbbbb")
    assert texts(browser, ".entity-events h3") == ["Seizure", "Shelling"]
    rows = texts(browser, ".entity-events tbody tr")
    assert rows[0].startswith("on 4 March 2022 target Seizure of")
    assert rows[1].endswith("denied 1 Article a2")  # where it was read


def test_browser_report_page_names_speaker_and_article(browser: WebDriver, site: str) -> None:
    browser.go(site + "id/report/eeeeeeeeeeee")
    assert texts(browser, "h1")[0].startswith("Shelling of Zaporizhzhia")
    source = texts(browser, ".report-source")[0]
    assert source.startswith("Article a2")
    assert "according to Russian Armed Forces" in texts(browser, ".report-meta")[0]


def test_browser_entities_search_form(browser: WebDriver, site: str) -> None:
    browser.go(site + "entities")
    (field,) = browser.find_all("input[name=q]")
    browser.type(field, "troops")
    browser.click(browser.find_all("form.filters button")[0])
    submitted(browser, "q=troops")
    assert texts(browser, "table.entities tbody td:first-child") == ["Russian Armed Forces"]


def test_browser_events_filters_without_javascript(no_script_browser: WebDriver, site: str) -> None:
    browser = no_script_browser
    browser.go(site + "events")
    assert len(browser.find_all("table.events tbody tr")) == 2
    (field,) = browser.find_all("input[name=target]")
    browser.type(field, "zaporizhzhia")
    browser.click(browser.find_all("select[name=factuality] option[value=denied]")[0])
    browser.click(browser.find_all("form.filters button")[0])
    submitted(browser, "factuality=denied")
    (row,) = texts(browser, "table.events tbody tr")
    assert "Shelling of Zaporizhzhia" in row
    hrefs = [browser.attribute(link, "href") or "" for link in browser.find_all("a")]
    (csv_link,) = [h for h in hrefs if h.startswith("/events.csv")]
    assert "factuality=denied" in csv_link


def test_browser_timeline_and_map_draw_without_javascript(
    no_script_browser: WebDriver, site: str
) -> None:
    browser = no_script_browser
    browser.go(site + "timeline")
    assert len(browser.find_all("svg.timeline rect")) == 2
    browser.go(site + "map")
    assert len(browser.find_all("svg.map path.land")) > 5
    assert len(browser.find_all("svg.map circle.event")) == 1
