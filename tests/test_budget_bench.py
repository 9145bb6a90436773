"""The benchmark's store generator writes a store `ekc validate` accepts, so the figures in
bench/RESULTS.md are measured on valid data (a generator that rots would measure errors)."""

import importlib.util
from datetime import date
from pathlib import Path

import ekc
from ekc.budget.check import check_budget
from ekc.store.loader import load
from ekc.validate.pipeline import validate

BENCH = Path(ekc.__file__).resolve().parents[1] / "bench" / "budget_bench.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("budget_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_store_is_valid_and_has_the_contracts_asked(tmp_path):
    bench = _bench_module()
    root = tmp_path / "store"
    bench.generate(root, cases=120, contracts=40, seed=3)
    report = validate(root, bench.TODAY, use_cache=False)
    assert report.errors == []
    store = load(root, use_cache=False).store
    assert len(store.cases) == 120
    assert sum(len(m.contracts) for m in store.municipalities.values()) == 40
    assert any(not m.contracts for m in store.municipalities.values())
    result = check_budget(store.municipalities, [f.case for f in store.cases.values()], date(2025, 6, 30), year=2024)
    assert sum(u.starts for u in result.contracts) > 0
