"""The pure writers: numbers as people round them, small cells hidden, a page with no way out."""

from __future__ import annotations

import html
from datetime import date
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ekc.report import render as report_render

from ekc.report import figures as research
from ekc.report.render import COMPLEMENT, HIDDEN, masked_cells, mean_text, percent
from ekc.report.figures import Breakdown, Count, Figure, Mean, Minimum, Report, Share


def cells(*counts: int, exclusive: bool = True) -> Breakdown:
    pairs = tuple((f"c{i}", n) for i, n in enumerate(counts))
    return Breakdown(pairs, sum(counts) if exclusive else max(counts, default=0), exclusive=exclusive)


@pytest.mark.parametrize(
    "breakdown, masks",
    [
        (cells(10, 20, 30), {}),
        (cells(3, 10, 20), {"c0": HIDDEN, "c1": COMPLEMENT}),  # 3 = 33 - 10 - 20: hide 10 too
        (cells(20, 4, 9, 7), {"c1": HIDDEN, "c3": COMPLEMENT}),  # the smallest shown cell goes
        (cells(0, 10, 20), {"c0": HIDDEN}),  # a lone 0 gives away no one
        (cells(2, 3, 20), {"c0": HIDDEN, "c1": HIDDEN}),  # two hidden: their sum is not a family
        (cells(0, 4, 20), {"c0": HIDDEN, "c1": HIDDEN}),
        (cells(5, 5), {}),
        (cells(4), {"c0": HIDDEN}),  # nothing left to hide it behind
        (cells(3, 10, 20, exclusive=False), {"c0": HIDDEN}),  # cells need not add up to the total
    ],
)
def test_masked_cells(breakdown, masks):
    assert masked_cells(breakdown) == masks


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_no_single_small_cell_can_be_worked_out(counts):
    """Whatever the counts, a published exclusive breakdown never shows every cell but one
    small one: the total would give that cell away."""
    breakdown = cells(*counts)
    masks = masked_cells(breakdown)
    hidden = [n for code, n in breakdown.counts if code in masks]
    assert all(n < report_render.SMALL for code, n in breakdown.counts if masks.get(code) == HIDDEN)
    assert all(code in masks for code, n in breakdown.counts if n < report_render.SMALL)
    if any(0 < n < report_render.SMALL for n in hidden):
        assert len(hidden) >= 2 or len(counts) == 1


@pytest.mark.parametrize(
    "share, text",
    [(Share(1, 8), "13%"), (Share(5, 8), "63%"), (Share(61, 100), "61%"), (Share(2, 3), "67%"), (Share(0, 0), "–"), (Share(0, 5), "0%")],
)
def test_percent_rounds_half_up(share, text):
    assert percent(share) == text


@pytest.mark.parametrize("mean, text", [(Mean(17, 2), "8.5"), (Mean(37, 4), "9.3"), (Mean(560, 61), "9.2"), (Mean(0, 0), "–")])
def test_mean_rounds_half_up_to_one_decimal(mean, text):
    assert mean_text(mean) == text


def figure(key: str, unit: str = "cases", section: str = "requests") -> Figure:
    return Figure(key, section, f"Title {key}", f"titel {key}", unit, f"The definition of {key}, long enough to read.", lambda y: None)


def tiny_report() -> Report:
    return Report(
        2024,
        (
            (figure("closed_cases"), Count(33)),
            (figure("minor_main_persons"), Share(2, 3, 1)),
            (figure("venue", "meetings", "meetings"), Breakdown((("community_centre", 3), ("church", 10), ("home", 20)), 33, 2)),
            (figure("grade_adults_meeting", "grades", "satisfaction"), Mean(37, 4, 1)),
            (figure("shortest_preparation_days", "cases", "course"), Minimum(2, 5)),
        ),
    )


