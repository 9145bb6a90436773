"""One file's verdict: its model and its findings, a pure function of (kind, path, bytes).

Because nothing else goes in, the verdict can be cached on exactly those inputs and can
never be stale: cross-file rules are not part of it (ekc/validate/pipeline.py keeps them
per case with all their inputs and judges a case again when any input changed).
"""

from typing import Any, NamedTuple

from pydantic import ValidationError

from ekc.core.findings import Finding, error
from ekc.model.kinds import MODELS
from ekc.validate.rules.case_rules import check_case
from ekc.validate.rules.comments import check_comment_contact_data
from ekc.validate.rules.cross_rules import check_case_placement
from ekc.validate.rules.personal_data import check_no_personal_data
from ekc.validate.rules.registry_rules import check_coordinators, check_municipalities
from ekc.validate.rules.types import findings_from
from ekc.store.yamlio import MAX_BYTES, MAX_REGISTRY_BYTES, locate_all, parse


class Verdict(NamedTuple):
    model: Any  # the validated model, or None when the file could not be read into one
    findings: tuple[Finding, ...]
    summary: Any = None  # CaseSummary / PersonalSummary of a case or personal model

    def without_model(self) -> "Verdict":
        """The part a warm `ekc validate` needs; case and personal models stay out of it."""
        if self.model is None or self.summary is None:
            return self
        return Verdict(None, self.findings, self.summary)


def _summary(kind: str, model: Any) -> Any:
    return model.summary() if kind in ("case", "personal") else None


# What a file or folder is wrong as, by its name or nature alone (ekc/store/files.py).
BY_NATURE = {
    "symlink": ("symlink", "this is a symbolic link; data files and folders must be plain files and folders "
                "(git stores only the link, and a link can point outside the repository): replace it with the file itself"),
    "bad-name": ("file-name", "this name is not UTF-8 (shown with \\x escapes); rename it, e.g. with `git mv`"),
    "unreadable-folder": ("read", "cannot read this folder: check its permissions"),
    "not-a-file": ("structure", "this must be a file of YAML (DATA-FORMAT.md), not a folder"),
    "not-a-folder": ("structure", "cases must be a folder holding cases/<YYYY>/<case id>/, not a file"),
}


def judge(kind: str, path: str, raw: bytes) -> Verdict:
    if kind in BY_NATURE:
        code, message = BY_NATURE[kind]
        return Verdict(None, (error(path, code, message).located(1, 1),))
    if kind == "stray":
        return Verdict(None, (error(
            path, "stray",
            "unexpected file in cases/: a case folder holds case.yaml and personal.yaml only "
            "(anything else would escape the purge of personal data)",
        ).located(1, 1),))
    parsed = parse(path, raw, MAX_BYTES if kind in ("case", "personal") else MAX_REGISTRY_BYTES)
    if not parsed.ok:
        return Verdict(None, tuple(parsed.findings))
    try:
        return _judge_parsed(kind, path, parsed)
    except RecursionError:
        # The C loader builds any depth; a recursive step after it may not cope.
        return Verdict(None, (error(path, "yaml", "nesting is too deep").located(1, 1),))


def _judge_parsed(kind: str, path: str, parsed) -> Verdict:
    findings: list[Finding] = []
    if kind == "case":
        findings.extend(check_no_personal_data(path, parsed.data))
        if "#" in parsed.text:
            findings.extend(check_comment_contact_data(path, parsed.text))
    try:
        model = MODELS[kind].model_validate(parsed.data)
    except ValidationError as exc:
        findings.extend(findings_from(path, exc))
        return Verdict(None, tuple(locate_all(parsed.text, findings)))
    findings.extend(_file_rules(kind, path, model))
    return Verdict(model, tuple(locate_all(parsed.text, findings)), _summary(kind, model))


def _file_rules(kind: str, path: str, model: Any) -> list[Finding]:
    if kind == "case":
        return [*check_case(path, model), *check_case_placement(path, model.id, model.registered_on)]
    if kind == "municipalities":
        return check_municipalities(model, path)
    if kind == "coordinators":
        return check_coordinators(model, path)
    return []


def judge_many(items: list[tuple[str, str, bytes]]) -> list[Verdict]:
    """For a worker process: a chunk at a time keeps pickling overhead low."""
    return [judge(kind, path, raw) for kind, path, raw in items]
