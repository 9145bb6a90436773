"""`ekc budget check` and `ekc budget invoice` through the command line: output, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.support.store import case_folder, closed_case, registered_case

runner = CliRunner()


def run(root, *args, today="2024-10-01", env=None):
    return runner.invoke(app, ["--data", str(root), "--today", today, *args], env=env)


def started(id: str, day: str, municipality="GM0439", variant="family", more=(), **kw) -> dict:
    history = [{"phase": "registered", "date": day}, {"phase": "informative_talk", "date": day}]
    history += [{"phase": p, "date": d} for p, d in more]
    return registered_case(id=id, date=day, municipality=municipality, variant=variant, coordinator="C-0042", history=history, **kw)


@pytest.fixture
def budget_store(store):
    """Purmerend: PUR-2024 (12 conferences, 54000 euro); Rotterdam: no contract;
    Zaanstad: a July-June contract of 2 conferences, restorative not covered."""
    store.municipalities["municipalities"].append({
        "code": "GM0479", "name": "Zaanstad", "province": "Noord-Holland", "region": "noord-holland-noord",
        "contracts": [{
            "id": "ZAA-2425", "start": "2024-07-01", "end": "2025-06-30", "conferences": 2,
            "tariffs_eur": {"informative_talk": 500}, "variants": ["family", "individual"],
        }],
    })
    store.with_case(closed_case())  # PUR-2024: start 2024-02-05, activation 02-20, meeting 03-28
    store.with_case(started("EKC-2024-AAAA1", "2024-07-02", municipality="GM0479"))
    store.with_case(started("EKC-2024-AAAA2", "2024-08-02", municipality="GM0479"))
    store.with_case(started("EKC-2024-AAAA3", "2024-09-02", municipality="GM0479"))  # third of 2: over
    store.with_case(started("EKC-2024-AAAA4", "2024-09-03", municipality="GM0479", variant="restorative"))
    store.with_case(started("EKC-2024-AAAA5", "2024-09-04", municipality="GM0599", unfunded_start=True))
    return store


# ---------------------------------------------------------------------------------------
# check


def test_check_json_per_contract_and_unfunded_starts(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "check", "--json")
    assert result.exit_code == 1, result.stderr  # ZAA-2425 is over budget
    doc = json.loads(result.stdout)
    contracts = {c["contract"]: c for c in doc["contracts"]}
    pur = contracts["PUR-2024"]
    assert {k: pur[k] for k in ("municipality", "contract", "starts", "budget_conferences", "spent_eur", "budget_eur", "status")} == {
        "municipality": "GM0439", "contract": "PUR-2024", "starts": 1, "budget_conferences": 12,
        "spent_eur": 4500.0,  # 450 + 1800 + 2250
        "budget_eur": 54000.0, "status": "under_use",
    }
    # 2024-01-01..2024-10-01 is 275 of 366 days: 1 x 366 / 275 = 1.33
    assert pur["projected_starts"] == 1.3
    zaa = contracts["ZAA-2425"]
    assert (zaa["starts"], zaa["spent_eur"], zaa["budget_eur"], zaa["status"]) == (3, 1500.0, None, "over_budget")
    assert [(u["case"], u["reason"], u["acknowledged"]) for u in doc["unfunded_starts"]] == [
        ("EKC-2024-AAAA4", "variant_not_covered", False),
        ("EKC-2024-AAAA5", "no_contract", True),
    ]
    assert doc["today"] == "2024-10-01" and doc["year"] == 2024
    assert "days" in doc["projection"]
    assert result.stderr == ""


def test_check_exit_0_when_nothing_is_over(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "check", "--json", "--municipality", "GM0439")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [c["contract"] for c in doc["contracts"]] == ["PUR-2024"]
    assert doc["unfunded_starts"] == []


def test_check_today_makes_it_a_time_machine(budget_store):
    # On 2024-08-15 Zaanstad has 2 of 2: near_limit, not yet over.
    root = budget_store.write()
    result = run(root, "budget", "check", "--json", "--municipality", "GM0479", today="2024-08-15")
    assert result.exit_code == 0
    [zaa] = json.loads(result.stdout)["contracts"]
    assert (zaa["starts"], zaa["status"]) == (2, "near_limit")


def test_check_year_defaults_to_the_year_of_today(budget_store):
    root = budget_store.write()
    doc = json.loads(run(root, "budget", "check", "--json", today="2025-03-01").stdout)
    assert [c["contract"] for c in doc["contracts"]] == ["ZAA-2425"]
    doc = json.loads(run(root, "budget", "check", "--json", "--year", "2024", today="2025-03-01").stdout)
    assert sorted(c["contract"] for c in doc["contracts"]) == ["PUR-2024", "ZAA-2425"]


def test_check_table_grouped_by_region_with_totals(budget_store):
    budget_store.municipalities["municipalities"][1]["contracts"] = [
        {"id": "ROT-2024", "start": "2024-10-01", "end": "2024-12-31", "conferences": 5}
    ]
    root = budget_store.write()
    result = run(root, "budget", "check")
    assert result.exit_code == 1
    out = result.stdout
    assert "\x1b[" not in out  # not a terminal: no colours
    assert out.index("Noord-Holland Noord") < out.index("Purmerend GM0439") < out.index("Rijnmond") < out.index("Rotterdam GM0599")
    assert "PUR-2024" in out and "ZAA-2425" in out and "01-07-2024–30-06-2025" in out
    assert "over_budget" in out and "under_use" in out
    assert "Total, 3 contracts" in out
    assert "Contracts: 1 over_budget, 1 under_use, 1 ok" in out  # ZAA over; PUR under; ROT on its first day: ok
    assert "4/19" in out  # 1 + 3 + 0 starts of 12 + 2 + 5 conferences
    assert "€4.500 / €54.000" in out
    assert "without a covering contract" in out
    lines = out.splitlines()
    zaanstad = next(line for line in lines if "Zaanstad GM0479" in line and "is not for" in line)
    assert "ZAA-2425 is not for restorative (herstelconferentie)" in zaanstad and "EKC-2024-AAAA4" in zaanstad
    rotterdam = next(line for line in lines if "Rotterdam GM0599" in line and "no contract on the date" in line)
    assert "EKC-2024-AAAA5" in rotterdam and rotterdam.rstrip().endswith("1")  # let through knowingly
    assert "Projected:" in out


def test_check_with_no_contracts_in_the_year(store):
    root = store.write()
    result = run(root, "budget", "check", "--year", "2031")
    assert result.exit_code == 0
    assert "No contracts overlap 2031." in result.stdout


def test_check_colours_off_with_no_color(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "check", env={"NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout


@pytest.mark.parametrize("code", ["0439", "GM439", "gm0439", "GM04390"])
def test_check_refuses_a_malformed_municipality_code(budget_store, code):
    root = budget_store.write()
    result = run(root, "budget", "check", "--municipality", code)
    assert result.exit_code == 2
    assert "is not a municipality code" in result.stderr
    assert result.stdout == ""


def test_check_refuses_an_unknown_municipality(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "check", "--municipality", "GM9999")
    assert result.exit_code == 2
    assert result.stderr == "ekc: municipality GM9999 is not in municipalities.yaml\n"


def test_check_refuses_a_year_that_is_not_a_number(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "check", "--year", "twenty")
    assert result.exit_code == 2


def test_check_without_a_data_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["budget", "check"])
    assert result.exit_code == 2
    assert "no data repository found" in result.stderr


def test_check_with_a_broken_municipalities_file(budget_store):
    root = budget_store.write()
    (root / "municipalities.yaml").write_text("regions: [\n")
    result = run(root, "budget", "check")
    assert result.exit_code == 1
    assert "municipalities.yaml has errors" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_check_warns_about_case_files_it_cannot_count(budget_store):
    root = budget_store.write()
    (case_folder(root, "EKC-2024-AAAA1") / "case.yaml").write_text("id: [unclosed\n")
    result = run(root, "budget", "check", "--json", "--municipality", "GM0479")
    doc = json.loads(result.stdout)
    assert doc["contracts"][0]["starts"] == 2  # AAAA2 and AAAA3 only
    assert "1 case file(s) cannot be read and are not counted: cases/2024/EKC-2024-AAAA1/case.yaml" in result.stderr


def test_budget_help_names_both_commands():
    result = runner.invoke(app, ["budget", "--help"])
    assert result.exit_code == 0
    assert "check" in result.stdout and "invoice" in result.stdout
    without = runner.invoke(app, ["budget"])
    assert without.exit_code == 2 and "check" in without.stderr  # usage goes to stderr


# ---------------------------------------------------------------------------------------
# invoice


def test_invoice_csv_is_rfc_4180_without_totals_in_the_data(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-02", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.endswith(b"\r\n") and result.stdout_bytes.count(b"\r\n") == 3  # CRLF a record
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows == [
        ["case", "phase", "phase_nl", "date", "tariff_eur", "contract"],
        ["EKC-2024-K7Q2M", "informative_talk", "informatief gesprek", "2024-02-05", "450.00", "PUR-2024"],
        ["EKC-2024-K7Q2M", "connect_activate", "verbinden en activeren", "2024-02-20", "1800.00", "PUR-2024"],
    ]
    assert result.stderr == ""


def test_invoice_text_is_a_table_with_header_and_total(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-02")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Invoice Purmerend GM0439, 2024-02; contract PUR-2024 (01-01-2024 t/m 31-12-2024)" in text
    assert "EKC-2024-K7Q2M" in text and "€ 1.800,00" in text
    total = [line for line in text.splitlines() if line.strip().startswith("Total")]
    assert len(total) == 1 and "€ 2.250,00" in total[0] and "2 lines" in total[0]


def test_invoice_xlsx_read_back_has_numbers_where_amounts_are(budget_store, tmp_path):
    import datetime

    import openpyxl

    root = budget_store.write()
    path = tmp_path / "out" / "invoice.xlsx"
    result = run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-02", "--format", "xlsx", "--out", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and f"to {path}" in result.stderr
    sheet = openpyxl.load_workbook(path).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = {row[0]: row[1] for row in rows[1:5]}
    assert header == {"Gemeente": "Purmerend", "Gemeentecode": "GM0439",
                      "Overeenkomst": "PUR-2024 (01-01-2024 t/m 31-12-2024)", "Periode": "februari 2024"}
    start = next(i for i, row in enumerate(rows) if row[0] == "Casus")
    assert rows[start] == ["Casus", "Fase", "Datum", "Tarief", "Overeenkomst"]
    lines = rows[start + 1:start + 3]
    assert [(r[0], r[2], r[3], r[4]) for r in lines] == [
        ("EKC-2024-K7Q2M", datetime.datetime(2024, 2, 5), 450, "PUR-2024"),
        ("EKC-2024-K7Q2M", datetime.datetime(2024, 2, 20), 1800, "PUR-2024"),
    ]
    assert rows[start + 3][0] == "Totaal" and rows[start + 3][3] == 2250
    amounts = [sheet.cell(start + 1 + k, 4) for k in (1, 2, 3)]
    assert all(cell.data_type == "n" and "€" in cell.number_format and "0.00" in cell.number_format for cell in amounts)
    assert len(rows) == start + 4  # nothing after the total


def test_invoice_xlsx_needs_out(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-02", "--format", "xlsx")
    assert result.exit_code == 2 and "--out" in result.stderr


def test_invoice_json_names_what_is_not_invoiced(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "invoice", "--municipality", "GM0479", "--period", "2024-09", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["municipality"] == "GM0479" and doc["period"] == "2024-09"
    assert [(l["case"], l["phase"], l["date"], l["tariff_eur"], l["contract"]) for l in doc["lines"]] == [
        ("EKC-2024-AAAA3", "informative_talk", "2024-09-02", 500.0, "ZAA-2425"),
    ]
    assert doc["totals"] == {"by_contract": {"ZAA-2425": 500.0}, "total_eur": 500.0, "lines": 1}
    assert [(g["case"], g["reason"]) for g in doc["not_invoiced"]] == [("EKC-2024-AAAA4", "variant_not_covered")]
    assert "1 service(s) have no covering contract and are not invoiced: EKC-2024-AAAA4 informative_talk 2024-09-03 (variant_not_covered)" in result.stderr


def test_invoice_of_an_empty_month(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-11", "--format", "csv")
    assert result.exit_code == 0
    assert list(csv.reader(io.StringIO(result.stdout)))[1:] == []
    assert json.loads(run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-11", "--json").stdout)["totals"]["total_eur"] == 0


@pytest.mark.parametrize("period", ["2024-13", "2024-2", "202402", "feb"])
def test_invoice_refuses_a_malformed_period(budget_store, period):
    root = budget_store.write()
    result = run(root, "budget", "invoice", "--municipality", "GM0439", "--period", period)
    assert result.exit_code == 2
    assert "is not a month in the form YYYY-MM" in result.stderr


def test_invoice_needs_municipality_and_period(budget_store):
    root = budget_store.write()
    assert run(root, "budget", "invoice", "--period", "2024-02").exit_code == 2
    assert run(root, "budget", "invoice", "--municipality", "GM0439").exit_code == 2


def test_invoice_refuses_an_unknown_format(budget_store):
    root = budget_store.write()
    assert run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-02", "--format", "pdf").exit_code == 2


def test_invoice_refuses_an_unknown_municipality(budget_store):
    root = budget_store.write()
    result = run(root, "budget", "invoice", "--municipality", "GM9999", "--period", "2024-02")
    assert result.exit_code == 2
    assert "GM9999 is not in municipalities.yaml" in result.stderr


def test_invoice_refuses_when_a_case_of_the_municipality_cannot_be_read(budget_store):
    root = budget_store.write()
    (case_folder(root, "EKC-2024-AAAA1") / "case.yaml").write_text("id: EKC-2024-AAAA1\nmunicipality: GM0479\nvariant: [\n")
    result = run(root, "budget", "invoice", "--municipality", "GM0479", "--period", "2024-07")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "cannot be read, so the invoice would be incomplete: cases/2024/EKC-2024-AAAA1/case.yaml" in result.stderr
    # another municipality's invoice does not depend on that file
    assert run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-02").exit_code == 0


def test_invoice_refuses_a_broken_municipalities_file(budget_store):
    root = budget_store.write()
    (root / "municipalities.yaml").write_text("municipalities: {\n")
    result = run(root, "budget", "invoice", "--municipality", "GM0439", "--period", "2024-02")
    assert result.exit_code == 1
    assert "municipalities.yaml cannot be read" in result.stderr


# ---------------------------------------------------------------------------------------
# the bar


def test_bar_shows_used_then_projected_then_what_is_left():
    from ekc.cli.budget import _bar

    # 16 cells: 6 of 12 used -> 8 solid; projected 9 -> 12 cells, so 4 shaded; 4 left.
    assert _bar(6, 9, 12, "green").plain == "█" * 8 + "▒" * 4 + "░" * 4 + "  50%"
    assert _bar(30, 40, 12, "red").plain == "█" * 16 + " 250%"  # capped at the full width
    assert _bar(0, 0, 0, "green").plain == "░" * 16 + "    -"
    assert _bar(1, 1, 0, "red").plain == "█" * 16 + "    ∞"


def test_check_groups_many_unfunded_starts_per_municipality(store):
    for n in range(5):
        store.with_case(started(f"EKC-2024-BBBB{n}", f"2024-03-0{n + 1}", municipality="GM0599"))
    root = store.write()
    out = run(root, "budget", "check").stdout
    [row] = [line for line in out.splitlines() if "Rotterdam GM0599" in line]
    assert "2024-03-01 – 2024-03-05" in row
    assert "EKC-2024-BBBB0, EKC-2024-BBBB1 +3 more" in row
    assert " 5 " in row
