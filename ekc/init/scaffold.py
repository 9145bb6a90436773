"""The files of a new data repository: data files, README, checks, editor support.

Pure: returns path -> text; `ekc init` writes them and makes the first commit. The CI
files, the hook configuration and the editor settings are written here once and then
belong to the data repository's maintainers.
"""

from __future__ import annotations

import json
from importlib import resources

import ekc
from ekc.core.errors import UsageProblem
from ekc.init.schema import FILES, schema_file_name
from ekc.model.kinds import ROOT_FILES

SCHEMA_FOLDER = "schemas"
ROOT_DATA_FILES = ROOT_FILES


def template(name: str) -> str:
    return resources.files("ekc.init").joinpath(f"templates/{name}").read_text(encoding="utf-8")


def schema_header(path: str) -> str:
    """The modeline the YAML language server reads; relative to the file's folder."""
    kind = ROOT_DATA_FILES[path]
    return f"# yaml-language-server: $schema=./{SCHEMA_FOLDER}/{schema_file_name(kind)}\n"


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _checked(option: str, value: str) -> str:
    if not value.strip() or any(c in value for c in "\"'\n\r\\`$"):
        raise UsageProblem(f"{option} {value!r}: give a plain package requirement or URL, without quotes, $ or backslashes")
    return value.strip()


def scaffold_files(install: str, hooks_repo: str | None = None, hooks_rev: str | None = None) -> dict[str, str]:
    """`install` is the pip requirement CI runs and `hooks_rev` the pinned revision of
    `hooks_repo`: both decided by ekc/init/install_source.py, never guessed here."""
    from ekc.init.schema_files import schema_texts

    if hooks_rev and not hooks_repo:
        raise UsageProblem("--hooks-rev needs --hooks-repo")
    if hooks_repo and not hooks_rev:
        raise UsageProblem("--hooks-repo needs a revision that exists in it")
    values = {
        "EKC_INSTALL": _checked("--install", install),
        "VERSION": ekc.__version__,
    }
    files = {path: schema_header(path) + template(path) for path in ROOT_DATA_FILES}
    files["README.md"] = _fill(template("README.md"), values)
    files[".github/workflows/ekc-validate.yml"] = _fill(template("github-workflow.yml"), values)
    files[".gitlab-ci.yml"] = _fill(template("gitlab-ci.yml"), values)
    files["ci/validate-history.sh"] = template("validate-history.sh")
    if hooks_repo:
        values["HOOKS_REPO"] = _checked("--hooks-repo", hooks_repo)
        values["HOOKS_REV"] = _checked("--hooks-rev", hooks_rev)
        files[".pre-commit-config.yaml"] = _fill(template("pre-commit-remote.yaml"), values)
    else:
        files[".pre-commit-config.yaml"] = template("pre-commit-local.yaml")
    for name, text in schema_texts().items():
        files[f"{SCHEMA_FOLDER}/{name}"] = text
    files[".vscode/settings.json"] = json.dumps({"yaml.schemas": editor_schema_map()}, indent=2) + "\n"
    files[".vscode/extensions.json"] = json.dumps({"recommendations": ["redhat.vscode-yaml"]}, indent=2) + "\n"
    return files


def editor_schema_map() -> dict[str, list[str]]:
    """`yaml.schemas` of the YAML extension: schema file -> the files it describes."""
    return {f"./{SCHEMA_FOLDER}/{schema_file_name(kind)}": [glob] for kind, (_, glob) in FILES.items()}
