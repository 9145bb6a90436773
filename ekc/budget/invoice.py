"""The invoice lines of one month: what a municipality receives. Built from `case.yaml`
and `municipalities.yaml` alone: no personal.yaml is ever opened for it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ekc.budget.funding import billable_entries, funding, tariff
from ekc.budget.check import Unfunded, money
from ekc.model.case import Case
from ekc.model.municipalities import Municipality


@dataclass(frozen=True)
class InvoiceLine:
    case: str
    phase: str
    date: date
    tariff_eur: float | None  # None: the contract sets no price for this phase
    contract: str


@dataclass(frozen=True)
class Invoice:
    municipality: str
    year: int
    month: int
    lines: list[InvoiceLine] = field(default_factory=list)
    not_invoiced: list[Unfunded] = field(default_factory=list)
    municipality_name: str = ""
    # the contracts of the lines, id -> (start, end): the header a municipality checks against
    contracts: dict[str, tuple[date, date]] = field(default_factory=dict)

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def total_eur(self) -> float:
        return sum(line.tariff_eur for line in self.lines if line.tariff_eur is not None)

    def totals_by_contract(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for line in self.lines:
            totals[line.contract] = totals.get(line.contract, 0.0) + (line.tariff_eur or 0.0)
        return totals


def invoice(municipality: Municipality, cases: Iterable[Case], year: int, month: int) -> Invoice:
    """The services of one calendar month that the municipality's contracts pay for.

    Built from the case's id, variant, municipality and phase history and the contracts:
    nothing else of a case is read, so nothing else can end up on an invoice. A month can
    hold two contracts when a period ends mid-month; each line names its contract.
    """
    lines: list[InvoiceLine] = []
    not_invoiced: list[Unfunded] = []
    for case in cases:
        if case.municipality != municipality.code:
            continue
        for entry in billable_entries(case):
            if (entry.date.year, entry.date.month) != (year, month):
                continue
            contract, reason = funding(municipality, entry.date, case.variant)
            if contract is None:
                holding = municipality.contract_on(entry.date)
                not_invoiced.append(Unfunded(
                    case.id, case.municipality, case.variant, entry.phase, entry.date, reason,
                    holding.id if holding is not None else None, case.unfunded_start,
                ))
                continue
            lines.append(InvoiceLine(case.id, entry.phase, entry.date, tariff(contract, entry.phase), contract.id))
    lines.sort(key=lambda line: (line.date, line.case, line.phase))
    not_invoiced.sort(key=lambda u: (u.date, u.case, u.phase))
    used = {line.contract for line in lines}
    contracts = {c.id: (c.start, c.end) for c in municipality.contracts if c.id in used}
    return Invoice(municipality.code, year, month, lines, not_invoiced, municipality.name, contracts)


def parse_period(text: str) -> tuple[int, int]:
    """`YYYY-MM` and nothing looser; raises ValueError with a message a person can act on."""
    parts = text.split("-")
    if len(text) != 7 or len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or year < 1:
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM")
    return year, month


def invoice_for_repository(root, code: str, period: str) -> Invoice:
    """Read what an invoice may hold (municipalities.yaml and case.yaml files, never a
    personal.yaml) and build the month's invoice; refuses rather than send an incomplete one."""
    from ekc.core.errors import Refused, UsageProblem
    import re

    from ekc.store.anonymous import load_anonymous

    if not re.fullmatch(r"GM\d{4}", code):
        raise UsageProblem(f"{code!r} is not a municipality code (GM and four digits, e.g. GM0439)")
    try:
        year, month = parse_period(period)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    data = load_anonymous(root)
    if "municipalities.yaml" in data.unreadable or not (root / "municipalities.yaml").is_file():
        raise Refused("municipalities.yaml cannot be read, so there are no contracts to invoice; run `ekc validate`")
    muni = data.store.municipalities.get(code)
    if muni is None:
        raise UsageProblem(f"municipality {code} is not in municipalities.yaml")
    # an unreadable case file that names the municipality could hold one of its services
    broken = [p for p in data.unreadable if p != "municipalities.yaml" and code.encode() in (root / p).read_bytes()]
    if broken:
        shown = ", ".join(broken[:5]) + (f" and {len(broken) - 5} more" if len(broken) > 5 else "")
        raise Refused(f"{len(broken)} case file(s) of {code} cannot be read, so the invoice would be incomplete: {shown}; run `ekc validate`")
    return invoice(muni, data.cases, year, month)


# ---------------------------------------------------------------------------------------
# Formats. Each holds the invoice's lines and nothing else of a case: never personal data.

CSV_HEADER = ["case", "phase", "phase_nl", "date", "tariff_eur", "contract"]


