"""`ekc init DIR [--sample]`: a new data repository, checks and editor support included."""

from __future__ import annotations

from pathlib import Path

import typer

from ekc.cli.context import app_context


def init_command(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., metavar="DIR", help="A new or empty folder for the data repository.", file_okay=False),
    sample: bool = typer.Option(False, "--sample", help="Fill it with fictional cases and about twenty months of dated commits, to try ekc on."),
    install: str | None = typer.Option(None, "--install", metavar="REQUIREMENT", help="How CI installs ekc (a pip requirement or URL); default: where this ekc was installed from (a git commit, an archive URL or an index release); a local folder or editable install needs this option."),
    hooks_repo: str | None = typer.Option(None, "--hooks-repo", metavar="URL", help="Use ekc's pre-commit hook from this git URL (pre-commit installs ekc itself); default: the ekc installed on each computer."),
    hooks_rev: str | None = typer.Option(None, "--hooks-rev", metavar="REV", help="The commit id (or an existing tag) of --hooks-repo; default: the commit this ekc was installed from, or the repository's current HEAD commit."),
) -> None:
    """Create a data repository: empty but valid data files, a README, the pre-commit hook,
    CI workflows for GitHub and GitLab, JSON Schemas for editors, and a first commit."""
    from ekc.init.newrepo import PlannedCommit, check_target, create_repository
    from ekc.init.scaffold import scaffold_files

    today = app_context(ctx).today
    check_target(directory)
    from ekc.init.install_source import ci_requirement, git_ls_remote, hooks_rev as pinned_rev, running_install_source

    source = running_install_source()
    requirement = ci_requirement(install.strip() if install is not None else None, source)
    if hooks_rev and not hooks_repo:
        from ekc.core.errors import UsageProblem

        raise UsageProblem("--hooks-rev needs --hooks-repo")
    rev = pinned_rev(hooks_repo, hooks_rev, source, git_ls_remote) if hooks_repo else None
    files = scaffold_files(requirement, hooks_repo, rev)
    commits = [PlannedCommit(None, "ekc init: new data repository", files)]
    if sample:
        commits = _sample_commits(today, files)
    count = create_repository(directory, commits)
    what = f"with fictional sample data in {count} commits" if sample else "with empty data files"
    typer.echo(f"created the data repository {directory} {what}; CI installs {requirement}", err=True)
    typer.echo(f"next: cd {directory} && ekc validate; see README.md there for the checks on commit and push", err=True)


def _sample_commits(today, files: dict[str, str]):
    from ekc.init.sample_history import sample_history
    from ekc.init.scaffold import ROOT_DATA_FILES, schema_header
    from ekc.init.newrepo import PlannedCommit
    from ekc.store.yamlwrite import document_text

    history = sample_history(today)
    commits = [PlannedCommit(history[0].day, "ekc init: new data repository", files)]
    for event in history:
        texts = {
            path: document_text(doc, schema_header(path) if path in ROOT_DATA_FILES else "")
            for path, doc in event.files.items()
        }
        commits.append(PlannedCommit(event.day, event.message, texts))
    return commits
