"""`ekc report` through the command line: formats, small numbers, errors, and purges."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.store.loader import load
from tests.support import git as support_git
from tests import report_store
from tests.support.store import case_folder, dump


@pytest.fixture
def data(tmp_path) -> Path:
    return report_store.build(tmp_path / "data")


def run(root: Path, *args: str, today: str | None = None):
    options = ["--data", str(root)] + (["--today", today] if today else [])
    return CliRunner().invoke(app, [*options, *args])


def report_json(root: Path, year: int = 2024) -> dict:
    result = run(root, "report", "--year", str(year), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- JSON ------------------------------------------------------------------------------


def test_json_has_one_key_per_figure_with_the_hand_worked_values(data):
    doc = report_json(data)
    assert list(doc) == ["year", *report_store.EXPECTED]
    assert doc["year"] == 2024
    for key, expected in report_store.EXPECTED.items():
        got = doc[key]
        assert got["kind"] == expected["kind"], key
        assert got["incomplete"] == expected["incomplete"], key
        if expected["kind"] == "share":
            assert (got["numerator"], got["denominator"]) == (expected["numerator"], expected["denominator"]), key
            assert got["value"] == round(expected["numerator"] / expected["denominator"], 4), key
        elif expected["kind"] == "count":
            assert (got["value"], got["numerator"], got["denominator"]) == (expected["value"], expected["value"], None), key
        elif expected["kind"] == "mean":
            assert got["n"] == expected["n"] and got["mean"] == round(expected["total"] / expected["n"], 4), key
        elif expected["kind"] == "minimum":
            assert (got["value"], got["n"]) == (expected["value"], expected["n"]), key
        else:
            assert got["denominator"] == expected["denominator"], key
            assert {code: cell["numerator"] for code, cell in got["categories"].items()} == expected["counts"], key
            for cell in got["categories"].values():
                assert cell["denominator"] == expected["denominator"]


def test_json_spot_values(data):
    doc = report_json(data)
    assert doc["minor_main_persons"]["value"] == 0.5556
    assert doc["attendees_per_meeting"]["mean"] == 7.2
    assert doc["province"]["categories"]["Noord-Holland"] == {"value": 0.625, "numerator": 5, "denominator": 8}
    assert doc["province"]["incomplete"] == 1 and doc["province"]["incomplete_unit"] == "cases"
    assert doc["attendee_categories"]["incomplete_unit"] == "meetings"
    assert doc["reasons"]["exclusive"] is False


def test_json_shows_small_numbers_as_they_are(data):
    """JSON is for the foundation's own scripts: no cell is hidden there."""
    doc = report_json(data)
    assert doc["referrer"]["categories"]["network"]["numerator"] == 2
    assert "<5" not in json.dumps(doc)