def invoice_document(result: Invoice) -> dict:
    """`--format json`."""
    from ekc.budget.check import unfunded_document
    from ekc.model.vocabulary import DUTCH

    return {
        "municipality": result.municipality,
        "municipality_name": result.municipality_name,
        "period": result.period,
        "contracts": {k: {"start": a.isoformat(), "end": b.isoformat()} for k, (a, b) in result.contracts.items()},
        "lines": [
            {
                "case": line.case,
                "phase": line.phase,
                "phase_nl": DUTCH[line.phase],
                "date": line.date.isoformat(),
                "tariff_eur": money(line.tariff_eur),
                "contract": line.contract,
            }
            for line in result.lines
        ],
        "totals": {
            "by_contract": {contract: round(total, 2) for contract, total in result.totals_by_contract().items()},
            "total_eur": round(result.total_eur, 2),
            "lines": len(result.lines),
        },
        "not_invoiced": [unfunded_document(gap) for gap in result.not_invoiced],
    }


def invoice_csv(result: Invoice) -> str:
    """`--format csv`, for scripts: RFC 4180 (CRLF line ends, quotes only where needed), a
    decimal point, one header row and one row a line. No totals inside the data: a script
    summing the column would count them twice (they are in json and xlsx)."""
    import csv
    import io

    from ekc.model.vocabulary import DUTCH

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in result.lines:
        amount = "" if line.tariff_eur is None else f"{line.tariff_eur:.2f}"
        writer.writerow([line.case, line.phase, DUTCH[line.phase], line.date.isoformat(), amount, line.contract])
    return out.getvalue()


MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")
EURO_FORMAT = '[$€-413] #,##0.00;[$€-413] -#,##0.00'
DATE_FORMAT = "dd-mm-yyyy"


def period_nl(result: Invoice) -> str:
    return f"{MONTHS_NL[result.month - 1]} {result.year}"


def contracts_text(result: Invoice) -> str:
    return ", ".join(f"{k} ({a:%d-%m-%Y} t/m {b:%d-%m-%Y})" for k, (a, b) in result.contracts.items()) or "–"


def write_xlsx(result: Invoice, path) -> None:
    """`--format xlsx --out FILE`: the spreadsheet a municipality receives, in Dutch.

    A header block (municipality, code, contract, period), then one row a line with the
    date as a date and the tariff as a number in euro format, then a totals row per
    contract when there are several and one for the month. Totals are stored as values,
    not formulas, so that every reader (not only Excel) sees the amount.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from ekc.model.vocabulary import DUTCH

    book = Workbook()
    sheet = book.active
    sheet.title = f"Factuur {result.period}"
    bold = Font(bold=True)
    sheet.append(["Specificatie Eigen Kracht-conferenties"])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [("Gemeente", result.municipality_name), ("Gemeentecode", result.municipality),
              ("Overeenkomst", contracts_text(result)), ("Periode", period_nl(result))]
    for name, value in header:
        sheet.append([name, value])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([])
    columns = ["Casus", "Fase", "Datum", "Tarief", "Overeenkomst"]
    sheet.append(columns)
    head_row = sheet.max_row
    for cell in sheet[head_row]:
        cell.font = bold
        cell.border = Border(bottom=Side(style="thin"))
    for line in result.lines:
        sheet.append([line.case, DUTCH[line.phase], line.date, line.tariff_eur, line.contract])
        row = sheet.max_row
        sheet.cell(row, 3).number_format = DATE_FORMAT
        sheet.cell(row, 4).number_format = EURO_FORMAT
    totals = result.totals_by_contract()
    rows = [(f"Totaal {contract}", total, contract) for contract, total in totals.items()] if len(totals) > 1 else []
    rows.append(("Totaal", result.total_eur, ""))
    for index, (name, amount, contract) in enumerate(rows):
        sheet.append([name, f"{len(result.lines)} regels" if name == "Totaal" else "", None, round(amount, 2), contract])
        row = sheet.max_row
        for cell in sheet[row]:
            cell.font = bold
            if index == 0:
                cell.border = Border(top=Side(style="thin"))
        sheet.cell(row, 4).number_format = EURO_FORMAT
    for letter, width in zip("ABCDE", (24, 30, 12, 14, 36)):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["B"].width = max(30, len(contracts_text(result)) + 2)
    for row in sheet.iter_rows(min_row=2, max_row=5, max_col=2):
        row[1].alignment = Alignment(horizontal="left")
    sheet.freeze_panes = sheet.cell(head_row + 1, 1)
    book.properties.creator = "ekc"
    book.save(path)


def save_xlsx(result: Invoice, path) -> None:
    """write_xlsx, atomically: a temporary file beside the target, then a rename."""
    import os
    import tempfile
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write_xlsx(result, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
