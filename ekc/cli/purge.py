"""`ekc purge`: parse, call ekc.purge.rewrite, render. It never prints a person's name:
paths outside a case folder and ref names that held a name are counted, not shown."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import typer

from ekc.cli.context import app_context

OTHER_CLONES = """\
Every other clone still holds the purged data. In each one, run `ekc sync`: it moves the clone
onto the new history, keeps the work that holds no purged data, drops the rest (listed by id),
removes every old object and proves it. Until then, a push from an old clone is refused (a
pre-receive hook running `ekc hook pre-receive`, or CI running `ekc validate --history`)."""


def purge_command(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="List the cases, paths and commits affected; change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before rewriting history (needed without a terminal)."),
    push: str | None = typer.Option(None, "--push", metavar="REMOTE", help="Fetch every ref of REMOTE, rewrite them all and force-push them back, with lease."),
    host: str | None = typer.Option(
        None, "--host", metavar="github|gitlab|gitea|forgejo|plain",
        help="What kind of server REMOTE is, when its URL does not say: its clean-up instructions follow from it."),
) -> None:
    """Delete the personal data of every expired case from the files and from all of git history, and prove it.

    Expired and orphaned personal.yaml files go at every path they ever had; their names,
    addresses, e-mail addresses and phone numbers become *** in every other file, message,
    identity and ref name. purge-log.yaml records the cases. If a purge is interrupted,
    running `ekc purge` again rolls it back or finishes it.
    """
    from ekc.core.errors import Refused, UsageProblem

    app = app_context(ctx)
    root = app.root
    from ekc.purge.own_source import refuse_in_own_source

    refuse_in_own_source(root)
    reads = None
    if push is None and host is None:  # with --push, the fetch of every ref comes first
        from ekc.purge.scan import start_reads_early

        reads = start_reads_early(root)  # git reads all of history while the rest is imported
    from rich.console import Console

    from ekc.cli.output import use_colour
    from ekc.purge import rewrite as history

    if host is not None:
        from ekc.guard.hosts import recognise

        if push is None:
            raise UsageProblem("--host names the kind of server --push REMOTE is: pass --push too")
        try:
            host = recognise("", host)
        except ValueError as exc:
            raise UsageProblem(str(exc)) from None
    tty = sys.stdout.isatty()
    out = Console(no_color=not use_colour(), highlight=False, markup=False, width=None if tty else 200)

    state = history.pending(root)
    if state is not None:
        from ekc.purge.journal import ROLL_BACK_PHASES

        action = "roll it back" if state.get("phase") in ROLL_BACK_PHASES or state.get("corrupt") else "finish it"
        if dry_run:
            raise Refused(f"an earlier purge was interrupted (at {state.get('phase')}); run `ekc purge` to {action}")
        typer.echo(f"An earlier purge was interrupted (at {state.get('phase')}); going on to {action}.", err=True)
        with _progress(history, "finishing the interrupted purge"):
            outcome = history.recover(root)
        if outcome.recovered == "rolled back":
            out.print("Rolled back: the repository is as it was before that purge. Run `ekc purge` again to purge.")
            return
        _render_outcome(out, outcome)
        _exit(outcome)
        return

    with _progress(history, "planning the purge"):
        prepared = history.prepare(root, app.today, dry_run, push, reads, yes=yes)
    plan = prepared.plan
    if plan.empty:
        out.print("Nothing to purge: no expired case has personal data in the files or in history.")
        return
    _render_plan(out, plan, dry_run)
    if dry_run:
        if prepared.refusal:
            typer.echo(f"ekc: warning: the purge itself would not start now: {prepared.refusal}", err=True)
        if plan.unjudged:
            raise Refused(_unjudged(plan.unjudged))
        return
    if plan.targets and not yes:
        if not _interactive():
            raise UsageProblem("purge rewrites history and needs confirmation: without a terminal, pass --yes")
        if not typer.confirm(f"Rewrite history and delete the personal data of {len(plan.targets)} case(s)?", default=False):
            raise Refused("cancelled; nothing was changed")
    with _progress(history, "purging"):
        outcome = history.run(root, prepared, app.today, push, host)
    if plan.targets:
        _render_outcome(out, outcome)
    _exit(outcome)


@contextmanager
def _progress(history, first: str):
    """The step the purge is at, with the time spent, on stderr when it is a terminal
    (nothing in pipes, CI logs and tests); gone when the step's output is printed."""
    from ekc.cli.output import progress

    with progress(first) as bar, history.reporting(lambda label: bar.update(description=label)):
        yield


