"""Where CI installs ekc from, and which commit of the hooks repository pre-commit checks out.

Why: a CI file that runs `pip install ekc==X` fails when no such release is on the index,
and worse, anyone could register that name there and have their code run next to the
families' data. So the source is taken from how the running ekc itself was installed
(PEP 610's `direct_url.json`): a VCS URL pinned to its commit, an archive URL, or a
release from an index. A local folder or an editable install is no source CI can reach;
then the person is asked for `--install SPEC` instead of being given a guess.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata

from ekc.core.errors import UsageProblem

COMMIT = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


@dataclass(frozen=True)
class InstallSource:
    """`requirement` is a pip requirement CI can install, or None with `why` saying why not."""

    requirement: str | None
    why: str
    commit: str | None = None  # the VCS commit, when installed from one
    vcs_url: str | None = None  # the repository, without `git+` and without a revision


def from_direct_url(name: str, version: str, direct_url: dict | None) -> InstallSource:
    """Pure: the CI install source for a distribution and its PEP 610 record (None: from an index)."""
    if direct_url is None:
        return InstallSource(f"{name}=={version}", f"{name} {version} was installed from a package index")
    url = direct_url.get("url", "")
    subdirectory = direct_url.get("subdirectory")
    fragment = f"#subdirectory={subdirectory}" if subdirectory else ""
    if "vcs_info" in direct_url:
        info = direct_url["vcs_info"]
        commit = info.get("commit_id", "")
        vcs = info.get("vcs", "git")
        if url.startswith("file:") or not COMMIT.match(commit):
            return InstallSource(None, f"{name} was installed from the {vcs} repository {url}, which CI cannot reach")
        return InstallSource(
            f"{name} @ {vcs}+{url}@{commit}{fragment}", f"{name} was installed from {url} at commit {commit}",
            commit=commit if vcs == "git" else None, vcs_url=url if vcs == "git" else None,
        )
    if "archive_info" in direct_url:
        if not url.startswith(("https://", "http://")):
            return InstallSource(None, f"{name} was installed from the file {url}, which CI cannot reach")
        hashes = direct_url["archive_info"].get("hashes") or {}
        pin = f"#sha256={hashes['sha256']}" if "sha256" in hashes else ""
        return InstallSource(f"{name} @ {url}{pin or fragment}", f"{name} was installed from {url}")
    editable = (direct_url.get("dir_info") or {}).get("editable", False)
    kind = "an editable install of the local folder" if editable else "the local folder"
    return InstallSource(None, f"{name} was installed from {kind} {url}, which CI cannot reach")


def running_install_source(name: str = "ekc") -> InstallSource:
    """How this ekc was installed, read from its distribution metadata."""
    # Only metadata an installer wrote counts: a source checkout's own `ekc.egg-info` (found
    # first when the checkout is the current folder) carries no INSTALLER and says nothing
    # about where an installed ekc came from.
    installed = [d for d in metadata.distributions(name=name) if d.read_text("INSTALLER")]
    if not installed:
        return InstallSource(None, f"{name} runs from a source folder without being installed, which CI cannot reach")
    dist = installed[0]
    text = dist.read_text("direct_url.json")
    try:
        record = json.loads(text) if text else None
    except ValueError:
        return InstallSource(None, f"{name}'s direct_url.json cannot be read")
    return from_direct_url(name, dist.version, record)


def ci_requirement(install: str | None, source: InstallSource) -> str:
    """The requirement CI runs: `--install` if given, else the running ekc's own source."""
    if install is not None:
        return install
    if source.requirement is None:
        raise UsageProblem(
            f"{source.why}, so ekc init cannot write a CI file that installs it. Give the source CI should "
            "install with --install SPEC, for example --install 'ekc @ git+https://HOST/ORG/ekc.git@COMMIT' "
            "(a commit id pins exactly what runs next to the data)"
        )
    return source.requirement


def hooks_rev(hooks_repo: str, rev: str | None, source: InstallSource, ls_remote) -> str:
    """The revision pre-commit checks out: always one that exists.

    `ls_remote(url, *patterns)` returns {ref: commit} of the remote (`git ls-remote`).
    A given 40-hex commit id is taken as it is; a given tag or branch must exist on the
    remote. Without --hooks-rev: the commit this ekc was installed from when that is the
    same repository, else the commit the remote's HEAD points at now.
    """
    if rev is not None:
        if COMMIT.match(rev):
            return rev
        refs = ls_remote(hooks_repo, f"refs/tags/{rev}", f"refs/heads/{rev}")
        if not refs:
            raise UsageProblem(f"--hooks-rev {rev}: {hooks_repo} has no tag or branch {rev}; give one it has, or a commit id")
        return rev
    if source.commit and source.vcs_url and _same_repo(source.vcs_url, hooks_repo):
        return source.commit
    refs = ls_remote(hooks_repo, "HEAD")
    commit = refs.get("HEAD")
    if not commit:
        raise UsageProblem(f"cannot read the current commit of {hooks_repo}; give --hooks-rev COMMIT")
    return commit


def _same_repo(a: str, b: str) -> bool:
    def norm(url: str) -> str:
        return url.removeprefix("git+").rstrip("/").removesuffix(".git")

    return norm(a) == norm(b)


def git_ls_remote(url: str, *patterns: str) -> dict[str, str]:
    """{ref: commit} from `git ls-remote`, through the one git layer; {} when it fails."""
    from pathlib import Path

    from ekc.store import git as git_layer

    done = git_layer.run(Path.cwd(), "ls-remote", "--", url, *patterns)
    if done.returncode != 0:
        return {}
    refs = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        commit, _, ref = line.partition("\t")
        refs[ref] = commit
    return refs
