"""`ekc hook pre-receive` (git runs it on the server) and `ekc hook install` (puts it there)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ekc.cli.context import app_context

hook_app = typer.Typer(
    help="Git hooks for a self-hosted server (Gitea, GitLab, plain ssh): refuse bad pushes there.",
    no_args_is_help=True,
)


@hook_app.command("pre-receive")
def pre_receive_command(ctx: typer.Context) -> None:
    """Run by git on the server: read '<old> <new> <ref>' lines on stdin; refuse (exit 1) a
    push whose commits fail validation or bring back a path from purge-log.yaml."""
    from ekc.cli import output as render
    from ekc.core.errors import UsageProblem
    from ekc.guard.pre_receive import check_push, parse_updates
    from ekc.guard import plumbing

    today = app_context(ctx).today
    repo = Path.cwd()
    try:
        plumbing.git(repo, "rev-parse", "--git-dir")
    except plumbing.GitFailed:
        raise UsageProblem("hook pre-receive runs inside a git repository, as git's pre-receive hook") from None
    from ekc.guard.cleaner import cleaning_now

    updates = parse_updates(sys.stdin.read())
    if cleaning_now(repo):
        typer.echo("ekc: the server is cleaning up after a purge; nothing was changed. Try again in a minute.", err=True)
        raise typer.Exit(1)
    try:
        refusals = check_push(repo, updates, today)
    except plumbing.GitFailed as exc:
        raise UsageProblem(f"hook pre-receive: {exc}") from None
    if not refusals:
        return
    for refusal in refusals:
        update = refusal.update
        typer.echo(f"ekc: push to {update.ref} refused ({update.old[:10]}..{update.new[:10]}):", err=True)
        for finding in refusal.findings:
            typer.echo(f"  {render.text_line(finding)}", err=True)
    typer.echo(
        "ekc: nothing was changed on the server. Fix the files on your clone (`ekc validate` shows the "
        "same problems there), commit, and push again. For purged data brought back: run `ekc sync` on your clone, then push again.",
        err=True,
    )
    raise typer.Exit(1)


HOOK_SCRIPTS = {
    "pre-receive": """#!/bin/sh
# Installed by `ekc hook install`: refuse pushes with invalid data or purged data.
exec "{python}" -m ekc hook pre-receive
""",
    "post-receive": """#!/bin/sh
# Installed by `ekc hook install`: after a push recording a purge, remove every copy of it.
exec "{python}" -m ekc hook post-receive
""",
}


@hook_app.command("post-receive")
def post_receive_command() -> None:
    """Run by git on the server after a push: when the purge log names ids the server can
    still read, run the cleaner and report to the pusher's terminal."""
    from ekc.guard import cleaner

    sys.stdin.read()  # the updates: the purge log, not the push, says what to clean
    repo = Path.cwd()
    try:
        if not cleaner.needs_cleaning(repo):
            return
        report = cleaner.clean(repo)
    except cleaner.GitFailed as exc:
        typer.echo(f"ekc: the clean-up after the purge failed: {exc}; an administrator runs `ekc hook clean` on the server", err=True)
        raise typer.Exit(1) from None
    for line in report.lines():
        typer.echo(f"ekc: {line}", err=True)
    if not report.ok:
        raise typer.Exit(1)


@hook_app.command("clean")
def clean_command(
    repository: Path = typer.Argument(..., metavar="REPOSITORY", help="The server's repository (bare, or its .git folder).", file_okay=False),
) -> None:
    """The cleaner by hand: delete every ref still reaching purged data, expire reflogs,
    prune unreachable objects now, and prove no purged id can be read (exit 1 if one can)."""
    from ekc.core.errors import UsageProblem
    from ekc.guard import cleaner

    try:
        cleaner.git_dir(repository)
    except (cleaner.GitFailed, OSError):
        raise UsageProblem(f"{repository} is not a git repository") from None
    report = cleaner.clean(repository.resolve())
    for line in report.lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)


@hook_app.command("install")
def install_command(
    repository: Path = typer.Argument(..., metavar="REPOSITORY", help="The server's repository (bare, or its .git folder).", file_okay=False),
    force: bool = typer.Option(False, "--force", help="Replace a pre-receive hook that is already there."),
) -> None:
    """Write hooks/pre-receive (the gate) and hooks/post-receive (the cleaner after a
    purge) into a server repository, calling this ekc's Python."""
    from ekc.core.errors import Refused, UsageProblem
    from ekc.guard import plumbing

    try:
        git_dir = Path(plumbing.git(repository, "rev-parse", "--absolute-git-dir").decode().strip())
    except (plumbing.GitFailed, OSError):
        raise UsageProblem(f"{repository} is not a git repository") from None
    hooks = {}
    for name in HOOK_SCRIPTS:
        hook = git_dir / "hooks" / name
        if (git_dir / "hooks" / f"{name}.d").is_dir():
            # Gitea and Forgejo keep their own hooks/<name>, which runs every script in
            # hooks/<name>.d/: add ours there instead of replacing theirs.
            hook = git_dir / "hooks" / f"{name}.d" / "ekc"
        if hook.exists() and not force:
            raise Refused(f"{hook} already exists; pass --force to replace it")
        hooks[name] = hook
    for name, hook in hooks.items():
        hook.parent.mkdir(parents=True, exist_ok=True)
        hook.write_text(HOOK_SCRIPTS[name].format(python=sys.executable))
        hook.chmod(0o755)
        typer.echo(f"installed {hook}", err=True)
