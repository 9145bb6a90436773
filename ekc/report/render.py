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
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from ekc.report.figures import SECTIONS, Breakdown, Count, Figure, Mean, Minimum, Report, Result, Share

SMALL = 5
HIDDEN = "<5"
COMPLEMENT = "x"

# category code -> (English, Dutch); codes not listed are shown as they are (provinces)
LABELS: dict[str, tuple[str, str]] = {
    # referrer
    "professional": ("professional organisation", "professionele organisatie"),
    "self": ("the main person", "hoofdpersoon zelf"),
    "network": ("family or social network", "familie of sociaal netwerk"),
    # referrer organisation
    "youth_protection": ("youth protection", "jeugdbescherming"),
    "youth_care": ("youth care", "jeugdzorg"),
    "municipality": ("municipality / social team", "gemeente / sociaal wijkteam"),
    "mental_health": ("mental health care", "ggz"),
    "education": ("education", "onderwijs"),
    "justice": ("justice", "justitie"),
    "other": ("other", "anders"),
    # professional help
    "none": ("none", "geen"),
    "lt_1y": ("under 1 year", "korter dan 1 jaar"),
    "1_5y": ("1 to 5 years", "1 tot 5 jaar"),
    "gt_5y": ("over 5 years", "langer dan 5 jaar"),
    "unknown": ("unknown", "onbekend"),
    # reasons
    "parent_child_conflict": ("parent-child conflict", "conflict ouder-kind"),
    "divorce": ("divorce", "(echt)scheiding"),
    "parenting": ("parenting", "opvoeding"),
    "domestic_violence": ("domestic violence", "huiselijk geweld"),
    "addiction": ("addiction", "verslaving"),
    "debt": ("debt", "schulden"),
    "housing": ("housing", "huisvesting"),
    "placement": ("placement", "uithuisplaatsing"),
    "supervision_order": ("supervision order", "ondertoezichtstelling"),
    "detention": ("detention", "detentie"),
    "suicidality": ("suicidality", "suïcidaliteit"),
    "elderly_care": ("elderly care", "ouderenzorg"),
    "disability": ("disability", "beperking"),
    "neighbourhood": ("neighbourhood", "buurt"),
    # variants
    "family": ("family", "gezin"),
    "individual": ("individual", "individu"),
    "restorative": ("restorative", "herstelconferentie"),
    "group": ("group or neighbourhood", "groeps-/buurtconferentie"),
    # preparation
    "under_2_months": ("under 2 months", "minder dan 2 maanden"),
    "2_to_3_months": ("2 to 3 months", "2 tot 3 maanden"),
    "3_months_or_more": ("3 months or more", "3 maanden of langer"),
    # outcomes
    "own_plan": ("own plan without a meeting", "eigen plan zonder bijeenkomst"),
    "declined": ("declined", "afgezien"),
    "stopped": ("stopped", "gestopt"),
    "plan": ("plan made at a meeting", "plan gemaakt"),
    "no_plan": ("no plan", "geen plan"),
    # stop reasons
    "circumstances_changed": ("circumstances changed", "omstandigheden gewijzigd"),
    "network_too_small": ("network too small", "netwerk te klein"),
    "unwilling": ("people unwilling", "niet willen meewerken"),
    "conflict": ("too much conflict", "te grote tegenstellingen"),
    # venues
    "community_centre": ("community centre", "buurthuis/wijkcentrum"),
    "agency_office": ("care agency office", "kantoor hulpverlenende instantie"),
    "church": ("church", "kerk"),
    "home": ("at home", "thuis"),
    "school": ("school", "school"),
    # attendees
    "minor_main": ("minor main persons", "minderjarige hoofdpersonen"),
    "adult_main": ("adult main persons", "meerderjarige hoofdpersonen"),
    # family / network / professional share codes with other vocabularies; one label each
    # good decision
    "fully": ("fully", "geheel"),
    "partly": ("partly", "gedeeltelijk"),
    "not": ("not", "niet"),
}
# Labels that differ by figure, because the same code means something else there.
FIGURE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "attendee_categories": {
        "family": ("family", "familieleden"),
        "network": ("social network", "sociaal netwerk"),
        "professional": ("professionals", "beroepskrachten"),
    },
    "reasons": {"mental_health": ("mental health", "psychische problemen"), "other": ("other", "anders")},
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


