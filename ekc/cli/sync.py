"""`ekc sync [REMOTE]`."""

from __future__ import annotations

from pathlib import Path

import typer


def sync_command(
    remote: str = typer.Argument("origin", help="The shared repository's remote (default: origin)."),
) -> None:
    """Bring this clone up to date with the shared repository: fetch, rebase, push; after a
    purge elsewhere, move onto the new history and remove every copy of the old one.
    Exit 1 when a person must decide (two people changed the same case)."""
    from ekc.core.errors import UsageProblem
    from ekc.store.git import is_git_repository
    from ekc.sync.sync import sync

    here = Path.cwd()
    if not is_git_repository(here):
        raise UsageProblem("ekc sync runs inside a clone of the shared repository, and this folder is not one")
    from ekc.cli.output import progress

    with progress(f"ekc sync with {remote}") as bar:  # on stderr, and only when it is a terminal
        result = sync(here, remote, step=lambda words: bar.update(description=words))
    if result.purge_applied:
        typer.echo(f"The history on {remote} was rewritten by a purge; this clone is now on the new history.")
        for branch, count in sorted(result.carried.items()):
            typer.echo(f"  branch {branch}: {count} of your commits carried over")
        for dropped in result.dropped:
            cases = f" (purged data of {', '.join(dropped.cases)})" if dropped.cases else ""
            typer.echo(f"  dropped {dropped.what}{cases}")
        if result.stashes_carried:
            typer.echo(f"  {result.stashes_carried} stash entry(ies) carried over (git stash list)")
        for ref in result.deleted_refs:
            typer.echo(f"  deleted {ref}: it held the old history")
        for path in result.saved:
            typer.echo(f"  saved work that holds no purged data: {path} (apply it with `git apply` or `git am`)")
        for branch in result.conflict_branches:
            typer.echo(f"  branch {branch}: your commits do not fit on the new history; they are saved above and the branch now starts at {remote}")
        typer.echo("  reflogs, COMMIT_EDITMSG, rerere records, ORIG_HEAD, FETCH_HEAD and old objects removed")
        if result.still_held:
            typer.echo(f"ekc: this clone still holds purged data in {len(result.still_held)} places: " + "; ".join(result.still_held[:10]), err=True)
        else:
            typer.echo(f"  proof: none of the {result.logged} purged ids can be read in this clone")
    elif result.conflict_cases:
        typer.echo(
            f"You and someone else both changed {', '.join(result.conflict_cases)} since your last sync, so ekc "
            "cannot combine the two versions by itself. Nothing was lost: your commits are as they were. Open the "
            "case together with your colleague, or run `git pull --rebase`, choose per file what stays, and run "
            "`ekc sync` again.", err=True)
    elif result.pushed:
        typer.echo(f"up to date with {remote}; your commits are pushed to {result.pushed}")
    else:
        typer.echo(f"up to date with {remote}")
    raise typer.Exit(1 if result.needs_a_person else 0)
