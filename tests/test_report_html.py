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
    assert browser.evaluate("document.title") == "Onderzoeksgegevens 2024 – Eigen Kracht Centrale"
    assert browser.evaluate("document.querySelector('h1').innerText") == "Onderzoeksgegevens 2024"
    assert browser.evaluate("document.documentElement.lang") == "nl"
    keys = browser.evaluate("[...document.querySelectorAll('.figure')].map(s => s.dataset.key)")
    assert sorted(keys) == sorted(report.keys())
    heights = browser.evaluate("[...document.querySelectorAll('.figure')].map(s => s.getBoundingClientRect().height)")
    assert all(h > 12 for h in heights)
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
        elif isinstance(result, research.Breakdown):
            masked = report_render.masked_cells(result)
            expected_masked += len(masked)
            expected_bars += sum(1 for code, _ in result.counts if code not in masked)
    assert len(bars) == expected_bars > 20
    for fraction, width, track in bars:
        assert track > 40
        assert width == pytest.approx(fraction * track, abs=1.0)
    assert browser.evaluate("document.querySelectorAll('.bar.masked').length") == expected_masked
    drawn = [b for b in bars if b[0] > 0]
    assert drawn and all(width > 1 for _, width, _ in drawn)


def test_the_grades_are_one_compact_table_with_dutch_numbers(page, report):
    browser, _ = page
    grades = [f.key for f, r in report.figures if isinstance(r, research.Mean) and f.unit == "grades"]
    rows = browser.evaluate("[...document.querySelectorAll('table.grades tr.figure')].map(r => r.dataset.key)")
    assert rows == grades and len(grades) >= 10
    assert browser.evaluate("document.querySelectorAll('table.grades').length") == 1
    cells = browser.evaluate("[...document.querySelectorAll('#grade_adults_coordinator td')].map(td => td.innerText)")
    assert cells[:2] == ["8,8", "5"]  # 44 / 5 grades
    height = browser.evaluate("document.querySelector('table.grades').getBoundingClientRect().height")
    assert height < 40 * (len(grades) + 2)  # a row a grade, not a block with a bar each


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
    assert width >= 900 and height > 2000  # the whole long page, not an empty viewport
    (tmp_path / "report.png").write_bytes(png)


def test_the_footer_names_date_version_and_commit(page):
    import ekc

    browser, _ = page
    footer = browser.evaluate("document.querySelector('footer').innerText")
    assert f"met ekc {ekc.__version__}" in footer and "Gemaakt op" in footer
    assert browser.evaluate("document.querySelector('footer').getBoundingClientRect().height") > 10


# --- the annual report of a real-sized year: 125 cases -------------------------------


@pytest.fixture(scope="module")
def year_page(tmp_path_factory):
    """A synthetic data repository (bench/synthetic.py) whose 2024 holds 125 closed cases,
    committed, and its HTML edition loaded in the browser."""
    from datetime import date

    from typer.testing import CliRunner

    from bench.synthetic import generate_store
    from ekc.cli.app import app
    from tests.support.git import commit_all, init_repo

    folder = tmp_path_factory.mktemp("year")
    root = folder / "data"
    generate_store(root, 700, 40, 15, 3, date(2026, 11, 27), first_year=2021)
    init_repo(root)
    commit = commit_all(root, "synthetic data")
    result = CliRunner().invoke(app, ["--data", str(root), "--today", "2025-02-03", "report", "--year", "2024", "--format", "html", "--skip-invalid"])
    assert result.exit_code == 0, result.stderr
    path = folder / "jaarverslag-2024.html"
    path.write_text(result.stdout, encoding="utf-8")
    browser = Chromium(BINARY, folder / "profile")
    try:
        browser.open(path.as_uri())
        yield browser, path, commit
    finally:
        browser.close()


def test_the_year_has_125_cases(year_page):
    browser, _, commit = year_page
    assert browser.evaluate("document.querySelector('#closed_cases .big').innerText") == "125"
    assert commit[:12] in browser.evaluate("document.querySelector('footer').innerText")


def test_a_screenshot_at_1280_pixels_fits_the_width(year_page, tmp_path):
    browser, _, _ = year_page
    browser.set_width(1280)
    try:
        assert browser.evaluate("document.documentElement.scrollWidth") <= 1280  # nothing sticks out sideways
        png = browser.screenshot()
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")
    width = int.from_bytes(png[16:20], "big")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width == 1280
    (tmp_path / "jaarverslag-1280.png").write_bytes(png)
    # breakdowns sit side by side at this width: the page is not one long column
    lefts = browser.evaluate("new Set([...document.querySelectorAll('.breakdowns .block')].map(b => Math.round(b.getBoundingClientRect().left))).size")
    assert lefts >= 2


def test_print_puts_the_definitions_in_notes_at_the_end(year_page):
    browser, _, _ = year_page
    assert browser.evaluate("document.querySelectorAll('details').length") == 0  # no "Definition" line a figure
    browser.emulate_media("print")
    try:
        assert browser.evaluate("getComputedStyle(document.querySelector('.endnotes')).columnCount") == "2"
        notes = browser.evaluate("document.querySelectorAll('.endnotes li').length")
        refs = browser.evaluate("[...document.querySelectorAll('sup a')].map(a => a.getAttribute('href'))")
        assert notes == len(refs) > 30
        assert all(browser.evaluate(f"!!document.querySelector('{ref}')") for ref in refs[:5])
        last = browser.evaluate("[...document.querySelector('main').children].slice(-2).map(e => e.className || e.tagName)")
        assert last == ["endnotes", "FOOTER"]
    finally:
        browser.emulate_media("")


def test_the_pdf_print_is_at_most_four_a4_pages(year_page, tmp_path):
    from tests.browser import pdf_pages

    browser, _, _ = year_page
    pdf = browser.print_pdf()
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "jaarverslag-2024.pdf").write_bytes(pdf)
    pages = pdf_pages(pdf)
    assert 1 <= pages <= 4, f"{pages} pages"


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