# --- Markdown ------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def markdown(report: Report) -> str:
    closed = report["closed_cases"]
    lines = [
        f"# Research figures {report.year}",
        "",
        f"Eigen Kracht Centrale: the {_units(closed.value, 'cases')} closed in {report.year} "
        "(*afgeronde aanmeldingen*), from the registration data that holds no personal data. "
        "Each percentage gives the number it stands on; data missing for a figure is left out of that "
        "figure and counted under *left out*. "
        f"In breakdowns, a cell under {SMALL} shows as {HIDDEN}; x marks a cell hidden so that a {HIDDEN} cell "
        "cannot be worked out from the total.",
    ]
    for title, dutch, figures in sections(report):
        lines += ["", f"## {title} ({dutch})", ""]
        scalars = [(f, r) for f, r in figures if not isinstance(r, Breakdown)]
        if scalars:
            lines += ["| figure | value | based on | left out |", "|---|---:|---|---|"]
            for figure, result in scalars:
                lines.append(
                    f"| {_md(figure.title)} (*{_md(figure.dutch)}*) | {value_text(figure, result)} | "
                    f"{basis_text(figure, result)} | {left_out_text(figure, result)} |"
                )
        for figure, result in figures:
            if isinstance(result, Breakdown):
                lines += ["", *_markdown_breakdown(figure, result)]
    lines += ["", "## Definitions", "", definitions_markdown(figure for figure, _ in report.figures)]
    return "\n".join(lines)


def definitions_markdown(figures=None) -> str:
    """One line a figure: its title, JSON key, unit and definition (docs/report.md holds this too)."""
    from ekc.report.figures import FIGURES

    return "".join(
        f"- **{_md(figure.title)}** (`{figure.key}`, {figure.unit}): {figure.definition}\n"
        for figure in (FIGURES if figures is None else figures)
    )


def _markdown_breakdown(figure: Figure, result: Breakdown) -> list[str]:
    masks = masked_cells(result)
    head = f"**{_md(figure.title)}** (*{_md(figure.dutch)}*): {basis_text(figure, result)}"
    if result.incomplete:
        head += f"; left out: {left_out_text(figure, result)}"
    if not result.exclusive:
        head += "; one may count in several rows"
    lines = [head, "", f"| | {figure.unit} | share |", "|---|---:|---:|"]
    for code, n in result.counts:
        mask = masks.get(code)
        number, pct = (mask, "–" if mask == HIDDEN else COMPLEMENT) if mask else (str(n), percent(result.share(code)))
        lines.append(f"| {_md(label(figure.key, code))} | {number} | {pct} |")
    return lines


# --- HTML ----------------------------------------------------------------------------

