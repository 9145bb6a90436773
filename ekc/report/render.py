"""The research figures as JSON, Markdown and one self-contained HTML page: pure strings.

Published tables (Markdown, HTML) hide small numbers so that no row points at one
family: a breakdown cell under SMALL units shows as "<5". When exactly one cell of an
exclusive breakdown is hidden, the total minus the shown cells would give it away, so
the next smallest cell is hidden too and shows as "x". JSON and the terminal table are
for the foundation's own use and show every number.

JSON convention (one key per figure, plus "year"); every figure object has "kind",
"title" and "incomplete" (units left out for missing data, in "incomplete_unit"):

* share:     {"value": fraction 0-1 | null, "numerator", "denominator"}
* count:     {"value", "numerator": value, "denominator": null}
* mean:      {"mean": number | null, "n"}
* minimum:   {"value": number | null, "n"}
* breakdown: {"denominator", "exclusive", "categories": {category: {"value", "numerator", "denominator"}}}

Fractions and means are rounded to 4 decimals; numerators and denominators are exact.
"""

from __future__ import annotations

import html as html_lib
import json
from importlib import resources
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from ekc.report.figures import SECTIONS, Breakdown, Count, Figure, Mean, Minimum, Report, Result, Share
from ekc.model.vocabulary import LABELS as VOCABULARY_LABELS

SMALL = 5
HIDDEN = "<5"
COMPLEMENT = "x"

# category code -> (English, Dutch), from the one vocabulary (ekc.model.vocabulary); codes
# not listed are shown as they are (provinces). Where a code is in several vocabularies, the
# first listed here wins; FIGURE_LABELS says what a code means in a particular figure.
_ORDER = ("referrer", "referrer_org", "professional_help", "reason", "variant", "outcome", "stop_reason", "venue", "good_decision")
LABELS: dict[str, tuple[str, str]] = {}
for _vocabulary in _ORDER:
    for _code, _label in VOCABULARY_LABELS[_vocabulary].items():
        LABELS.setdefault(_code, (_label.english, _label.dutch))
LABELS.update({code: (VOCABULARY_LABELS["attendee"][code].english, VOCABULARY_LABELS["attendee"][code].dutch) for code in ("minor_main", "adult_main")})
# report categories of its own (weeks of preparation), not a vocabulary of the data
LABELS.update({
    "under_2_months": ("under 2 months", "minder dan 2 maanden"),
    "2_to_3_months": ("2 to 3 months", "2 tot 3 maanden"),
    "3_months_or_more": ("3 months or more", "3 maanden of langer"),
})
FIGURE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "attendee_categories": {
        code: (VOCABULARY_LABELS["attendee"][code].english, VOCABULARY_LABELS["attendee"][code].dutch)
        for code in ("family", "network", "professional")
    },
    "reasons": {code: (VOCABULARY_LABELS["reason"][code].english, VOCABULARY_LABELS["reason"][code].dutch) for code in ("mental_health", "other")},
}


def label(figure_key: str, code: str) -> str:
    english, dutch = FIGURE_LABELS.get(figure_key, {}).get(code) or LABELS.get(code, (code, ""))
    return f"{english} ({dutch})" if dutch and dutch != english else english


# --- numbers -------------------------------------------------------------------------


