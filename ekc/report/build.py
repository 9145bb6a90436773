"""What `ekc report` stands on: the files the figures need, checked, and the edition's
footer facts (date, ekc version, the data's commit). I/O at the edge of ekc/report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ekc.core.findings import Finding


@dataclass(frozen=True)
class Built:
    report: object  # ekc.report.figures.Report
    left_out: list[Finding]  # files with errors left out (only with skip_invalid)


def invalid_inputs(findings, year: int) -> list[Finding]:
    """Errors in the files the figures stand on, one per file: municipalities.yaml and every
    case.yaml registered up to `year` (a case closed in a year was registered in it or before;
    the folder says the registration year). personal.yaml is never among them."""
    seen: dict[str, Finding] = {}
    for finding in findings:
        if not finding.is_error or finding.path in seen:
            continue
        parts = finding.path.split("/")
        if finding.path == "municipalities.yaml" or (
            len(parts) == 4 and parts[0] == "cases" and parts[3] == "case.yaml" and (not parts[1].isdigit() or int(parts[1]) <= year)
        ):
            seen[finding.path] = finding
    return sorted(seen.values(), key=lambda f: f.sort_key())


def build_report(root: Path, year: int, skip_invalid: bool) -> Built:
    """The year's figures; refuses (exit 1) when a file they need has errors, unless told to
    leave such files out."""
    from ekc.core.errors import Refused
    from ekc.report import figures as research
    from ekc.store.views import closed_in

    loaded = closed_in(root, year)  # the cases closed in the year, not the whole history
    invalid = invalid_inputs(loaded.findings, year)
    if invalid and not skip_invalid:
        first = invalid[0]
        raise Refused(
            f"{len(invalid)} file{'s' * (len(invalid) != 1)} the figures need {'have' if len(invalid) != 1 else 'has'} errors "
            f"(first: {first.path}:{first.line}:{first.column}: {first.message}); figures over them could be wrong. "
            "Fix them (see `ekc validate`) or pass --skip-invalid to leave them out"
        )
    left_out = {finding.path for finding in invalid}
    store = loaded.store
    cases = (case_file.case for case_file in store.cases.values() if case_file.path not in left_out)
    return Built(research.compute(cases, store.municipalities, year), invalid)


def edition_for(root: Path, made_on: date, lang: str):
    """The footer's facts: a printed report can be traced to the ekc and the data it came from."""
    from ekc import __version__
    from ekc.report.render import Edition
    from ekc.store import git as git_layer

    commit = git_layer.head_commit(root)
    dirty = False
    if commit is not None:
        done = git_layer.run(root, "status", "--porcelain", "--untracked-files=no", "--", ".")
        dirty = done.returncode == 0 and bool(done.stdout.strip())
    return Edition(made_on, __version__, commit, lang, dirty)