# No network needed, and none allowed: every style is inline, nothing else may load.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_STYLE = """
:root { --ink: #1d2a33; --muted: #5b6b75; --bar: #2f7d6d; --track: #e4ecea; --line: #d6dde0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .75rem; border-bottom: 2px solid var(--bar); padding-bottom: .25rem; }
.lead, .note, .basis, details { color: var(--muted); }
.figure { margin: 1.25rem 0; }
.figure h3 { font-size: 1rem; margin: 0 0 .35rem; }
.figure h3 span { font-weight: normal; font-style: italic; color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .2rem .5rem .2rem 0; text-align: left; vertical-align: middle; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; width: 5.5rem; font-variant-numeric: tabular-nums; }
th[scope=row] { width: 38%; }
.bar { height: .9rem; background: var(--track); border-radius: 2px; overflow: hidden; }
.bar .fill { display: block; height: 100%; background: var(--bar); }
.bar.masked { background: repeating-linear-gradient(45deg, var(--track), var(--track) 4px, #fff 4px, #fff 8px); }
.big { font-size: 1.6rem; font-weight: 600; }
details { font-size: .85rem; margin-top: .25rem; }
"""


def _e(text: object) -> str:
    return html_lib.escape(str(text), quote=True)


def _bar(fraction: Fraction | None, masked: bool = False) -> str:
    if masked:
        return '<div class="bar masked" role="img" aria-label="hidden: fewer than 5"></div>'
    if fraction is None:
        return '<div class="bar empty" role="img" aria-label="no data"></div>'
    width = _round(min(max(fraction, Fraction(0)), Fraction(1)) * 100, 2)
    return (
        f'<div class="bar" role="img" aria-label="{_round(fraction * 100, 0)}%">'
        f'<span class="fill" data-fraction="{float(fraction):.6f}" style="width:{width}%"></span></div>'
    )


def _html_figure(figure: Figure, result: Result) -> str:
    head = f'<h3>{_e(figure.title)} <span lang="nl">{_e(figure.dutch)}</span></h3>'
    basis = basis_text(figure, result)
    left_out = left_out_text(figure, result)
    note = _e(basis) + (f"; left out: {_e(left_out)}" if left_out else "")
    if isinstance(result, Breakdown):
        masks = masked_cells(result)
        rows = []
        for code, n in result.counts:
            mask = masks.get(code)
            share = result.share(code)
            number, pct = (mask, "–" if mask == HIDDEN else COMPLEMENT) if mask else (str(n), percent(share))
            rows.append(
                f'<tr><th scope="row">{_e(label(figure.key, code))}</th><td>{_bar(share.value, bool(mask))}</td>'
                f'<td class="num">{_e(pct)}</td><td class="num">{_e(number)}</td></tr>'
            )
        several = "; one may count in several rows" if not result.exclusive else ""
        body = f'<table class="chart breakdown">{"".join(rows)}</table><p class="basis">{note}{several}</p>'
    elif isinstance(result, Share):
        body = (
            f'<table class="chart share"><tr><td>{_bar(result.value)}</td><td class="num big">{_e(percent(result))}</td></tr></table>'
            f'<p class="basis">{note}</p>'
        )
    elif isinstance(result, Mean):
        # Grades have a scale to draw against (1-10); a mean number of people has none.
        chart = _bar(None if result.mean is None else result.mean / 10) if figure.unit == "grades" else ""
        body = (
            f'<table class="chart mean"><tr><td>{chart}</td><td class="num big">{_e(mean_text(result))}</td></tr></table>'
            f'<p class="basis">{note}{" (scale 1-10)" if figure.unit == "grades" else ""}</p>'
        )
    else:
        body = f'<p><span class="big">{_e(value_text(figure, result))}</span></p><p class="basis">{note}</p>' if note else (
            f'<p><span class="big">{_e(value_text(figure, result))}</span></p>'
        )
    definition = f"<details><summary>Definition</summary><p>{_e(figure.definition)}</p></details>"
    return f'<section class="figure" id="{_e(figure.key)}" data-key="{_e(figure.key)}" data-kind="{type(result).__name__.lower()}">{head}{body}{definition}</section>'


def html(report: Report) -> str:
    closed = report["closed_cases"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Research figures {report.year} – Eigen Kracht Centrale</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        f"<h1>Research figures {report.year}</h1>",
        f'<p class="lead">Eigen Kracht Centrale: the {_e(_units(closed.value, "cases"))} closed in {report.year} '
        "(<i lang=\"nl\">afgeronde aanmeldingen</i>), from registration data that holds no personal data. "
        "Data missing for a figure is left out of that figure and counted as left out.</p>",
        f'<p class="note">In breakdowns a cell under {SMALL} shows as {_e(HIDDEN)}; x marks a cell hidden so that a '
        f"{_e(HIDDEN)} cell cannot be worked out from the total.</p>",
    ]
    for title, dutch, figures in sections(report):
        parts.append(f'<h2>{_e(title)} <span lang="nl">({_e(dutch)})</span></h2>')
        parts.extend(_html_figure(figure, result) for figure, result in figures)
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
