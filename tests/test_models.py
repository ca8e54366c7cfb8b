"""Regression models: planted effects recovered, no effect found where none was planted,
determinism, and refusal of models that cannot be estimated."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel

from analysis.stats.models import (ModelResult, fit_models, fit_ols, fit_ordered, ols_hc3_batch,
    ordinal_separation, permutation_pvalues, regression_table, to_html, to_latex)
from analysis.stats.variables import model_frame, synthetic_cases


def frame_from(y, **cols) -> pd.DataFrame:
    """A minimal model frame: case ids, an outcome and the given regressors."""
    n = len(y)
    return pd.DataFrame({"case_id": [f"c{i}" for i in range(n)], "name": "", "sector": "traditional",
                         "upgrading_product": np.asarray(y, dtype=float),
                         **{k: np.asarray(v, dtype=float) for k, v in cols.items()}})


def planted(n=200, beta=0.8, seed=1):
    rng = np.random.default_rng(seed)
    ce = rng.integers(1, 4, n).astype(float)
    z = rng.integers(0, 2, n).astype(float)
    y = beta * ce + rng.normal(0, 0.5, n)
    return frame_from(y, ce_ordinal=ce, global_qh=z)


# ----------------------------------------------------------------- cross-checks with statsmodels

def test_batch_hc3_matches_statsmodels():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(40), rng.normal(size=(40, 3))])
    Y = rng.normal(size=(40, 5)) * (1 + np.abs(X[:, [1]]))          # heteroskedastic
    B, S = ols_hc3_batch(X, Y)
    for m in range(5):
        ref = sm.OLS(Y[:, m], X).fit(cov_type="HC3")
        np.testing.assert_allclose(B[:, m], ref.params, atol=1e-12)
        np.testing.assert_allclose(S[:, m], ref.bse, atol=1e-12)


@pytest.mark.parametrize("distr", ["logit", "probit"])
def test_ordered_fit_matches_stock_ordered_model(distr):
    """The fast link functions must not change the estimates of statsmodels' OrderedModel."""
    frame = model_frame(synthetic_cases(150, seed=4))
    res = fit_ordered(frame, "product", ["ce_ordinal", "global_qh"], distr=distr)
    y = frame["upgrading_product"].to_numpy()
    stock = OrderedModel(y, frame[["ce_ordinal", "global_qh"]], distr=distr)
    ref = stock.fit(method="bfgs", disp=False, maxiter=2000, cov_type="HC0")
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy()[:2], rtol=1e-4)
    # the sandwich reported alongside carries Stata's n/(n-1) scaling: HC0 times sqrt(n/(n-1))
    n = res.n
    np.testing.assert_allclose(res.bse_robust.to_numpy(), ref.bse.to_numpy()[:2] * np.sqrt(n / (n - 1)),
                               rtol=1e-3)
    # the reported (model-based) SEs: inverse of the stock model's own numerical Hessian at the optimum
    from statsmodels.tools.numdiff import approx_hess3
    H = approx_hess3(ref.params.to_numpy(), stock.loglike)
    oim = np.sqrt(np.diag(np.linalg.inv(-H)))[:2]
    np.testing.assert_allclose(res.bse.to_numpy(), oim, rtol=1e-3)


# ----------------------------------------------------------------- planted effect recovered

def test_ols_recovers_planted_effect():
    res = fit_ols(planted(), "product", ["ce_ordinal", "global_qh"], n_perm=999, n_boot=999, seed=3)
    assert res.estimable and res.n == 200
    lo, hi = res.conf_int.loc["ce_ordinal"]
    assert lo < 0.8 < hi
    blo, bhi = res.boot_ci.loc["ce_ordinal"]
    assert blo < 0.8 < bhi
    assert res.perm_pvalues["ce_ordinal"] <= 0.002          # 1/1000 is the smallest possible
    assert res.pvalues["ce_ordinal"] < 1e-6
    assert res.perm_pvalues["global_qh"] > 0.01              # nothing planted on global_qh


def test_ordered_logit_recovers_direction_of_planted_effect():
    frame = model_frame(synthetic_cases(300, seed=5, ce_effect=0.8))
    res = fit_ordered(frame, "product", ["ce_ordinal", "global_qh"], distr="logit")
    assert res.estimable and res.params["ce_ordinal"] > 0 and res.pvalues["ce_ordinal"] < 1e-6
    assert res.conf_int.loc["global_qh", "lower"] < 0 < res.conf_int.loc["global_qh", "upper"]
    assert res.fit_stat_name.startswith("McFadden") and 0 < res.fit_stat < 1


