"""The results memo (analysis.stats.memo): a hit returns exactly what a computation returns,
the key follows the arguments and the code, and a second run of the statistics pages'
published computations is answered entirely from the memo (what makes adding a case cheap)."""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.paths import ROOT
from analysis.stats import memo, sensitivity as sens
from analysis.stats.variables import model_frame, synthetic_cases


@pytest.fixture()
def fresh_memo(tmp_path, monkeypatch):
    monkeypatch.setenv(memo.ENV, str(tmp_path / "results"))
    memo._memory.cache_clear()
    yield tmp_path / "results"
    memo._memory.cache_clear()


def _frame(seed=3, n=40):
    return model_frame(synthetic_cases(n, seed=seed))


def test_hit_equals_computation_and_key_follows_arguments(fresh_memo):
    frame = _frame()
    kw = dict(outcomes=("product", "process"), n_draws=20, seed=5)
    before = dict(memo.COUNTS)
    first = sens.coefficient_stability(frame, **kw)
    second = sens.coefficient_stability(frame, **kw)
    assert memo.COUNTS["misses"] - before["misses"] == 1
    assert memo.COUNTS["hits"] - before["hits"] == 1
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(second, sens.coefficient_stability.uncached(frame, **kw))
    # another seed, or one changed case, is another key
    other = sens.coefficient_stability(frame, **{**kw, "seed": 6})
    changed = frame.copy()
    changed.iloc[0, changed.columns.get_loc("upgrading_product")] = np.nan
    sens.coefficient_stability(changed, **kw)
    assert memo.COUNTS["misses"] - before["misses"] == 3
    assert not other.equals(first)


def test_off_computes_and_writes_nothing(fresh_memo, monkeypatch):
    monkeypatch.setenv(memo.ENV, "off")
    before = dict(memo.COUNTS)
    sens.coefficient_stability(_frame(), outcomes=("product",), n_draws=5, seed=1)
    assert memo.COUNTS == before
    assert not fresh_memo.exists()


def test_code_version_names_the_folder_and_old_versions_are_removed(fresh_memo, monkeypatch):
    stale = fresh_memo / "0123456789abcdef"
    stale.mkdir(parents=True)
    sens.coefficient_stability(_frame(), outcomes=("product",), n_draws=5, seed=1)
    assert {p.name for p in fresh_memo.iterdir()} == {memo.code_version()}
    # the version changes with the statistics code
    memo.code_version.cache_clear()
    real = memo.code_version()
    monkeypatch.setattr(memo, "CODE_FILES", memo.CODE_FILES[1:])
    memo.code_version.cache_clear()
    assert memo.code_version() != real
    memo.code_version.cache_clear()


def test_nested_cached_calls_compute_directly(fresh_memo):
    """verdict_stability runs assess_table93 per draw: those inner calls must not be memoised."""
    from analysis.io.data import load_book_data
    from analysis.report.regression_pages import analysis_frame
    data = load_book_data()
    before = dict(memo.COUNTS)
    sens.verdict_stability(analysis_frame(data.cases), data.table_9_3, n_draws=3, n_perm=99, n_boot=49, seed=1)
    assert memo.COUNTS["misses"] - before["misses"] == 1
    assert memo.COUNTS["hits"] == before["hits"]


SCRIPT = """
import json, sys
from analysis.io import extended as ext
from analysis.io.data import open_book_data
from analysis.report import regression_page, table93_page
from analysis.report.present import Page
from analysis.stats import memo, models
from analysis.stats.variables import SECTORS
data = open_book_data()
cases, xc, new = ext.load_samples("", data)
reg = regression_page.prepare(cases, new, outcomes=list(models.OUTCOMES), sectors=list(SECTORS), seed=7,
                              n_perm=199, n_boot=99, ols_p="t", ordered_se="oim", case_set="published")
page = Page("regression", root=sys.argv[1])
regression_page.seeds_section(page, reg, seed=7, check_seeds="1,2", n_perm=199, n_boot=99)
regression_page.influence_section(page, reg)
s = table93_page.Settings(seed=7, n_perm=199, n_boot=99, alpha=0.1, neutral_band=0.3, n_draws=5, recode_prob=0.2,
                          recode_step=1.0, sens_n_perm=99, sens_n_boot=49, coef_alpha=0.05)
p = table93_page.prepare(cases, data, xc, new, s)
t93 = Page("table93", root=sys.argv[1])
table93_page.sensitivity_changes_section(t93, p)
table93_page.verdict_stability_section(t93, p)
table93_page.coefficient_stability_sections(t93, p)
print(json.dumps(memo.COUNTS))
"""


@pytest.mark.slow
def test_second_run_of_the_statistics_pages_is_answered_from_the_memo(fresh_memo, tmp_path):
    """Each run is a fresh process, as two builds are: the second must compute nothing. This
    fails if a memo key is made of results that do not hash alike after a round trip."""
    counts = []
    for i in range(2):
        out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / f"downloads{i}")], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        counts.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert counts[0]["misses"] > 0
    assert counts[1] == {"hits": counts[0]["misses"] + counts[0]["hits"], "misses": 0}


def test_the_build_points_kernels_at_its_own_memo_and_a_clean_build_empties_it(tmp_path, monkeypatch):
    from analysis.book.build import results_memo
    monkeypatch.delenv(memo.ENV, raising=False)
    kept = tmp_path / "results" / "abc"
    kept.mkdir(parents=True)
    with results_memo(tmp_path, use_cache=True):
        assert os.environ[memo.ENV] == str(tmp_path / "results")
        assert kept.exists()  # a cached build reuses earlier draws
    assert memo.ENV not in os.environ
    with results_memo(tmp_path, use_cache=False):
        assert not kept.exists()  # --no-cache recomputes every draw
    monkeypatch.setenv(memo.ENV, "off")
    with results_memo(tmp_path, use_cache=False):
        assert os.environ[memo.ENV] == "off"  # the user's choice stands
