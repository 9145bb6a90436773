"""`ekc validate` through the real command line: output formats, exit codes, options, env."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ekc.cli.app import app
from tests.rulecheck import CLOSED_PATH, CLOSED_PERSONAL, OPEN_PATH, at, case_folder, valid_store
from tests.support.store import closed_case, registered_case

TODAY = "2024-09-15"  # the valid store has no findings on this day
PURGE_DUE = "2024-10-01"  # ... and one warning (purge due) on this one


def run(root, *args: str, today: str | None = TODAY, env: dict | None = None):
    argv = ["--data", str(root)] if root is not None else []
    if today is not None:
        argv += ["--today", today]
    result = CliRunner().invoke(app, [*argv, "validate", *args], env=env)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def broken_store(tmp_path):
    """Two broken files: one that does not parse, one that breaks a rule."""
    root = valid_store(tmp_path, open_case=registered_case(outcome="declined")).write()
    (root / "coordinators.yaml").write_bytes(b"coordinators:\n  - id: C-0042\n  - id: [\n")
    return root


# -- exit codes and text output ------------------------------------------------------------------

def test_a_valid_store_exits_0(tmp_path):
    root = valid_store(tmp_path).write()
    result = run(root)
    assert result.exit_code == 0
    assert result.stdout == "5 files checked: 0 errors, 0 warnings\n"
    assert result.stderr == ""


def test_errors_exit_1_and_name_file_line_and_column(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(outcome="declined")).write()
    result = run(root)
    assert result.exit_code == 1
    line, column = at(root, OPEN_PATH, "outcome: declined", "declined")
    assert result.stdout.splitlines() == [
        f"{OPEN_PATH}:{line}:{column}: error: outcome declined is set but the case is not closed [outcome]",
        "5 files checked: 1 error, 0 warnings",
    ]


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    root = broken_store(tmp_path)
    result = run(root)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("coordinators.yaml:4:1: error:") and line.endswith("[yaml]") for line in lines)
    assert any(line.startswith(f"{OPEN_PATH}:") and line.endswith("[outcome]") for line in lines)
    assert lines[-1] == "5 files checked: 2 errors, 0 warnings"


def test_findings_are_sorted_by_path_and_line(tmp_path):
    root = broken_store(tmp_path)
    (root / CLOSED_PATH).write_text((root / CLOSED_PATH).read_text() + "extra: 1\n")
    lines = run(root).stdout.splitlines()[:-1]
    keys = [(line.split(":")[0], int(line.split(":")[1])) for line in lines]
    assert keys == sorted(keys) and len(keys) == 3


def test_warnings_alone_exit_0(tmp_path):
    root = valid_store(tmp_path).write()
    result = run(root, today=PURGE_DUE)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith(f"{CLOSED_PERSONAL}:1:1: warning: case EKC-2024-K7Q2M closed on 2024-06-30")
    assert result.stdout.splitlines()[0].endswith("[purge-due]")


def test_strict_makes_warnings_fail(tmp_path):
    root = valid_store(tmp_path).write()
    assert run(root, "--strict", today=PURGE_DUE).exit_code == 1
    assert run(root, "--strict", today=TODAY).exit_code == 0


# -- --format json ----------------------------------------------------------------------------------

def test_json_is_one_document_on_stdout(tmp_path):
    root = broken_store(tmp_path)
    result = run(root, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert set(doc) == {"ok", "files_checked", "errors", "warnings", "findings"}
    assert (doc["ok"], doc["files_checked"], doc["errors"], doc["warnings"]) == (False, 5, 2, 0)
    for finding in doc["findings"]:
        assert set(finding) == {"path", "line", "column", "severity", "code", "message"}
        assert finding["line"] >= 1 and finding["column"] >= 1
    assert [(f["path"], f["code"]) for f in doc["findings"]] == [(OPEN_PATH, "outcome"), ("coordinators.yaml", "yaml")]


def test_json_ok_follows_strict(tmp_path):
    root = valid_store(tmp_path).write()
    relaxed = run(root, "--format", "json", today=PURGE_DUE)
    strict = run(root, "--format", "json", "--strict", today=PURGE_DUE)
    assert (relaxed.exit_code, json.loads(relaxed.stdout)["ok"]) == (0, True)
    assert (strict.exit_code, json.loads(strict.stdout)["ok"]) == (1, False)
    assert json.loads(strict.stdout)["findings"][0]["severity"] == "warning"


def test_json_of_a_clean_store(tmp_path):
    root = valid_store(tmp_path).write()
    result = run(root, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "files_checked": 5, "errors": 0, "warnings": 0, "findings": []}


# -- --format github --------------------------------------------------------------------------------

def test_github_annotations(tmp_path):
    root = valid_store(tmp_path, open_case=registered_case(outcome="declined")).write()
    result = run(root, "--format", "github", today=PURGE_DUE)
    assert result.exit_code == 1
    line, column = at(root, OPEN_PATH, "outcome: declined", "declined")
    assert result.stdout.splitlines() == [
        f"::error file={OPEN_PATH},line={line},col={column},title=ekc outcome::outcome declined is set but the case is not closed",
        f"::warning file={CLOSED_PERSONAL},line=1,col=1,title=ekc purge-due::case EKC-2024-K7Q2M closed on 2024-06-30; "
        "its personal data was due for purging on 2024-09-30: run ekc purge",
    ]
    assert result.stderr.strip() == "5 files checked: 1 error, 1 warning"


def test_github_escapes_properties_and_messages(tmp_path):
    root = valid_store(tmp_path).write()
    (case_folder(root, "EKC-2024-K7Q2M") / "a:b,c%.txt").write_text("x\n")
    text = (root / OPEN_PATH).read_text() + '"50%\\nnew": 1\n'
    (root / OPEN_PATH).write_text(text)
    lines = run(root, "--format", "github").stdout.splitlines()
    stray = next(line for line in lines if "stray" in line)
    assert stray.startswith("::error file=cases/2024/EKC-2024-K7Q2M/a%3Ab%2Cc%25.txt,line=1,col=1,title=ekc stray::")
    unknown = next(line for line in lines if "unknown-key" in line)
    assert "unknown key '50%25%0Anew'" in unknown
    assert len(lines) == 2  # the newline in the key did not break the annotation in two


def test_github_line_escaping_directly():
    from ekc.cli.output import github_line
    from ekc.core.findings import warning

    finding = warning("dir,x/a:b.yaml", "co:de", "50% done\r\nnext: line, more").located(3, 4)
    assert github_line(finding) == (
        "::warning file=dir%2Cx/a%3Ab.yaml,line=3,col=4,title=ekc co%3Ade::50%25 done%0D%0Anext: line, more"
    )


# -- file arguments -----------------------------------------------------------------------------------

def test_file_arguments_filter_the_findings_shown(tmp_path):
    root = broken_store(tmp_path)
    result = run(root, str(root / OPEN_PATH))
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == [OPEN_PATH]


def test_file_arguments_relative_to_the_working_directory(tmp_path, monkeypatch):
    root = broken_store(tmp_path)
    monkeypatch.chdir(root / "cases" / "2024")
    result = run(root, "EKC-2024-AB12C/case.yaml")
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == [OPEN_PATH]


def test_file_arguments_as_repository_paths(tmp_path, monkeypatch):
    root = broken_store(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run(root, "coordinators.yaml")
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["coordinators.yaml"]


def test_a_clean_file_argument_exits_0_even_when_other_files_have_errors(tmp_path):
    """Only findings in the named files are shown, and the exit code follows what is shown."""
    root = broken_store(tmp_path)
    result = run(root, str(root / CLOSED_PATH))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "5 files checked: 0 errors, 0 warnings"


def test_cross_file_rules_still_hold_for_a_named_file(tmp_path):
    root = valid_store(tmp_path, closed=closed_case(coordinator="C-0099")).write()
    result = run(root, str(root / CLOSED_PATH))
    assert result.exit_code == 1
    assert "coordinator C-0099 is not in coordinators.yaml [reference]" in result.stdout


# -- usage problems: exit 2 ---------------------------------------------------------------------------

def test_no_data_repository_exits_2(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run(tmp_path / "empty")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("ekc: ") and "not a data repository" in result.stderr


def test_no_data_repository_found_upwards_exits_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(None)
    assert result.exit_code == 2
    assert "no data repository found" in result.stderr and "--data" in result.stderr


def test_the_data_repository_is_found_by_walking_up(tmp_path, monkeypatch):
    root = valid_store(tmp_path).write()
    monkeypatch.chdir(case_folder(root, "EKC-2024-K7Q2M"))
    result = run(None)
    assert result.exit_code == 0 and "5 files checked" in result.stdout


def test_a_missing_data_directory_exits_2(tmp_path):
    result = run(tmp_path / "nowhere")
    assert result.exit_code == 2


def test_data_pointing_at_a_file_exits_2(tmp_path):
    root = valid_store(tmp_path).write()
    result = run(root / "municipalities.yaml")
    assert result.exit_code == 2 and result.stdout == ""


@pytest.mark.parametrize("today", ["2024-13-01", "yesterday", "2024-1-1", "2024-02-30", "20240101", ""])
def test_a_bad_today_exits_2(tmp_path, today):
    root = valid_store(tmp_path).write()
    result = run(root, today=today)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize("args", [["--format", "xml"], ["--no-such-option"], ["--strict=yes"]])
def test_wrong_options_exit_2(tmp_path, args):
    root = valid_store(tmp_path).write()
    assert run(root, *args).exit_code == 2


# -- environment ----------------------------------------------------------------------------------------

def test_ekc_data_and_ekc_today_from_the_environment(tmp_path):
    root = valid_store(tmp_path).write()
    clean = CliRunner().invoke(app, ["validate"], env={"EKC_DATA": str(root), "EKC_TODAY": TODAY})
    due = CliRunner().invoke(app, ["validate", "--strict"], env={"EKC_DATA": str(root), "EKC_TODAY": PURGE_DUE})
    assert clean.exit_code == 0 and "0 warnings" in clean.stdout
    assert due.exit_code == 1 and "[purge-due]" in due.stdout


def test_options_win_over_the_environment(tmp_path):
    root = valid_store(tmp_path).write()
    result = CliRunner().invoke(
        app, ["--data", str(root), "--today", TODAY, "validate", "--strict"],
        env={"EKC_DATA": str(tmp_path / "nowhere"), "EKC_TODAY": PURGE_DUE},
    )
    assert result.exit_code == 0


def test_a_bad_ekc_today_exits_2(tmp_path):
    root = valid_store(tmp_path).write()
    result = CliRunner().invoke(app, ["validate"], env={"EKC_DATA": str(root), "EKC_TODAY": "soon"})
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


def test_an_ekc_data_without_a_repository_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["validate"], env={"EKC_DATA": str(tmp_path), "EKC_TODAY": TODAY})
    assert result.exit_code == 2 and result.stderr.startswith("ekc: ")


# -- kinds of bad input: exit 1, naming file and line -----------------------------------------------------

@pytest.mark.parametrize(
    ("content", "code", "line"),
    [
        (b"id: caf\xe9\n", "encoding", 1),
        (b"", "empty", 1),
        (b"a: 1\n---\nb: 2\n", "yaml", 2),
        (b"a: &x 1\nb: *x\n", "alias", 1),
        (b"a: 1\na: 2\n", "yaml", 2),
        (b"a: 2024-02-30\n", "date", 1),
        (b"- a\n- b\n", "structure", 1),
        (b"a: [\n", "yaml", 2),
    ],
)
def test_each_kind_of_bad_input_exits_1_naming_file_and_line(tmp_path, content, code, line):
    root = valid_store(tmp_path).write()
    (root / OPEN_PATH).write_bytes(content)
    result = run(root)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{OPEN_PATH}:{line}:") and first.endswith(f"[{code}]")


@pytest.mark.parametrize("depth", [900, 5000])
def test_deeply_nested_data_exits_1_without_a_traceback(tmp_path, depth):
    root = valid_store(tmp_path).write()
    (root / OPEN_PATH).write_bytes(b"note: " + b"[" * depth + b"]" * depth + b"\n")
    result = run(root)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(f"{OPEN_PATH}:1:")


def test_a_data_file_cannot_forge_finding_lines_or_terminal_escapes(tmp_path):
    root = valid_store(tmp_path).write()
    text = (root / OPEN_PATH).read_text() + '"evil\\e[31m\\nfake.yaml:1:1: error: x": 1\n'
    (root / OPEN_PATH).write_text(text)
    text_out = run(root).stdout
    github_out = run(root, "--format", "github").stdout
    for output in (text_out, github_out):
        assert "\x1b" not in output
        assert not any(line.startswith("fake.yaml") for line in output.splitlines())
    assert "unknown key 'evil\\x1b[31m\\nfake.yaml:1:1: error: x'" in text_out
    assert len(text_out.splitlines()) == 2  # the finding and the summary


def test_names_with_control_characters_stay_on_one_line(tmp_path):
    builder = valid_store(tmp_path)
    builder.municipalities["municipalities"][0]["name"] = "Pur\nmerend"
    builder.municipalities["municipalities"][0]["contracts"].append(
        {"id": "PUR-X", "start": "2024-06-01", "end": "2024-06-30", "conferences": 1}
    )
    root = builder.write()
    lines = run(root).stdout.splitlines()
    assert len(lines) == 2 and lines[0].endswith("of Pur\\nmerend [overlap]")


def test_the_projects_own_sample_data_is_valid():
    from pathlib import Path

    import ekc

    project = Path(ekc.__file__).resolve().parents[1]
    if not (project / "municipalities.yaml").is_file():
        pytest.skip("no sample data at the project root")
    result = run(project, today=None)
    assert result.exit_code == 0, result.stdout
    assert " 0 errors" in result.stdout.splitlines()[-1]