def _round(value: Fraction, places: int) -> Decimal:
    """Half up, as people round, not Python's half to even."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(share: Share) -> str:
    value = share.value
    return "–" if value is None else f"{_round(value * 100, 0)}%"


def mean_text(result: Mean) -> str:
    value = result.mean
    return "–" if value is None else str(_round(value, 1))


def _json_number(value: Fraction | None) -> float | None:
    return None if value is None else float(_round(value, 4))


def figure_json(figure: Figure, result: Result) -> dict:
    common = {"title": figure.title, "unit": figure.unit, "incomplete": result.incomplete, "incomplete_unit": figure.left_out_unit}
    if isinstance(result, Share):
        return {"kind": "share", "value": _json_number(result.value), "numerator": result.numerator, "denominator": result.denominator, **common}
    if isinstance(result, Count):
        return {"kind": "count", "value": result.value, "numerator": result.value, "denominator": None, **common}
    if isinstance(result, Mean):
        return {"kind": "mean", "mean": _json_number(result.mean), "n": result.n, **common}
    if isinstance(result, Minimum):
        return {"kind": "minimum", "value": result.value, "n": result.n, **common}
    if isinstance(result, Breakdown):
        categories = {
            code: {"value": _json_number(result.share(code).value), "numerator": n, "denominator": result.denominator}
            for code, n in result.counts
        }
        return {"kind": "breakdown", "denominator": result.denominator, "exclusive": result.exclusive, "categories": categories, **common}
    raise TypeError(f"no JSON for {type(result).__name__}")


def report_json(report: Report) -> dict:
    return {"year": report.year, **{figure.key: figure_json(figure, result) for figure, result in report.figures}}


# --- small numbers -------------------------------------------------------------------


def masked_cells(result: Breakdown) -> dict[str, str]:
    """Category -> what a published table shows instead of its number ("<5" or "x")."""
    masks = {code: HIDDEN for code, n in result.counts if n < SMALL}
    # One hidden cell of 1-4 is the total minus the shown ones; a lone hidden 0 gives away no one.
    if result.exclusive and len(masks) == 1 and dict(result.counts)[next(iter(masks))] > 0:
        shown = sorted((n, code) for code, n in result.counts if code not in masks)
        if shown:
            masks[shown[0][1]] = COMPLEMENT
    return masks


# --- plain phrases shared by every format -------------------------------------------


def _units(n: int, unit: str) -> str:
    singular = {"cases": "case", "meetings": "meeting", "plans": "plan", "attendees": "attendee", "forms": "form", "grades": "grade"}
    return f"{n} {singular.get(unit, unit) if n == 1 else unit}"


def value_text(figure: Figure, result: Result) -> str:
    if isinstance(result, Share):
        return percent(result)
    if isinstance(result, Count):
        return str(result.value)
    if isinstance(result, Mean):
        return mean_text(result)
    if isinstance(result, Minimum):
        return "–" if result.value is None else f"{result.value} days"
    return ""


def basis_text(figure: Figure, result: Result) -> str:
    """What the value stands on: "61 of 100 cases", "n = 12 grades"."""
    if isinstance(result, Share):
        return f"{result.numerator} of {_units(result.denominator, figure.unit)}"
    if isinstance(result, Mean):
        return f"n = {_units(result.n, 'meetings' if figure.unit == 'attendees' else figure.unit)}"
    if isinstance(result, Minimum):
        return f"over {_units(result.n, figure.unit)}"
    if isinstance(result, Breakdown):
        return _units(result.denominator, figure.unit)
    return ""


def left_out_text(figure: Figure, result: Result) -> str:
    return _units(result.incomplete, figure.left_out_unit) if result.incomplete else ""


def sections(report: Report) -> list[tuple[str, str, list[tuple[Figure, Result]]]]:
    return [
        (title, dutch, [(f, r) for f, r in report.figures if f.section == key])
        for key, title, dutch in SECTIONS
    ]


# --- the annual report's edition: Dutch by default ---------------------------------------
#
# Markdown and HTML are what the board and the municipalities read. They are Dutch unless
# asked otherwise (`--lang en`), with Dutch numbers (`7,8`, `61%`), one compact table for
# the grades, the definitions as notes at the end, and a footer that says when, with
# which ekc and over which commit of the data they were made, so a printed copy can be
# traced back to its data.

from dataclasses import dataclass  # noqa: E402
from datetime import date  # noqa: E402

LANGS = ("nl", "en")


@dataclass(frozen=True)
class Edition:
    """What the footer says, and the language."""

    made_on: date
    version: str
    commit: str | None  # the data repository's commit; None outside git
    lang: str = "nl"
    dirty: bool = False  # the files differ from that commit


_UNITS_NL = {
    "cases": ("aanmelding", "aanmeldingen"),
    "meetings": ("bijeenkomst", "bijeenkomsten"),
    "plans": ("plan", "plannen"),
    "attendees": ("aanwezige", "aanwezigen"),
    "forms": ("formulier", "formulieren"),
    "grades": ("cijfer", "cijfers"),
    "days": ("dag", "dagen"),
}

# The edition's sentences in Dutch and English: data, kept beside this module.
PHRASES: dict[str, dict[str, str]] = json.loads(
    resources.files("ekc.report").joinpath("phrases.json").read_text(encoding="utf-8")
)


def _p(lang: str, key: str, **values) -> str:
    return PHRASES[lang][key].format(**values)


def units_in(lang: str, n: int, unit: str) -> str:
    if lang == "nl":
        one, many = _UNITS_NL.get(unit, (unit, unit))
        return f"{n} {one if n == 1 else many}"
    return _units(n, unit)


def decimal_in(lang: str, value: Decimal) -> str:
    """`7,8` in Dutch, `7.8` in English."""
    text = str(value)
    return text.replace(".", ",") if lang == "nl" else text


def mean_in(lang: str, result: Mean) -> str:
    return "–" if result.mean is None else decimal_in(lang, _round(result.mean, 1))


def figure_title(lang: str, figure: Figure) -> str:
    return figure.dutch[:1].upper() + figure.dutch[1:] if lang == "nl" else figure.title


def section_title(lang: str, title: str, dutch: str) -> str:
    return dutch if lang == "nl" else title


def label_in(lang: str, figure_key: str, code: str) -> str:
    english, dutch = FIGURE_LABELS.get(figure_key, {}).get(code) or LABELS.get(code, (code, ""))
    return (dutch or english) if lang == "nl" else english


def value_in(lang: str, figure: Figure, result: Result) -> str:
    if isinstance(result, Share):
        return percent(result)
    if isinstance(result, Count):
        return str(result.value)
    if isinstance(result, Mean):
        return mean_in(lang, result)
    if isinstance(result, Minimum):
        return "–" if result.value is None else units_in(lang, result.value, "days")
    return ""


def basis_in(lang: str, figure: Figure, result: Result) -> str:
    if isinstance(result, Share):
        return _p(lang, "of", n=result.numerator, total=units_in(lang, result.denominator, figure.unit))
    if isinstance(result, Mean):
        return _p(lang, "n", units=units_in(lang, result.n, "meetings" if figure.unit == "attendees" else figure.unit))
    if isinstance(result, Minimum):
        return _p(lang, "over", units=units_in(lang, result.n, figure.unit))
    if isinstance(result, Breakdown):
        return units_in(lang, result.denominator, figure.unit)
    return ""


def left_out_in(lang: str, figure: Figure, result: Result) -> str:
    return units_in(lang, result.incomplete, figure.left_out_unit) if result.incomplete else ""


def is_grade(figure: Figure, result: Result) -> bool:
    return isinstance(result, Mean) and figure.unit == "grades"


def footer_text(edition: Edition) -> str:
    lang = edition.lang
    commit = edition.commit[:12] if edition.commit else _p(lang, "no_commit")
    text = _p(lang, "footer", date=_date_in(lang, edition.made_on), version=edition.version, commit=commit)
    return text + (_p(lang, "footer_dirty") if edition.dirty and edition.commit else "")


_MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")


def _date_in(lang: str, day: date) -> str:
    return f"{day.day} {_MONTHS_NL[day.month - 1]} {day.year}" if lang == "nl" else day.isoformat()


def _cell_texts(lang: str, figure: Figure, result: Breakdown) -> list[tuple[str, str, str, bool]]:
    """(label, number, share, hidden) a row, small cells masked."""
    masks = masked_cells(result)
    rows = []
    for code, n in result.counts:
        mask = masks.get(code)
        number, pct = (mask, "–" if mask == HIDDEN else COMPLEMENT) if mask else (str(n), percent(result.share(code)))
        rows.append((label_in(lang, figure.key, code), number, pct, bool(mask)))
    return rows


# --- Markdown ------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _opening(report: Report, edition: Edition | None):
    """What both editions start from: the edition (today's, by default), its language, the
    cases closed, and each figure's note number."""
    edition = edition or Edition(date.today(), "", None)
    notes = {figure.key: number for number, (figure, _) in enumerate(report.figures, 1)}
    return edition, edition.lang, report["closed_cases"], notes


def markdown(report: Report, edition: Edition | None = None) -> str:
    edition, lang, closed, notes = _opening(report, edition)
    lines = [
        f"# {_p(lang, 'title', year=report.year)}",
        "",
        _p(lang, "lead", closed=units_in(lang, closed.value, "cases"), year=report.year)
        + " " + _p(lang, "small", small=SMALL, hidden=HIDDEN),
    ]
    for title, dutch, figures in sections(report):
        lines += ["", f"## {section_title(lang, title, dutch)}", ""]
        scalars = [(f, r) for f, r in figures if not isinstance(r, Breakdown) and not is_grade(f, r)]
        if scalars:
            lines += [f"| {_p(lang, 'figure')} | {_p(lang, 'value')} | {_p(lang, 'basis')} | {_p(lang, 'left_out_head')} |",
                      "|---|---:|---|---|"]
            for figure, result in scalars:
                lines.append(
                    f"| {_md(figure_title(lang, figure))} [^{notes[figure.key]}] | {value_in(lang, figure, result)} | "
                    f"{basis_in(lang, figure, result)} | {left_out_in(lang, figure, result)} |"
                )
        grades = [(f, r) for f, r in figures if is_grade(f, r)]
        if grades:
            lines += ["", f"**{_p(lang, 'grades')}**", "",
                      f"| {_p(lang, 'grade')} | {_p(lang, 'mean')} | {_p(lang, 'count')} | {_p(lang, 'left_out_head')} |",
                      "|---|---:|---:|---|"]
            for figure, result in grades:
                lines.append(f"| {_md(figure_title(lang, figure))} [^{notes[figure.key]}] | {mean_in(lang, result)} | "
                             f"{result.n} | {left_out_in(lang, figure, result)} |")
        for figure, result in figures:
            if isinstance(result, Breakdown):
                head = f"**{_md(figure_title(lang, figure))}** [^{notes[figure.key]}]: {basis_in(lang, figure, result)}"
                if result.incomplete:
                    head += "; " + _p(lang, "left_out", units=left_out_in(lang, figure, result))
                if not result.exclusive:
                    head += "; " + _p(lang, "several")
                lines += ["", head, "", f"| | {units_in(lang, 2, figure.unit).split(' ', 1)[1]} | {_p(lang, 'share')} |", "|---|---:|---:|"]
                lines += [f"| {_md(name)} | {number} | {pct} |" for name, number, pct, _ in _cell_texts(lang, figure, result)]
    lines += ["", f"## {_p(lang, 'definitions')}", ""]
    if _p(lang, "definitions_note"):
        lines += [_p(lang, "definitions_note"), ""]
    lines += [f"[^{notes[figure.key]}]: **{_md(figure_title(lang, figure))}** (`{figure.key}`): {figure.definition}"
              for figure, _ in report.figures]
    lines += ["", "---", "", footer_text(edition), ""]
    return "\n".join(lines)


def definitions_markdown(figures=None) -> str:
    """One line a figure: its title, JSON key, unit and definition (docs/report.md holds this too)."""
    from ekc.report.figures import FIGURES

    return "".join(
        f"- **{_md(figure.title)}** (`{figure.key}`, {figure.unit}): {figure.definition}\n"
        for figure in (FIGURES if figures is None else figures)
    )


# --- HTML ----------------------------------------------------------------------------

# No network needed, and none allowed: every style is inline, nothing else may load.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_STYLE = """
:root { --ink: #1d2a33; --muted: #5b6b75; --bar: #2f7d6d; --track: #e4ecea; --line: #d6dde0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 62rem; margin: 0 auto; padding: 2rem 1.25rem 2rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--bar); padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 0 0 .3rem; }
.lead, .note, .basis, .endnotes, footer { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .2rem .5rem .2rem 0; text-align: left; vertical-align: middle; font-weight: normal; }
thead th { font-size: .8rem; color: var(--muted); border-bottom: 1px solid var(--line); }
td.num { text-align: right; white-space: nowrap; width: 5.5rem; font-variant-numeric: tabular-nums; }
td.big { font-size: 1.15rem; font-weight: 600; }
td.chart { width: 30%; }
th[scope=row] { width: 40%; }
.breakdowns { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: .5rem 2rem; }
.block { margin: .8rem 0; break-inside: avoid; }
.bar { height: .9rem; background: var(--track); border-radius: 2px; overflow: hidden; }
.bar .fill { display: block; height: 100%; background: var(--bar); }
.bar.masked { background: repeating-linear-gradient(45deg, var(--track), var(--track) 4px, #fff 4px, #fff 8px); }
sup a { color: var(--muted); text-decoration: none; font-size: .75em; }
.endnotes { font-size: .85rem; }
.endnotes li:target { color: var(--ink); background: var(--track); }
footer { border-top: 1px solid var(--line); margin-top: 2.5rem; padding-top: .5rem; font-size: .85rem; }
@media print {
  @page { size: A4; margin: 14mm 14mm 16mm; }
  body { font-size: 8.5pt; line-height: 1.3; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 15pt; }
  h2 { font-size: 11pt; margin: 10pt 0 4pt; break-after: avoid; }
  h3 { font-size: 9pt; }
  th, td { padding: 1pt 4pt 1pt 0; }
  td.big { font-size: 9pt; }
  .bar { height: 7pt; }
  .breakdowns { grid-template-columns: 1fr 1fr 1fr; gap: 2pt 12pt; }
  .block { margin: 4pt 0; }
  tr { break-inside: avoid; }
  td.chart { width: 22%; }
  table.scalars td.basis { white-space: nowrap; }
  .endnotes { font-size: 7pt; columns: 2; column-gap: 12pt; }
  .endnotes ol { margin: 0; padding-left: 14pt; }
  .endnotes h2 { column-span: all; }
  .endnotes li { break-inside: avoid; margin-bottom: 2pt; }
  footer { margin-top: 8pt; font-size: 7.5pt; }
}
"""


def _e(text: object) -> str:
    return html_lib.escape(str(text), quote=True)


def _bar(lang: str, fraction: Fraction | None, masked: bool = False) -> str:
    if masked:
        return f'<div class="bar masked" role="img" aria-label="{_e(_p(lang, "hidden_label", small=SMALL))}"></div>'
    if fraction is None:
        return f'<div class="bar empty" role="img" aria-label="{_e(_p(lang, "no_data"))}"></div>'
    width = _round(min(max(fraction, Fraction(0)), Fraction(1)) * 100, 2)
    return (
        f'<div class="bar" role="img" aria-label="{_round(fraction * 100, 0)}%">'
        f'<span class="fill" data-fraction="{float(fraction):.6f}" style="width:{width}%"></span></div>'
    )


def _ref(number: int, figure: Figure) -> str:
    return f'<sup><a href="#def-{_e(figure.key)}" title="{_e(figure.definition)}">{number}</a></sup>'


def _attrs(figure: Figure, result: Result, extra: str = "") -> str:
    return f'class="figure{extra}" id="{_e(figure.key)}" data-key="{_e(figure.key)}" data-kind="{type(result).__name__.lower()}"'


def _scalar_rows(lang: str, figures, notes) -> str:
    rows = []
    for figure, result in figures:
        chart = _bar(lang, result.value) if isinstance(result, Share) else ""
        left_out = left_out_in(lang, figure, result)
        rows.append(
            f'<tr {_attrs(figure, result)}><th scope="row">{_e(figure_title(lang, figure))}{_ref(notes[figure.key], figure)}'
            "</th>"
            f'<td class="chart">{chart}</td><td class="num big">{_e(value_in(lang, figure, result))}</td>'
            f'<td class="basis">{_e(basis_in(lang, figure, result))}</td><td class="basis">{_e(left_out)}</td></tr>'
        )
    head = (f"<thead><tr><th>{_e(_p(lang, 'figure'))}</th><th></th><th class=\"num\">{_e(_p(lang, 'value'))}</th>"
            f"<th>{_e(_p(lang, 'basis'))}</th><th>{_e(_p(lang, 'left_out_head'))}</th></tr></thead>")
    return f'<table class="scalars">{head}<tbody>{"".join(rows)}</tbody></table>'


def _grade_table(lang: str, figures, notes) -> str:
    rows = "".join(
        f'<tr {_attrs(figure, result)}><th scope="row">{_e(figure_title(lang, figure))}{_ref(notes[figure.key], figure)}'
        "</th>"
        f'<td class="num big" data-mean="{"" if result.mean is None else float(result.mean)}">{_e(mean_in(lang, result))}</td>'
        f'<td class="num">{result.n}</td><td class="basis">{_e(left_out_in(lang, figure, result))}</td></tr>'
        for figure, result in figures
    )
    head = (f"<thead><tr><th>{_e(_p(lang, 'grade'))}</th><th class=\"num\">{_e(_p(lang, 'mean'))}</th>"
            f"<th class=\"num\">{_e(_p(lang, 'count'))}</th><th>{_e(_p(lang, 'left_out_head'))}</th></tr></thead>")
    return f'<div class="block"><h3>{_e(_p(lang, "grades"))}</h3><table class="grades">{head}<tbody>{rows}</tbody></table></div>'


def _breakdown(lang: str, figure: Figure, result: Breakdown, number: int) -> str:
    rows = "".join(
        f'<tr><th scope="row">{_e(name)}</th><td>{_bar(lang, result.share(code).value, hidden)}</td>'
        f'<td class="num">{_e(pct)}</td><td class="num">{_e(count)}</td></tr>'
        for (code, _), (name, count, pct, hidden) in zip(result.counts, _cell_texts(lang, figure, result))
    )
    note = _e(basis_in(lang, figure, result))
    if result.incomplete:
        note += "; " + _e(_p(lang, "left_out", units=left_out_in(lang, figure, result)))
    if not result.exclusive:
        note += "; " + _e(_p(lang, "several"))
    return (
        f'<section {_attrs(figure, result, " block")}><h3>{_e(figure_title(lang, figure))}{_ref(number, figure)}</h3>'
        f'<table class="chart breakdown">{rows}</table><p class="basis">{note}</p></section>'
    )


def html(report: Report, edition: Edition | None = None) -> str:
    edition, lang, closed, notes = _opening(report, edition)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_p(lang, 'page_title', year=report.year))}</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        f"<h1>{_e(_p(lang, 'title', year=report.year))}</h1>",
        f'<p class="lead">{_e(_p(lang, "lead", closed=units_in(lang, closed.value, "cases"), year=report.year))}</p>',
        f'<p class="note">{_e(_p(lang, "small", small=SMALL, hidden=HIDDEN))}</p>',
    ]
    for title, dutch, figures in sections(report):
        parts.append(f"<h2>{_e(section_title(lang, title, dutch))}</h2>")
        scalars = [(f, r) for f, r in figures if not isinstance(r, Breakdown) and not is_grade(f, r)]
        if scalars:
            parts.append(_scalar_rows(lang, scalars, notes))
        grades = [(f, r) for f, r in figures if is_grade(f, r)]
        if grades:
            parts.append(_grade_table(lang, grades, notes))
        blocks = [_breakdown(lang, f, r, notes[f.key]) for f, r in figures if isinstance(r, Breakdown)]
        if blocks:
            parts.append(f'<div class="breakdowns">{"".join(blocks)}</div>')
    parts.append(f'<section class="endnotes"><h2>{_e(_p(lang, "definitions"))}</h2>')
    if _p(lang, "definitions_note"):
        parts.append(f"<p>{_e(_p(lang, 'definitions_note'))}</p>")
    parts.append("<ol>" + "".join(
        f'<li id="def-{_e(figure.key)}"><b>{_e(figure_title(lang, figure))}</b> (<code>{_e(figure.key)}</code>): {_e(figure.definition)}</li>'
        for figure, _ in report.figures
    ) + "</ol></section>")
    parts.append(f'<footer data-version="{_e(edition.version)}" data-commit="{_e(edition.commit or "")}">{_e(footer_text(edition))}</footer>')
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
