"""The corpus of bad stores (tests/corpus/, written by tests/corpus/build.py): one defect
each, on top of the valid store of tests/rulecheck.py. `ekc validate` must refuse each
with an error at the `path:line` written beside it, in words, and never crash."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from ekc.validate.pipeline import validate
from tests.rulecheck import valid_store

CORPUS = Path(__file__).parent / "corpus"
ENTRIES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected").is_file())


def test_the_corpus_is_large_enough():
    assert len(ENTRIES) >= 60


@pytest.mark.parametrize("name", ENTRIES)
def test_a_bad_store_is_refused_at_its_defect(tmp_path, name):
    root = valid_store(tmp_path / "data").write()
    overlay = CORPUS / name / "files"
    removed = CORPUS / name / "remove"
    for path in removed.read_text().split() if removed.is_file() else []:
        (root / path).unlink()
    for source in overlay.rglob("*"):
        if source.is_file():
            target = root / source.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    expected = (CORPUS / name / "expected").read_text().strip()
    findings = validate(root, date(2024, 9, 15), use_cache=False).findings
    errors = [f for f in findings if f.is_error]
    where = {f"{f.path}:{f.line}" for f in errors}
    assert expected in where, "\n".join(f"{f.path}:{f.line}:{f.column}: {f.message} [{f.code}]" for f in errors)
    for finding in errors:
        assert "datetime." not in finding.message and "^" not in finding.message, finding.message
