"""The robustness checks a referee asks for, on the OLS models of the regression chapter.

* :func:`ce_categories`: collective efficiency as categories (medium and high,
  each against low) next to the linear coding 1/2/3, with a Wald test of the
  linear restriction (high − low = 2 × (medium − low)) using the HC3
  covariance and the F(1, n − k) reference distribution.
* :func:`loo_influence`: leave-one-out influence of each case on each OLS
  coefficient, exact in closed form (DFBETA: dropping case i changes β by
  ``(XᵀX)⁻¹ xᵢ eᵢ / (1 − hᵢ)``); the tests check it against refits.
* :func:`low_variation`: outcomes whose cases almost all share one value, so
  that their models say little.
* :func:`convention_changes`: every star that differs between the old
  conventions (normal reference for OLS; unscaled HC0 sandwich for the ordered
  models) and the current ones (t(n − k); model-based errors).
* :func:`seed_stability`: do the resampling conclusions (permutation-p star
  class, bootstrap interval excluding zero) change across master seeds?
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.stats

from analysis.stats import models
from analysis.stats import memo

#: an outcome is flagged when at least this share of its cases share one value
LOW_VARIATION_SHARE = 0.8


def _stars(p: float) -> str:
    return models._stars(p) if np.isfinite(p) else ""


def ce_categories(frame: pd.DataFrame, outcomes, regressors) -> pd.DataFrame:
    """For each outcome: the linear CE coefficient, the categorical ones (medium, high vs low), and
    the HC3 Wald F test of the linear restriction, with t(n − k)/F(1, n − k) p-values."""
    regressors = list(regressors)
    cat_regs = ["ce_medium", "ce_high"] + [r for r in regressors if r != "ce_ordinal"]
    rows = []
    for o in outcomes:
        lin = models.fit_ols(frame, o, regressors, n_perm=0, n_boot=0)
        cat = models.fit_ols(frame, o, cat_regs, n_perm=0, n_boot=0)
        row = {"outcome": models._short_outcome(o), "n": cat.n, "linear (per step)": np.nan,
               "p linear": np.nan, "medium vs low": np.nan, "p medium": np.nan, "high vs low": np.nan,
               "p high": np.nan, "F linearity": np.nan, "df": np.nan, "p linearity": np.nan, "note": ""}
        if lin.estimable and "ce_ordinal" in lin.params.index:
            row.update({"linear (per step)": float(lin.params["ce_ordinal"]),
                        "p linear": float(lin.pvalues["ce_ordinal"])})
        if not cat.estimable or not {"ce_medium", "ce_high"} <= set(cat.params.index):
            row["note"] = cat.reason or "a CE category has no cases"
            rows.append(row)
            continue
        prep = models.prepare(frame, o, cat_regs)
        X = prep.X.to_numpy()
        V = _hc3_cov(X, prep.y)
        names = list(prep.X.columns)
        c = np.zeros(len(names))
        c[names.index("ce_high")], c[names.index("ce_medium")] = 1.0, -2.0
        b = cat.params.to_numpy()
        diff = float(c @ b)
        F = diff ** 2 / float(c @ V @ c)
        df = cat.df_resid
        row.update({"medium vs low": float(cat.params["ce_medium"]), "p medium": float(cat.pvalues["ce_medium"]),
                    "high vs low": float(cat.params["ce_high"]), "p high": float(cat.pvalues["ce_high"]),
                    "F linearity": F, "df": df, "p linearity": float(scipy.stats.f.sf(F, 1, df))})
        rows.append(row)
    return pd.DataFrame(rows)


def _hc3_cov(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The HC3 covariance of the OLS coefficients of ``y`` on ``X``."""
    XtXi = np.linalg.inv(X.T @ X)
    e = y - X @ (XtXi @ X.T @ y)
    h = np.einsum("ij,jk,ik->i", X, XtXi, X)
    w = (e / (1 - h)) ** 2
    return XtXi @ (X.T * w) @ X @ XtXi


