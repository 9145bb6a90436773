"""The HTML page in a real headless Chromium: it renders, its charts are drawn to scale,
and no request leaves the page."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from ekc.report import render as report_render

from ekc.report import figures as research
from ekc.report.render import CSP
from ekc.store.loader import load
from tests import report_store
from tests.browser import Chromium, chromium_binary

BINARY = chromium_binary()
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="chromium is not installed (CI installs it with .ci/install-browser)"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = report_store.build(tmp_path_factory.mktemp("html") / "data")
    store = load(root, use_cache=False).store
    return research.compute([c.case for c in store.cases.values()], store.municipalities, 2024)


@pytest.fixture(scope="module")
def page(report, tmp_path_factory):
    """The page as `ekc report --format html` writes it, loaded once in the browser."""
    from typer.testing import CliRunner

    from ekc.cli.app import app

    folder = tmp_path_factory.mktemp("page")
    root = report_store.build(folder / "data")
    result = CliRunner().invoke(app, ["--data", str(root), "report", "--year", "2024", "--format", "html"])
    assert result.exit_code == 0, result.stderr
    path = folder / "report-2024.html"
    path.write_text(result.stdout, encoding="utf-8")
    browser = Chromium(BINARY, folder / "profile")
    try:
        browser.open(path.as_uri())
        yield browser, path
    finally:
        browser.close()


def test_it_renders(page, report):
    browser, _ = page
    assert browser.evaluate("document.title") == "Research figures 2024 – Eigen Kracht Centrale"
    assert browser.evaluate("document.querySelector('h1').innerText") == "Research figures 2024"
    keys = browser.evaluate("[...document.querySelectorAll('section.figure')].map(s => s.dataset.key)")
    assert keys == report.keys()
    heights = browser.evaluate("[...document.querySelectorAll('section.figure')].map(s => s.getBoundingClientRect().height)")
    assert all(h > 20 for h in heights)
    errors = [
        e for e in browser.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert errors == []


def test_the_charts_are_drawn_to_scale(page, report):
    browser, _ = page
    bars = browser.evaluate(
        "[...document.querySelectorAll('.bar .fill')].map(f => ["
        "parseFloat(f.dataset.fraction), f.getBoundingClientRect().width, f.parentElement.getBoundingClientRect().width])"
    )
    expected_bars = expected_masked = 0
    for figure, result in report.figures:
        if isinstance(result, research.Share):
            expected_bars += result.denominator > 0
        elif isinstance(result, research.Mean) and figure.unit == "grades":
            expected_bars += result.n > 0
        elif isinstance(result, research.Breakdown):
            masked = report_render.masked_cells(result)
            expected_masked += len(masked)
            expected_bars += sum(1 for code, _ in result.counts if code not in masked)
    assert len(bars) == expected_bars > 20
    for fraction, width, track in bars:
        assert track > 100
        assert width == pytest.approx(fraction * track, abs=1.0)
    assert browser.evaluate("document.querySelectorAll('.bar.masked').length") == expected_masked
    drawn = [b for b in bars if b[0] > 0]
    assert drawn and all(width > 1 for _, width, _ in drawn)


def test_the_satisfaction_bar_is_the_grade_on_a_ten_point_scale(page):
    browser, _ = page
    fraction = browser.evaluate("parseFloat(document.querySelector('#grade_adults_coordinator .fill').dataset.fraction)")
    assert fraction == pytest.approx(0.88)  # 44 / 5 = 8.8 of 10
    text = browser.evaluate("document.querySelector('#grade_adults_coordinator').innerText")
    assert "8.8" in text and "n = 5 grades" in text


def test_small_cells_are_hidden_on_the_page(page):
    browser, _ = page
    rows = browser.evaluate(
        "[...document.querySelectorAll('#province tr')].map(r => [r.querySelector('th').innerText, r.querySelectorAll('td')[2].innerText])"
    )
    assert dict(rows)["Noord-Holland"] == "5"
    assert dict(rows)["Zuid-Holland"] == "<5"


def test_no_request_leaves_the_page(page):
    browser, path = page
    assert browser.requested_urls() == [path.as_uri()]  # the document itself, nothing else
    assert browser.evaluate("performance.getEntriesByType('resource').length") == 0
    assert browser.evaluate("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content") == CSP
    assert browser.evaluate("document.querySelectorAll('script, link, img, iframe, object, embed').length") == 0


def test_it_can_be_screenshotted(page, tmp_path):
    browser, _ = page
    png = browser.screenshot()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 900 and height > 3000  # the whole long page, not an empty viewport
    (tmp_path / "report.png").write_bytes(png)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Counter.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_check_sees_a_request_when_there_is_one(server, tmp_path):
    """The control: a page that does load something is caught by the same checks."""
    leaky = tmp_path / "leaky.html"
    leaky.write_text(f'<!DOCTYPE html><html><body><img src="{server}/pixel.gif"></body></html>')
    with Chromium(BINARY, tmp_path / "profile") as browser:
        browser.open(leaky.as_uri())
        assert f"{server}/pixel.gif" in browser.requested_urls()
        assert browser.evaluate("performance.getEntriesByType('resource').length") == 1
    assert _Counter.hits == ["/pixel.gif"]


def test_the_pages_policy_blocks_what_would_leave(server, tmp_path):
    """The same image under the page's own Content-Security-Policy never reaches the server."""
    guarded = tmp_path / "guarded.html"
    guarded.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{CSP}"></head>'
        f'<body><img src="{server}/pixel.gif"><link rel="stylesheet" href="{server}/style.css"></body></html>'
    )
    with Chromium(BINARY, tmp_path / "profile") as browser:
        browser.open(guarded.as_uri())
        attempted = browser.requested_urls()[1:]
        blocked = [e["params"].get("blockedReason") for e in browser.events if e.get("method") == "Network.loadingFailed"]
    assert sorted(attempted) == [f"{server}/pixel.gif", f"{server}/style.css"]
    assert blocked == ["csp", "csp"]
    assert _Counter.hits == []