# ----------------------------------------------------------------- nothing found where nothing planted

def test_no_effect_in_a_seeded_null_case():
    rng = np.random.default_rng(11)
    frame = frame_from(rng.normal(size=30), ce_ordinal=rng.integers(1, 4, 30))
    res = fit_ols(frame, "product", ["ce_ordinal"], n_perm=999, n_boot=0, seed=0)
    assert res.perm_pvalues["ce_ordinal"] > 0.10


@pytest.mark.parametrize("method", ["outcome", "freedman_lane"])
def test_permutation_rejection_rate_under_the_null(method):
    """Over 200 seeded null data sets the 5% test rejects between 1% and 10% of the time."""
    rng = np.random.default_rng(2024)
    rejections = 0
    for rep in range(200):
        n = 30
        x = rng.integers(1, 4, n).astype(float)
        X = np.column_stack([np.ones(n), x])
        y = rng.normal(size=n)
        p = permutation_pvalues(X, y, n_perm=199, seed=rep, method=method)
        rejections += p[1] < 0.05
    assert 0.01 <= rejections / 200 <= 0.10


def test_freedman_lane_null_with_a_strong_correlated_nuisance():
    """The default scheme tests a coefficient given the others: a strong nuisance
    effect correlated with the tested regressor must not create rejections."""
    rng = np.random.default_rng(99)
    rejections = 0
    for rep in range(200):
        n = 30
        nuisance = rng.normal(size=n)
        tested = 0.7 * nuisance + rng.normal(size=n)
        X = np.column_stack([np.ones(n), tested, nuisance])
        y = 2.0 * nuisance + rng.normal(size=n) * (1 + np.abs(nuisance))   # heteroskedastic too
        p = permutation_pvalues(X, y, n_perm=199, seed=rep)
        rejections += p[1] < 0.05
    assert 0.01 <= rejections / 200 <= 0.10


# ----------------------------------------------------------------- determinism

def test_tables_are_byte_identical_for_the_same_seed_and_differ_for_another():
    frame = model_frame(synthetic_cases(40, seed=7, missing_rate=0.05))
    kw = dict(n_perm=199, n_boot=199, kinds=("ols", "ologit"))
    a = regression_table(fit_models(frame, seed=5, **kw))
    b = regression_table(fit_models(frame, seed=5, **kw))
    c = regression_table(fit_models(frame, seed=6, **kw))
    assert to_latex(a) == to_latex(b) and to_html(a) == to_html(b)
    assert a.to_csv() == b.to_csv()
    assert to_latex(a) != to_latex(c)          # the seed reaches the permutation p-values


# ----------------------------------------------------------------- refusals

def test_constant_outcome_is_not_estimable():
    frame = frame_from(np.full(20, 2.0), ce_ordinal=np.tile([1, 2, 3, 1], 5))
    for res in (fit_ols(frame, "product", ["ce_ordinal"]), fit_ordered(frame, "product", ["ce_ordinal"])):
        assert not res.estimable and "no variation in the outcome" in res.reason
        assert regression_table([res]).loc[("note", ""), ("product", res.kind == "ols" and "OLS"
                                                          or "Ordered logit")] == res.reason


def test_perfect_separation_refuses_ordered_but_not_ols():
    x = np.array([1, 1, 1, 2, 2, 2, 3, 3, 3, 1, 2, 3], dtype=float)
    z = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1], dtype=float)
    y = np.where(x == 3, 3.0, np.where(z == 1, 1.0, 0.5)) + 0 * x   # x = 3 <=> top category
    frame = frame_from(y, ce_ordinal=x, global_qh=z)
    res = fit_ordered(frame, "product", ["ce_ordinal", "global_qh"], distr="logit")
    assert not res.estimable and "separation" in res.reason
    assert fit_ols(frame, "product", ["ce_ordinal", "global_qh"], n_perm=0, n_boot=0).estimable


def test_separation_lp_on_hand_examples():
    codes = np.array([0, 0, 1, 1])
    assert ordinal_separation(codes, np.array([[0.0], [1.0], [2.0], [3.0]]), ["x"]) == ["x"]
    assert ordinal_separation(codes, np.array([[0.0], [2.0], [1.0], [3.0]]), ["x"]) == []
    # quasi-complete: a tie across the boundary still separates
    assert ordinal_separation(codes, np.array([[0.0], [1.0], [1.0], [2.0]]), ["x"]) == ["x"]
    # three categories, overlap only between the two lower ones: still no separation
    codes3 = np.array([0, 0, 1, 1, 2, 2])
    assert ordinal_separation(codes3, np.array([[0.0], [2.0], [1.0], [3.0], [2.5], [1.5]]), ["x"]) == []


