"""Robustness checks of the regression page: DFBETA against refits, the linearity test against
statsmodels' own Wald test, the low-variation flag, and the convention-change list."""
import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.stats import models, robustness as rb
from analysis.stats.variables import model_frame, synthetic_cases

REGS = ["ce_ordinal", "global_qh"]


def frame():
    return model_frame(synthetic_cases(60, seed=3))


def test_dfbeta_equals_refits():
    f = frame()
    prep = models.prepare(f, "product", REGS)
    X, y = prep.X.to_numpy(), prep.y
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    D = rb.dfbeta(X, y)
    for i in (0, 7, len(y) - 1):
        bi = np.linalg.lstsq(np.delete(X, i, 0), np.delete(y, i), rcond=None)[0]
        np.testing.assert_allclose(D[i], bi - b, atol=1e-10)


def test_linearity_test_matches_statsmodels_wald():
    f = frame()
    out = rb.ce_categories(f, ["product"], REGS).iloc[0]
    prep = models.prepare(f, "product", ["ce_medium", "ce_high", "global_qh"])
    res = sm.OLS(prep.y, prep.X).fit(cov_type="HC3", use_t=True)
    w = res.wald_test("ce_high - 2*ce_medium = 0", scalar=True, use_f=True)
    np.testing.assert_allclose(out["F linearity"], float(w.statistic), rtol=1e-10)
    np.testing.assert_allclose(out["p linearity"], float(w.pvalue), rtol=1e-10)


def test_low_variation_flag():
    f = frame()
    f["upgrading_intersectoral"] = 0.0
    f.loc[f.index[:3], "upgrading_intersectoral"] = 1.0
    low = rb.low_variation(f, ["product", "intersectoral"], REGS).set_index("outcome")
    assert bool(low.loc["intersectoral", "flag"]) and not bool(low.loc["product", "flag"])
    n = low.loc["intersectoral", "n"]
    assert low.loc["intersectoral", "cases with it"] == n - 3


def test_convention_changes_use_normal_and_hc0_for_the_old_side():
    f = frame()
    r = models.fit_ols(f, "product", REGS, n_perm=0, n_boot=0)
    old = rb._old_pvalues(r)
    ref = sm.OLS(models.prepare(f, "product", REGS).y, models.prepare(f, "product", REGS).X).fit(cov_type="HC3")
    np.testing.assert_allclose(old.to_numpy(), ref.pvalues, rtol=1e-10)
    assert (r.pvalues > old).all()           # t(n - k) is wider than the normal
    table = rb.convention_changes([r], only_changed=False)
    assert len(table) == 2 and set(table["why"]) == {"t(n − k) instead of the normal reference"}