def test_a_year_without_closed_cases(data):
    result = run(data, "report", "--year", "2019", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["closed_cases"]["value"] == 0
    assert doc["minor_main_persons"] == {
        "kind": "share", "value": None, "numerator": 0, "denominator": 0, "title": "Requests with a minor main person",
        "unit": "cases", "incomplete": 0, "incomplete_unit": "cases",
    }
    assert "no cases were closed in 2019" in result.stderr


def test_other_years_count_their_own_cases(data):
    assert report_json(data, 2025)["closed_cases"]["value"] == 1
    assert report_json(data, 2023)["closed_cases"]["value"] == 1


# --- text, markdown ----------------------------------------------------------------------


def test_text_tables(data):
    result = run(data, "report", "--year", "2024")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Research figures 2024: 9 cases closed in 2024" in out
    assert "Requests (Aanmeldingen)" in out and "Satisfaction (Tevredenheid)" in out
    assert re.search(r"Requests that led to a meeting.*56%.*5 of 9 cases", out)
    assert re.search(r"Daytime only.*80%.*4 of 5 meetings.*1 meeting", out)
    assert re.search(r"network \(familie of sociaal netwerk\).*22%.*2 of 9 cases", out)
    assert "\x1b[" not in out  # not a terminal: no colours


def markdown_rows(text: str, heading: str) -> dict[str, list[str]]:
    """The rows of the table that follows a bold `heading` line: first cell -> other cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"**{heading}**"))
    rows = {}
    for line in lines[start + 4:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def _without_notes(text: str) -> str:
    import re

    return re.sub(r" \[\^\d+\]", "", text)


def test_markdown_hides_breakdown_cells_under_five(data):
    result = run(data, "report", "--year", "2024", "--format", "markdown", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    text = _without_notes(result.stdout)
    assert text.startswith("# Research figures 2024\n")
    provinces = markdown_rows(text, "Province")
    assert provinces["Noord-Holland"] == ["5", "63%"]
    assert provinces["Zuid-Holland"] == ["<5", "–"]
    assert provinces["Limburg"] == ["<5", "–"]
    attendees = markdown_rows(text, "Who attended")
    assert attendees["family"] == ["15", "42%"]
    assert attendees["minor main persons"] == ["<5", "–"]
    referrers = markdown_rows(text, "Source of the request")
    assert set(cells[0] for cells in referrers.values()) == {"<5"}
    assert "**Province**: 8 cases; left out: 1 case" in text


def test_markdown_scalars_and_definitions(data):
    text = _without_notes(run(data, "report", "--year", "2024", "--format", "markdown", "--lang", "en").stdout)
    assert "| Meetings that ended with a plan | 83% | 5 of 6 meetings |  |" in text
    assert "| Grade from adults for the referrer | 6.5 | 4 | 1 form |" in text
    assert "| Shortest preparation time (days) | 2 days | over 5 cases |  |" in text
    assert "## Definitions" in text
    assert "**Own plan without a meeting, after activation** (`own_plan_after_activation`):" in text


def test_the_edition_is_dutch_by_default_with_dutch_numbers(data):
    result = run(data, "report", "--year", "2024", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    text = _without_notes(result.stdout)
    assert text.startswith("# Onderzoeksgegevens 2024\n")
    assert "## Bijeenkomsten" in text and "## Definities" in text
    assert "| Bijeenkomsten met een plan | 83% | 5 van 6 bijeenkomsten |  |" in text
    assert "| Kortste voorbereidingstijd (dagen) | 2 dagen | over 5 aanmeldingen |  |" in text
    provinces = markdown_rows(text, "Provincie")
    assert provinces["Noord-Holland"] == ["5", "63%"]


def test_the_grades_are_one_compact_table(data):
    text = _without_notes(run(data, "report", "--year", "2024", "--format", "markdown").stdout)
    rows = markdown_rows(text, "Rapportcijfers (schaal 1-10)")
    assert rows["Rapportcijfer volwassenen: aanmelder"] == ["6,5", "4", "1 formulier"]
    grade_rows = [line for line in text.splitlines() if line.startswith("| Rapportcijfer")]
    assert len(grade_rows) == len(rows) >= 10  # every grade in that one table, nowhere else


def test_the_edition_has_a_footer_with_date_version_and_commit(data):
    import ekc

    from tests.support.git import commit_all, init_repo

    init_repo(data)
    commit = commit_all(data, "data")
    text = run(data, "report", "--year", "2024", "--format", "markdown", today="2025-02-03").stdout
    assert text.rstrip().endswith(f"Gemaakt op 3 februari 2025 met ekc {ekc.__version__}, uit de gegevens van commit {commit[:12]}.")
    english = run(data, "report", "--year", "2024", "--format", "html", "--lang", "en", today="2025-02-03").stdout
    assert f"Made on 2025-02-03 with ekc {ekc.__version__}, from the data at commit {commit[:12]}." in english
    (data / "municipalities.yaml").write_text((data / "municipalities.yaml").read_text() + "\n")
    assert "weken af van die commit" in run(data, "report", "--year", "2024", "--format", "markdown").stdout


# --- using it wrongly --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["report"], "--year"),
        (["report", "--year", "2024", "--format", "pdf"], "pdf"),
        (["report", "--year", "twenty"], "Invalid value for '--year'"),
        (["report", "--year", "2024", "--json", "--format", "html"], "--json and --format html ask for two formats"),
    ],
)
def test_usage_errors_exit_2(data, args, message):
    result = run(data, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_no_data_repository_exits_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["report", "--year", "2024"])
    assert result.exit_code == 2
    assert "no data repository found" in result.stderr


def test_an_unreadable_case_file_refuses_rather_than_miscount(data):
    broken = case_folder(data, "EKC-2024-CCCC3") / "case.yaml"
    broken.write_text(broken.read_text().replace("minors_involved: true", "minors_involved: maybe"))
    result = run(data, "report", "--year", "2024", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("ekc: 1 file the figures need has errors (first: cases/2024/EKC-2024-CCCC3/case.yaml:")
    assert "Traceback" not in result.stderr

    skipped = run(data, "report", "--year", "2024", "--json", "--skip-invalid")
    assert skipped.exit_code == 0
    assert "left out 1 file(s) with errors, starting with cases/2024/EKC-2024-CCCC3/case.yaml" in skipped.stderr
    assert json.loads(skipped.stdout)["closed_cases"]["value"] == 8


def test_a_case_that_breaks_a_rule_is_left_out_too(data):
    """It reads into a model, but its numbers cannot be trusted: an outcome without a plan
    next to a meeting that made one."""
    wrong = case_folder(data, "EKC-2024-AAAA1") / "case.yaml"
    wrong.write_text(wrong.read_text().replace("outcome: plan", "outcome: declined"))
    refused = run(data, "report", "--year", "2024")
    assert refused.exit_code == 1
    assert "cases/2024/EKC-2024-AAAA1/case.yaml:" in refused.stderr and "outcome declined" in refused.stderr
    skipped = run(data, "report", "--year", "2024", "--json", "--skip-invalid")
    doc = json.loads(skipped.stdout)
    assert doc["closed_cases"]["value"] == 8
    assert doc["meetings"]["value"] == 5


def test_errors_in_municipalities_refuse(data):
    (data / "municipalities.yaml").write_text((data / "municipalities.yaml").read_text().replace("province: Zuid-Holland", "province: Atlantis"))
    result = run(data, "report", "--year", "2024", "--json")
    assert result.exit_code == 1
    assert "municipalities.yaml:" in result.stderr


def test_a_broken_case_registered_after_the_year_does_not_matter(data):
    later = case_folder(data, "EKC-2025-MMMM1")
    later.mkdir(parents=True)
    (later / "case.yaml").write_text("id: EKC-2025-MMMM1\nvariant: nonsense\n")
    assert report_json(data)["closed_cases"]["value"] == 9
    assert run(data, "report", "--year", "2025", "--json").exit_code == 1


def test_personal_files_never_count(data):
    """A broken personal.yaml neither stops the report nor changes one figure."""
    before = report_json(data)
    for path in data.glob("cases/*/*/personal.yaml"):
        path.write_text("main_persons: [this is: not valid\n")
    assert report_json(data) == before


# --- purges --------------------------------------------------------------------------------


def simulate_purge(root: Path, today: str) -> list[Path]:
    """What `ekc purge` leaves in the tree: the personal.yaml of closed cases gone, and the
    purge logged. Here the open case's file goes too (unlogged): the figures must not
    depend on any personal.yaml."""
    closed_on = {c["id"]: c["history"][-1]["date"] for c in report_store.CASES}
    removed = sorted(root.glob("cases/*/*/personal.yaml"))
    purges = []
    for path in removed:
        case_id = path.parent.name
        if case_id in closed_on:
            purges.append({"case": case_id, "closed": closed_on[case_id], "purged": today, "paths": [path.relative_to(root).as_posix()]})
        path.unlink()
    (root / "purge-log.yaml").write_text(dump({"purges": purges}))
    return removed


@pytest.mark.parametrize("output", [["--json"], ["--format", "markdown"], ["--format", "html"], []])
def test_figures_survive_a_purge(data, output):
    before = run(data, "report", "--year", "2024", *output)
    assert before.exit_code == 0, before.stderr
    removed = simulate_purge(data, "2025-06-01")
    assert len(removed) == 12 and not list(data.glob("cases/*/*/personal.yaml"))
    purge_log = load(data, use_cache=False)
    assert len(purge_log.store.purge_log.purges) == 11
    assert not [f for f in purge_log.findings if f.path == "purge-log.yaml"]
    after = run(data, "report", "--year", "2024", *output)
    assert after.exit_code == 0, after.stderr
    assert after.stdout == before.stdout


def git(root: Path, *args: str) -> str:
    return support_git.git(root, *args).stdout


def test_figures_survive_the_real_purge(tmp_path):
    """End to end with `ekc purge` itself, once it exists: the same JSON before and after."""
    root = report_store.build(tmp_path / "data", valid=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Cases of 2023-2025")
    before = report_json(root)
    assert sorted(root.glob("cases/*/*/personal.yaml"))

    # Every case closed by 2025-01-05, so all are past retention on this day.
    purged = run(root, "purge", "--yes", today="2026-01-01")
    assert purged.exit_code == 0, purged.stdout + purged.stderr

    left = sorted(p.relative_to(root).as_posix() for p in root.glob("cases/*/*/personal.yaml"))
    assert left == ["cases/2024/EKC-2024-AB12C/personal.yaml"]  # only the open case keeps its file
    assert (root / "purge-log.yaml").is_file()
    assert report_json(root) == before