def _unjudged(case_ids: list[str]) -> str:
    return (
        f"{len(case_ids)} case(s) cannot be judged, their case.yaml has errors (ekc validate): "
        + ", ".join(case_ids) + "; their personal data was kept, fix them and run `ekc purge` again"
    )


def _exit(outcome) -> None:
    from ekc.core.errors import Refused

    problems = []
    if outcome.proof.get("remaining"):
        problems.append(f"the proof failed: {len(outcome.proof['remaining'])} place(s) still hold personal data of a purged case")
    if outcome.refused:
        problems.append("the remote refused: " + "; ".join(outcome.refused))
    if outcome.unjudged:
        problems.append(_unjudged(outcome.unjudged))
    if problems:
        raise Refused(". ".join(problems))


def _interactive() -> bool:
    return sys.stdin.isatty()


def _render_plan(out, plan, dry_run: bool) -> None:
    from rich.table import Table

    from ekc.purge.plan import log_paths

    if plan.unjudged:
        out.print("Cannot be judged (case.yaml has errors), kept: " + ", ".join(plan.unjudged))
    if not plan.targets:
        return
    table = Table(title="Expired cases whose personal data goes" + (" (dry run: nothing changes)" if dry_run else ""))
    for column in ("case", "closed", "purge due"):
        table.add_column(column, no_wrap=True)
    table.add_column("paths in history", overflow="fold")
    table.add_column("commits that wrote them", overflow="fold")
    for target in plan.targets:
        named, others = log_paths(target.case_id, target.paths)
        shown = named + ([f"and {others} path(s) outside the case folder"] if others else [])
        table.add_row(
            target.case_id or "(orphan)", target.closed.isoformat(), target.due.isoformat(), "\n".join(shown),
            " ".join(c[:10] for c in target.commits),
        )
    out.print(table)
    found = plan.found
    out.print(
        f"{len(plan.blobs)} file version(s) (blobs) to remove; {len(found.blobs - plan.drop)} other file version(s), "
        f"{len(found.commits)} commit(s), {len(found.tags)} tag(s) and {len(found.paths) + len(found.trees)} file or folder name(s) hold a name "
        f"or contact detail and are redacted; {len(plan.ref_renames)} ref(s) renamed, {len(plan.ref_deletes)} ref(s) to the "
        f"data itself deleted, {len(plan.descriptions)} branch description(s) redacted; {plan.commits_total} commits in history"
    )


def _render_outcome(out, outcome) -> None:
    proof = outcome.proof
    if outcome.recovered == "completed":
        out.print("Finished the interrupted purge.")
    out.print(f"Purged the personal data of {len(outcome.targets)} case(s): " + ", ".join(outcome.targets))
    out.print("Proof:")
    out.print(
        f"  every object in the database, reachable or not: {proof.get('objects_scanned', 0)} scanned for the purged "
        f"strings and blob ids; {proof.get('refs_scanned', 0)} ref names, every file under .git and the work tree too"
    )
    out.print(f"  every version of a purged personal.yaml: {proof.get('blobs_checked', 0)} known, {proof.get('blobs_absent', 0)} absent")
    for blob, path in proof.get("blobs_shared", {}).items():
        out.print(f"  shared, kept: {blob} is byte for byte the personal.yaml of kept case file {path}")
    for place in proof.get("remaining", []):
        out.print(f"  NOT PURGED: {place}")
    if not proof.get("remaining"):
        out.print("  nothing of a purged case remains")
    out.print("  reflogs expired, unreachable objects pruned; purge-log.yaml committed")
    if outcome.pushed:
        out.print(f"Pushed to {outcome.push_remote} (with lease): " + ", ".join(outcome.pushed))
    for refusal in outcome.refused:
        out.print(f"Refused by {outcome.push_remote}: {refusal}")
    if not outcome.push_remote and outcome.publish:
        out.print("Nothing was pushed. To publish the purge (the lease names the values from before it):")
        out.print("  " + " ".join(outcome.publish), soft_wrap=True)
    out.print(OTHER_CLONES.format(remote=outcome.push_remote or "origin"))
    if outcome.host_text and outcome.refused:
        out.print(f"Once {outcome.push_remote} has taken every ref (see the refusals above):")
    if outcome.host_text:
        out.print(outcome.host_text.rstrip("\n"), soft_wrap=True)
        out.print("Written to " + ", ".join(str(p) for p in outcome.host_files), soft_wrap=True)