def test_singular_design_too_few_cases_and_leverage_one():
    rng = np.random.default_rng(0)
    x = rng.normal(size=20)
    y = rng.normal(size=20)
    res = fit_ols(frame_from(y, a=x, b=2 * x + 1), "product", ["a", "b"])
    assert not res.estimable and res.reason.startswith("singular design") and "b" in res.reason
    res = fit_ols(frame_from(y[:5], a=x[:5]), "product", ["a"])
    assert not res.estimable and res.reason.startswith("too few cases")
    lone = np.zeros(20)
    lone[7] = 1.0
    res = fit_ols(frame_from(y, a=x, d=lone), "product", ["a", "d"])
    assert not res.estimable and "leverage 1" in res.reason and "c7" in res.reason


def test_constant_regressor_is_dropped_and_reported():
    rng = np.random.default_rng(1)
    frame = frame_from(rng.normal(size=20), a=rng.normal(size=20), s=np.zeros(20))
    res = fit_ols(frame, "product", ["a", "s"], n_perm=0, n_boot=0)
    assert res.estimable and "s" not in res.params.index and "s" in res.dropped_regressors
    assert "s dropped" in regression_table([res]).loc[("note", ""), ("product", "OLS")]


def test_missing_values_drop_cases_listwise_with_reasons():
    frame = planted(n=30)
    frame.loc[[3, 4], "ce_ordinal"] = np.nan
    res = fit_ols(frame, "product", ["ce_ordinal", "global_qh"], n_perm=0, n_boot=0)
    assert res.n == 28
    assert res.dropped_cases["case_id"].tolist() == ["c3", "c4"]
    assert set(res.dropped_cases["missing"]) == {"ce_ordinal"}


# ----------------------------------------------------------------- presentation

def hand_result(kind="ols") -> ModelResult:
    """A result with hand-set numbers, to test formatting independently of fitting."""
    idx = ["const", "ce_ordinal"] if kind == "ols" else ["ce_ordinal"]
    vals = {"const": (0.1234, 0.5, 0.8), "ce_ordinal": (0.5, 0.2, 0.012)}
    return ModelResult(outcome="product", kind=kind, regressors=("ce_ordinal",), estimable=True, n=31,
                       params=pd.Series([vals[i][0] for i in idx], index=idx),
                       bse=pd.Series([vals[i][1] for i in idx], index=idx),
                       pvalues=pd.Series([vals[i][2] for i in idx], index=idx),
                       perm_pvalues=pd.Series([np.nan, 0.03], index=idx) if kind == "ols" else None,
                       fit_stat=0.4567, fit_stat_name="R²", cov_type="HC3")


def test_regression_table_cells():
    t = regression_table([hand_result("ols"), hand_result("ologit")])
    ols, olog = ("product", "OLS"), ("product", "Ordered logit")
    assert t.loc[("ce_ordinal", "coef"), ols] == "0.500**"          # p = 0.012 -> **
    assert t.loc[("ce_ordinal", "se"), ols] == "(0.200)"
    assert t.loc[("ce_ordinal", "perm_p"), ols] == "[0.030]"
    assert t.loc[("ce_ordinal", "perm_p"), olog] == ""
    assert t.loc[("const", "coef"), ols] == "0.123" and t.loc[("const", "coef"), olog] == ""
    assert ("const", "perm_p") not in t.index                         # always empty: not shown
    assert t.loc[("n", ""), ols] == "31" and t.loc[("R² / pseudo-R²", ""), ols] == "0.457"


def test_latex_and_html_renderers():
    refused = ModelResult(outcome="sum", kind="ologit", regressors=("ce_ordinal",), estimable=False,
                          reason="separation: ce_ordinal ...", n=12)
    t = regression_table([hand_result("ols"), refused])
    tex = to_latex(t, caption="Upgrading and CE", label="tab:reg")
    assert r"\toprule" in tex and r"\bottomrule" in tex and r"\label{tab:reg}" in tex
    assert r"ce\_ordinal" in tex and r"0.500$^{**}$" in tex
    assert "separation: ce\\_ordinal" in tex
    html = to_html(t)
    import html as html_mod
    shown = html_mod.unescape(html)            # what a browser displays
    assert html.startswith("<table") and "0.500**" in shown and "separation" in shown
    # every cell went through the project's escaper (analysis.escape.html), which also encodes *
    assert "0.500&#42;&#42;" in html
