"""CI smoke version of bench/bench_build.py (issue 15): a regression in the per-case cost shows.

A book of the case pages alone (no notebook runs) is built with 1, then 21 synthetic new
cases; the 20 extra cases must cost well under a second each (the benchmark's goal is
0.2 s; the limit here leaves room for a busy CI machine), and their pages must be in the book.
"""
import json
import subprocess
import sys

import pytest

from analysis.paths import ROOT


@pytest.mark.slow
def test_twenty_synthetic_cases_cost_little_each(tmp_path):
    out = tmp_path / "smoke.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_build.py"), "--smoke", "--json", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    res = json.loads(out.read_text())["seconds"]
    assert res["marginal_per_case"] < 1.0, res
    assert res["plus_21"] < 3 * res["pages_only"] + 60, res


def test_synthetic_cases_are_valid_and_reproducible(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic_cases import write_cases

    from analysis.io.newcases import load_new_cases

    a = write_cases(7, tmp_path / "a", per_file=3)
    b = write_cases(7, tmp_path / "b", per_file=3)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    cases = load_new_cases(tmp_path / "a", set())
    assert list(cases["case_id"]) == [f"synthetic-{i:04d}" for i in range(7)]
