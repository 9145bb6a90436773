"""`ekc purge` refuses in ekc's own source repository: its sample data is fictional, and a
purge there would rewrite the history of the code."""

from pathlib import Path

from typer.testing import CliRunner

from ekc.cli.app import app
from ekc.purge.own_source import names_ekc, own_source_root
from tests.support.git import CI_INSTALL, WORKTREE, commit_all, git, out


def test_a_clone_of_ekc_itself_is_refused_and_left_as_it_was(tmp_path):
    clone = tmp_path / "ekc"
    git(tmp_path, "clone", "-q", str(WORKTREE), str(clone))
    head, refs = out(clone, "rev-parse", "HEAD"), out(clone, "for-each-ref")
    for args in (["purge", "--yes"], ["purge", "--dry-run"]):
        result = CliRunner().invoke(app, ["--data", str(clone), "--today", "2030-01-01", *args])
        assert result.exit_code == 1, result.output
        assert "ekc's own source repository" in result.stderr
        assert "fictional" in result.stderr and "ekc init" in result.stderr
    assert out(clone, "rev-parse", "HEAD") == head and out(clone, "for-each-ref") == refs
    assert out(clone, "status", "--porcelain") == ""


def test_the_data_in_a_subfolder_of_ekc_is_refused_too(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "ekc"\nversion = "0.1.0"\n')
    data = tmp_path / "examples" / "data"
    data.mkdir(parents=True)
    (data / "municipalities.yaml").write_text("regions: []\nmunicipalities: []\n")
    git(tmp_path, "init", "-q")
    commit_all(tmp_path, "source")
    assert own_source_root(data.resolve()) == tmp_path.resolve()


def test_a_data_repository_is_not_ekc(tmp_path):
    data = tmp_path / "data"
    assert CliRunner().invoke(app, ["init", str(data), "--install", CI_INSTALL]).exit_code == 0
    assert own_source_root(data) is None
    result = CliRunner().invoke(app, ["--data", str(data), "purge", "--dry-run"])
    assert result.exit_code == 0, result.output


def test_only_a_pyproject_naming_ekc_counts(tmp_path):
    path = tmp_path / "pyproject.toml"
    for text, expected in (
        ('[project]\nname = "ekc"\n', True),
        ('[project]\nname = "EKC"\n', True),
        ('[project]\nname = "ekc-tools"\n', False),
        ('[tool.x]\nname = "ekc"\n', False),
        ("not toml = = =", False),
    ):
        path.write_text(text)
        assert names_ekc(path) is expected, text
    assert names_ekc(tmp_path / "missing.toml") is False