def dfbeta(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """n × k: the change in each coefficient when case i is left out (β₍₋ᵢ₎ − β)."""
    XtXi = np.linalg.inv(X.T @ X)
    e = y - X @ (XtXi @ X.T @ y)
    h = np.einsum("ij,jk,ik->i", X, XtXi, X)
    return -(X @ XtXi) * (e / (1 - h))[:, None]


def loo_influence(frame: pd.DataFrame, outcomes, regressors) -> pd.DataFrame:
    """For each OLS coefficient: the largest change when one case is left out, and which case."""
    rows = []
    for o in outcomes:
        prep = models.prepare(frame, o, regressors)
        if prep.reason:
            continue
        X, y = prep.X.to_numpy(), prep.y
        b = np.linalg.lstsq(X, y, rcond=None)[0]
        D = dfbeta(X, y)
        names = ["case_id", "name"]
        info = frame.loc[prep.index, [c for c in names if c in frame.columns]]
        for j, t in enumerate(prep.X.columns):
            if t == "const":
                continue
            i = int(np.argmax(np.abs(D[:, j])))
            rows.append({"outcome": models._short_outcome(o), "term": t, "n": prep.n, "coef": float(b[j]),
                         "max change": float(D[i, j]), "coef without it": float(b[j] + D[i, j]),
                         "case_id": str(prep.case_ids[i]),
                         "name": str(info.iloc[i]["name"]) if "name" in info else "",
                         "sign kept by every omission": bool(np.all(np.sign(b[j] + D[:, j]) == np.sign(b[j])))})
    return pd.DataFrame(rows)


def low_variation(frame: pd.DataFrame, outcomes, regressors, share: float = LOW_VARIATION_SHARE) -> pd.DataFrame:
    """Per outcome, in its OLS estimation sample: n, the most common value and how many cases have
    it; ``flag`` when that share is at least ``share``."""
    rows = []
    for o in outcomes:
        prep = models.prepare(frame, o, regressors, min_n=1, min_df=0)
        if prep.y is None:
            sample, _ = models.listwise(frame, [models._outcome_column(o), *regressors])
            v = sample[models._outcome_column(o)]
        else:
            v = pd.Series(prep.y)
        if v.empty:
            continue
        counts = v.value_counts()
        rows.append({"outcome": models._short_outcome(o), "n": int(len(v)), "most common value": float(counts.index[0]),
                     "cases with it": int(counts.iloc[0]), "share": float(counts.iloc[0] / len(v)),
                     "flag": bool(counts.iloc[0] / len(v) >= share)})
    return pd.DataFrame(rows)


def _old_pvalues(r: models.ModelResult) -> pd.Series:
    """The p-values under the old conventions: normal reference for OLS, HC0 sandwich (no
    small-sample scaling) for the ordered models."""
    if r.kind == "ols":
        return pd.Series(2 * scipy.stats.norm.sf(np.abs(r.params / r.bse)), index=r.params.index)
    hc0 = r.bse_robust / np.sqrt(r.robust_scale)
    return pd.Series(2 * scipy.stats.norm.sf(np.abs(r.params / hc0)), index=r.params.index)


def convention_changes(results, *, only_changed: bool = True) -> pd.DataFrame:
    """Each coefficient whose star differs between the old and the current conventions."""
    rows = []
    for r in results:
        if not r.estimable:
            continue
        old = _old_pvalues(r)
        for t in r.params.index:
            if t == "const":
                continue
            so, sn = _stars(float(old[t])), _stars(float(r.pvalues[t]))
            if only_changed and so == sn:
                continue
            rows.append({"outcome": r.outcome, "model": models.KINDS[r.kind], "term": t,
                         "coef": float(r.params[t]), "p old": float(old[t]), "stars old": so or "none",
                         "p new": float(r.pvalues[t]), "stars new": sn or "none",
                         "why": ("t(n − k) instead of the normal reference" if r.kind == "ols"
                                 else "model-based (OIM) instead of HC0 sandwich SE")})
    return pd.DataFrame(rows, columns=["outcome", "model", "term", "coef", "p old", "stars old", "p new",
                                       "stars new", "why"])


def _conclusions(results) -> dict:
    """(outcome, term) -> (permutation-p star class, bootstrap interval excludes zero)."""
    return {(s["result"].outcome, s["term"]): (_stars(s["p_permutation"]), bool(s["boot_low"] > 0 or s["boot_high"] < 0))
            for s in models.ols_slopes(results)}


@memo.cached
def seed_stability(frame: pd.DataFrame, outcomes, regressors, seeds, *, n_perm: int, n_boot: int) -> pd.DataFrame:
    """One row per master seed: how many OLS coefficients change their permutation-p star class or
    whether their bootstrap interval excludes zero, compared with the first seed.

    The first seed's fit is redone here rather than passed in: a memo key made of fitted results
    would differ between results just computed and the same results read back from the memo."""
    seeds = list(seeds)
    base = models.fit_models(frame, outcomes=tuple(outcomes), kinds=("ols",), regressors=regressors,
                             n_perm=n_perm, n_boot=n_boot, seed=seeds[0])
    ref = _conclusions(base)
    rows = [{"seed": seeds[0], "coefficients": len(ref), "permutation star changed": 0,
             "bootstrap excludes-zero changed": 0, "changed": ""}]
    for s in seeds[1:]:
        res = models.fit_models(frame, outcomes=tuple(outcomes), kinds=("ols",), regressors=regressors,
                                n_perm=n_perm, n_boot=n_boot, seed=s)
        cur = _conclusions(res)
        star = [k for k in ref if k in cur and cur[k][0] != ref[k][0]]
        boot = [k for k in ref if k in cur and cur[k][1] != ref[k][1]]
        rows.append({"seed": s, "coefficients": len(cur), "permutation star changed": len(star),
                     "bootstrap excludes-zero changed": len(boot),
                     "changed": "; ".join(f"{o} {t}" for o, t in dict.fromkeys(star + boot))})
    return pd.DataFrame(rows)
