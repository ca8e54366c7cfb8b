"""The regression chapter against an independent re-estimation in R (replication/regressions.R).

R's numbers are stored as data in tests/results/ (written by the R script, never by the
Python code under test), so the comparison runs everywhere; where Rscript and the packages
are installed the script is also run live and compared the same way. OLS coefficients,
HC3 standard errors and t(n - k) p-values, ordered-model coefficients, model-based and
robust standard errors must agree within 1e-6; permutation p-values (different random
number generators) within Monte-Carlo error.
"""
from __future__ import annotations

import functools
import html as html_mod
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from analysis.paths import ROOT

RESULTS = ROOT / "tests" / "results"
TOL = 1e-6
N_PERM = 99_999


@pytest.fixture(scope="module")
def project():
    from analysis.io import extended as ext
    from analysis.io.data import load_book_data
    from analysis.report import regression_pages as rp
    from analysis.stats import models

    data = load_book_data()
    cases, _, _ = ext.load_samples("", data)
    run = rp.run_regressions(cases, outcomes=list(models.OUTCOMES), seed=20061, n_perm=N_PERM, n_boot=0)
    return run, rp.coefficient_rows(run.results), rp.ols_inference(run.results)


def _key(df):
    return df.assign(term=df["term"].fillna("")).set_index(["outcome", "model", "term"])


def compare_coefficients(py: pd.DataFrame, r: pd.DataFrame) -> None:
    py, r = _key(py), _key(r)
    # the same models are refused (no coefficients) on both sides
    assert set(py.index[py["coef"].isna()]) == set(r.index[r["coef"].isna()])
    est = r.index[r["coef"].notna()]
    assert set(est) == set(py.index[py["coef"].notna()])
    for col in ("n", "coef", "se", "p"):
        np.testing.assert_allclose(py.loc[est, col].to_numpy(float), r.loc[est, col].to_numpy(float),
                                   rtol=0, atol=TOL, err_msg=col)
    ordered = [k for k in est if k[1] != "OLS"]
    assert ordered, "no ordered model to compare"
    for col in ("se_robust", "p_robust"):
        np.testing.assert_allclose(py.loc[ordered, col].to_numpy(float), r.loc[ordered, col].to_numpy(float),
                                   rtol=0, atol=TOL, err_msg=col)


def compare_permutations(inf: pd.DataFrame, r: pd.DataFrame) -> None:
    m = inf.merge(r, on=["outcome", "term"], suffixes=("", "_r"))
    assert len(m) == len(r) == len(inf)
    se = np.sqrt(m["p_permutation_mc_se"] ** 2 + m["mc_se"] ** 2)
    # four combined Monte-Carlo standard errors, plus the 1/(n+1) granularity
    assert (np.abs(m["p_permutation"] - m["p_permutation_r"]) <= 4 * se + 2 / N_PERM).all(), m


def test_stored_r_results_match_the_project(project):
    _, coefs, inf = project
    compare_coefficients(coefs, pd.read_csv(RESULTS / "r_coefficients.csv"))
    compare_permutations(inf, pd.read_csv(RESULTS / "r_permutation.csv"))


def test_comparison_can_fail(project):
    """A coefficient moved by 1e-5 is caught."""
    _, coefs, _ = project
    r = pd.read_csv(RESULTS / "r_coefficients.csv")
    r.loc[r["coef"].notna().idxmax(), "coef"] += 1e-5
    with pytest.raises(AssertionError):
        compare_coefficients(coefs, r)


@functools.lru_cache(maxsize=None)  # asked once, and only when a test needs R (not at collection)
def _r_ready() -> str:
    if shutil.which("Rscript") is None:
        return "Rscript not installed (.ci/run installs r-base-core r-cran-sandwich r-cran-lmtest r-cran-mass)"
    ok = subprocess.run(["Rscript", "-e", "library(sandwich); library(lmtest); library(MASS)"],
                        capture_output=True)
    return "" if ok.returncode == 0 else "R packages sandwich, lmtest or MASS missing"


@pytest.mark.slow  # runs R (about 6 s)
def test_r_script_live(project, tmp_path):
    if _r_ready():
        pytest.skip(_r_ready())
    n_perm = 19_999      # fewer than stored, to keep the run short; the tolerance follows
    subprocess.run(["Rscript", "replication/regressions.R", str(tmp_path), str(n_perm), "7"],
                   cwd=ROOT, check=True, capture_output=True, timeout=900)
    _, coefs, inf = project
    compare_coefficients(coefs, pd.read_csv(tmp_path / "r_coefficients.csv"))
    compare_permutations(inf, pd.read_csv(tmp_path / "r_permutation.csv"))


def test_exported_strings_agree_with_r(project):
    """The CSV, LaTeX and HTML renderings of the regression table print R's numbers (rounded)."""
    run, _, _ = project
    _check_renderings(run.csv, run.latex, run.html)


def _check_renderings(csv_text: str, latex: str, html: str) -> None:
    from analysis.report.regression_pages import TERM_LABELS, column_name

    r = pd.read_csv(RESULTS / "r_coefficients.csv")
    r = r[r["coef"].notna()]
    flat = pd.read_csv(pd.io.common.StringIO(csv_text), dtype=str, keep_default_na=False)
    shown_html = html_mod.unescape(html)
    checked = 0
    for row in r.itertuples():
        col = column_name(row.outcome, row.model)
        label = TERM_LABELS[row.term]
        cell = flat[(flat["term"] == label) & (flat["statistic"] == "coef")][col].iloc[0]
        se = flat[(flat["term"] == label) & (flat["statistic"] == "se")][col].iloc[0]
        want = f"{row.coef:.3f}"
        assert cell.rstrip("*") == want, (col, label, cell, want)
        assert se == f"({row.se:.3f})"
        assert want in latex and want in shown_html
        stars = len(cell) - len(cell.rstrip("*"))
        assert stars == sum(row.p < c for c in (0.01, 0.05, 0.10)), (col, label)
        checked += 1
    assert checked >= 40


def test_built_downloads_agree_with_r(site):
    """The regression table downloads of the built book (CSV, LaTeX, HTML) and the full-precision
    coefficient CSV agree with R."""
    page = site / "chapters" / "regression.html"
    text = page.read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*_downloads[^"]*)"', text)

    def find(name):
        hits = [h for h in hrefs if h.endswith("/" + name)]
        assert hits, name
        return (page.parent / hits[0]).resolve().read_text(encoding="utf-8")

    _check_renderings(find("regression-table.csv"), find("regression-table.tex"), find("regression-table.html"))
    coefs = pd.read_csv(pd.io.common.StringIO(find("regression-coefficients.csv")))
    compare_coefficients(coefs, pd.read_csv(RESULTS / "r_coefficients.csv"))