def test_json_shapes():
    doc = report_render.report_json(tiny_report())
    assert doc["year"] == 2024
    assert doc["closed_cases"] == {
        "kind": "count", "value": 33, "numerator": 33, "denominator": None,
        "title": "Title closed_cases", "unit": "cases", "incomplete": 0, "incomplete_unit": "cases",
    }
    assert {k: doc["minor_main_persons"][k] for k in ("value", "numerator", "denominator", "incomplete")} == {
        "value": 0.6667, "numerator": 2, "denominator": 3, "incomplete": 1,
    }
    assert doc["venue"]["categories"]["community_centre"] == {"value": 0.0909, "numerator": 3, "denominator": 33}
    assert doc["venue"]["exclusive"] is True and doc["venue"]["incomplete"] == 2
    assert {k: doc["grade_adults_meeting"][k] for k in ("mean", "n", "incomplete")} == {"mean": 9.25, "n": 4, "incomplete": 1}
    assert {k: doc["shortest_preparation_days"][k] for k in ("kind", "value", "n")} == {"kind": "minimum", "value": 2, "n": 5}


EN = report_render.Edition(date(2025, 1, 1), "0.1.0", None, "en")
NL = report_render.Edition(date(2025, 1, 1), "0.1.0", None, "nl")


def _without_notes(text: str) -> str:
    import re

    return re.sub(r" \[\^\d+\]", "", text)


def test_markdown_hides_and_complements():
    text = _without_notes(report_render.markdown(tiny_report(), EN))
    assert "| community centre | <5 | – |" in text
    assert "| church | x | x |" in text
    assert "| at home | 20 | 61% |" in text
    assert "**Title venue**: 33 meetings; left out: 2 meetings" in text
    assert "| Title minor_main_persons | 67% | 2 of 3 cases | 1 case |" in text
    assert "| Title grade_adults_meeting | 9.3 | 4 | 1 grade |" in text
    dutch = _without_notes(report_render.markdown(tiny_report(), NL))
    assert "| buurthuis/wijkcentrum | <5 | – |" in dutch and "| thuis | 20 | 61% |" in dutch
    assert "| Titel grade_adults_meeting | 9,3 | 4 | 1 cijfer |" in dutch


def test_markdown_escapes_table_pipes():
    report = Report(2024, ((Figure("closed_cases", "requests", "A | B", "c|d", "cases", "x" * 40, lambda y: None), Count(1)),))
    assert "| A \\| B | 1 |" in _without_notes(report_render.markdown(report, EN))
    assert "| C\\|d | 1 |" in _without_notes(report_render.markdown(report, NL))


def test_html_holds_nothing_that_could_load():
    page = report_render.html(tiny_report())
    assert page.count('http-equiv="Content-Security-Policy"') == 1
    assert f'content="{html.escape(report_render.CSP)}"' in page
    for needle in ("http:", "https:", "//", "url(", "@import", "@font-face", "<script", "<link", "<img", "src="):
        assert needle not in page.replace("<!DOCTYPE html>", ""), needle
    assert page.count("href=") == page.count('href="#def-') > 0  # only the notes' anchors on the page itself
    assert "&lt;5" in page and ">x<" in page  # hidden cells, escaped
    assert 'data-fraction="0.606061" style="width:60.61%"' in page  # home: 20 of 33


def test_html_escapes_text():
    report = Report(2024, ((Figure("closed_cases", "requests", "<b>bold</b>", "&", "cases", "<script>x</script>" + "y" * 30, lambda y: None), Count(1)),))
    page = report_render.html(report, EN)
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>" not in page


def test_every_figure_has_labels_for_its_categories():
    """No category code reaches a published table without its words (provinces are words)."""
    report = research.compute([], {}, 2024)
    for fig, result in report.figures:
        if isinstance(result, Breakdown) and fig.key != "province":
            for code, _ in result.counts:
                assert code in report_render.FIGURE_LABELS.get(fig.key, {}) or code in report_render.LABELS, (fig.key, code)


def test_the_docs_list_every_figure_as_the_code_defines_it():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs" / "report.md"
    text = docs.read_text(encoding="utf-8")
    head, _, listed = text.partition("## The figures\n\n")
    # After changing a definition: replace the list with `ekc.report.render.definitions_markdown()`.
    assert listed == report_render.definitions_markdown()


def test_html_of_an_empty_year_draws_empty_bars_not_hidden_ones():
    page = report_render.html(research.compute([], {}, 2031))
    assert 'class="bar empty"' in page and 'class="fill"' not in page
    assert page.count('class="bar masked"') == sum(
        len(masked_cells(r)) for _, r in research.compute([], {}, 2031).figures if isinstance(r, Breakdown)
    )
