"""`ekc purge`: parse, call ekc.purge.rewrite, render. It never prints a person's name."""

from __future__ import annotations

import sys

import typer

from ekc.cli.context import app_context

OTHER_CLONES = """\
Every other clone still holds the purged data. In each one, either delete it and clone again,
or (only if it has no work of its own to keep):
  git fetch --prune --force --tags {remote}
  git reset --hard {remote}/<branch>    (each local branch; delete the ones the remote lacks)
  git reflog expire --expire=now --all && git gc --prune=now
Never push from an old clone without doing that first: it would upload the purged files again
(a pre-receive hook running `ekc hook pre-receive`, or CI running `ekc validate --history`,
refuses such pushes). A hosting service keeps its own caches and pull-request refs of old
commits until its administrators clean them up: ask them to."""


def purge_command(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="List the cases, paths and commits affected; change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before rewriting history (needed without a terminal)."),
    push: str | None = typer.Option(None, "--push", metavar="REMOTE", help="Force-push the rewritten branches and tags to REMOTE, with lease."),
) -> None:
    """Delete the personal.yaml of every expired case from the files and from all of git history, and prove it.

    Names, e-mail addresses and phone numbers of the purged files are redacted from commit
    and tag messages; purge-log.yaml records the cases. If a purge is interrupted, running
    `ekc purge` again rolls it back or finishes it.
    """
    from rich.console import Console

    from ekc.purge import rewrite as history
    from ekc.cli.output import use_colour
    from ekc.core.errors import Refused, UsageProblem
    from ekc.store.loader import load

    app = app_context(ctx)
    root = app.root
    from ekc.purge.own_source import refuse_in_own_source

    refuse_in_own_source(root)
    tty = sys.stdout.isatty()
    out = Console(no_color=not use_colour(), highlight=False, markup=False, width=None if tty else 200)

    state = history.pending(root)
    if state is not None:
        from ekc.purge.journal import ROLL_BACK_PHASES

        action = "roll it back" if state.get("phase") in ROLL_BACK_PHASES or state.get("corrupt") else "finish it"
        if dry_run:
            raise Refused(f"an earlier purge was interrupted (at {state.get('phase')}); run `ekc purge` to {action}")
        typer.echo(f"An earlier purge was interrupted (at {state.get('phase')}); going on to {action}.", err=True)
        outcome = history.recover(root)
        if outcome.recovered == "rolled back":
            out.print("Rolled back: the repository is as it was before that purge. Run `ekc purge` again to purge.")
            return
        _render_outcome(out, outcome)
        return

    if not history.is_git_repository(root):
        raise Refused(f"{root} is not a git repository: there is no history to purge")
    history.trace("start")
    reads = history.start_reads(root)  # read-only: git reads all of history while Python checks and loads
    push_updates = [] if dry_run else history.preflight(root, push)
    history.trace("preflight")
    loaded = load(root, use_cache=not dry_run)  # a dry run writes nothing, not even the cache
    history.trace("load the data repository")
    plan = history.plan_purge(root, loaded.store, app.today, reads)
    if not dry_run and any(f.path == "purge-log.yaml" and f.is_error for f in loaded.findings):
        raise Refused("purge-log.yaml has errors (ekc validate): fix it first, the purge appends to it")
    if loaded.has_errors:
        typer.echo("ekc: warning: some files have errors; a case whose case.yaml cannot be read is not considered (ekc validate)", err=True)
    if plan.empty:
        out.print("Nothing to purge: no expired case has personal data in the files or in history.")
        return
    _render_plan(out, plan, dry_run)
    if dry_run:
        return
    if not yes:
        if not _interactive():
            raise UsageProblem("purge rewrites history and needs confirmation: without a terminal, pass --yes")
        if not typer.confirm(f"Rewrite history and delete the personal data of {len(plan.targets)} case(s)?", default=False):
            raise Refused("cancelled; nothing was changed")
    outcome = history.execute(root, plan, app.today, push_updates, push)
    _render_outcome(out, outcome)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _render_plan(out, plan, dry_run: bool) -> None:
    from rich.table import Table

    table = Table(title="Expired cases whose personal data goes" + (" (dry run: nothing changes)" if dry_run else ""))
    for column in ("case", "closed", "purge due"):
        table.add_column(column, no_wrap=True)
    table.add_column("paths in history", overflow="fold")
    table.add_column("commits that wrote them", overflow="fold")
    for target in plan.targets:
        table.add_row(
            target.case_id, target.closed.isoformat(), target.due.isoformat(), "\n".join(target.paths),
            " ".join(c[:10] for c in target.commits),
        )
    out.print(table)
    out.print(
        f"{len(plan.blobs)} file version(s) (blobs) to remove; {len(plan.tainted)} of {plan.commits_total} commits "
        f"rewritten, from {plan.oldest[:12] if plan.oldest else '-'} on; {plan.messages_to_redact} commit message(s) and "
        f"{plan.tags_to_redact} tag message(s) name a purged person; refs rewritten: {len(plan.rewrite_refs)}"
    )
    for ref in plan.rewrite_refs:
        out.print(f"  {ref}")


def _render_outcome(out, outcome) -> None:
    proof = outcome.proof
    if outcome.recovered == "completed":
        out.print("Finished the interrupted purge.")
    out.print(f"Purged the personal data of {len(outcome.targets)} case(s): " + ", ".join(t["case"] for t in outcome.targets))
    out.print("Proof:")
    out.print(
        f"  every blob a purged path ever had: {proof.get('blobs_checked', 0)} checked with git cat-file, "
        f"{proof.get('blobs_absent', 0)} absent from the object database"
    )
    for blob, path in proof.get("blobs_shared", {}).items():
        out.print(f"  shared, kept: {blob} is byte for byte the content of kept file {path} (not personal data of a purged case alone)")
    if "refs_compared" in proof:
        out.print(
            f"  every other file at every ref byte-identical: {proof['refs_compared']} refs compared, "
            f"{proof['refs_rewritten']} rewritten, only the purged paths differ"
        )
        out.print(
            f"  no purged name, e-mail address or phone number in any commit or tag message: "
            f"{proof.get('messages_scanned_before', 0)} scanned before the rewrite, the {proof['messages_checked']} rewritten ones again after"
        )
        out.print(
            f"  {proof['commits_rewritten']} of {proof['commits_total']} commits rewritten"
            + (f", from {proof['oldest_rewritten'][:12]} on" if proof.get("oldest_rewritten") else "")
        )
    out.print("  reflogs expired, unreachable objects pruned; purge-log.yaml committed")
    if outcome.pushed:
        out.print(f"Pushed to {outcome.push_remote} (with lease): " + ", ".join(outcome.pushed))
    elif outcome.publish:
        out.print("Nothing was pushed. To publish the purge (the lease names the values from before it):")
        out.print("  " + " ".join(outcome.publish), soft_wrap=True)
    out.print(OTHER_CLONES.format(remote=outcome.push_remote or "origin"))
