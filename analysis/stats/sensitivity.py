"""How fragile are the regressions and the Table 9.3 verdicts?

Two perturbations of the case data:

*Leave one case out.* Each case of the estimation sample (of a regression, or
of a sector for a Table 9.3 cell) is removed in turn and everything is
re-estimated. The result names the cases whose removal flips a sign, a
significance call or a verdict.

*Random recoding of the scores.* The upgrading scores are judgements read from
the case studies; a different reader could score a case one step higher or
lower. In each of ``n_draws`` draws every published score independently moves
with probability ``prob`` (default 0.2) by ``step`` (default 1.0, one point of
the 0-3 scale; 0.5 is the finest printed step) up or down with equal chance,
and is clipped to 0-3 (so scores at the ends can only move inwards). Missing
scores stay missing, the sum is recomputed from the recoded components, and
CE degrees and governance codes are left as coded. Draws are seeded.

Reported shares are over the draws (or omitted cases) in which the quantity is
defined. "Significant" means a robust (HC3) p-value below ``alpha`` for the
regressions, and the Table 9.3 readings of :mod:`analysis.stats.pattern_tests`.

Vectorisation: with recoding the design of each regression is fixed, so all
draws go through one QR decomposition (:class:`analysis.stats.models.Hc3Batch`);
each Table 9.3 cell computes its statistics for all draws at once, sharing
permutations and bootstrap resamples.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as t_dist

from analysis.stats.models import DEFAULT_REGRESSORS, OUTCOMES, Hc3Batch, fit_ols, prepare
from analysis.stats.pattern_tests import (ALPHA, BLOCKS, CI_LEVEL, MIN_N, NEUTRAL_BAND, NOT_TESTABLE,
    assess_cell, cell_rng, cell_sample, cell_statistics, expectation, tested_labels, verdict_direction,
    verdict_strict)
from analysis.stats import memo
from analysis.stats.variables import SCORE_MAX, SCORE_MIN, UPGRADING_COLUMNS

RECODE_STEP = 1.0
RECODE_PROB = 0.2
N_DRAWS = 200
# fewer permutations/resamples than the main analysis: the question here is whether a verdict
# moves, and each draw repeats the whole test
SENS_N_PERM = 999
SENS_N_BOOT = 499


def recode_draws(frame: pd.DataFrame, *, step: float = RECODE_STEP, prob: float = RECODE_PROB,
                 n_draws: int = N_DRAWS, seed: int = 0) -> dict[str, np.ndarray]:
    """Recoded upgrading scores: ``{column: n_draws × n_cases array}``, including ``upgrading_sum``.

    Row d of every array belongs to the same draw d, so a draw is a complete
    alternative data set.
    """
    if not 0 <= prob <= 1:
        raise ValueError("prob must lie in [0, 1]")
    rng = np.random.default_rng([seed, 3])
    out = {}
    for col in UPGRADING_COLUMNS:
        v = frame[col].to_numpy(dtype=float)
        moves = rng.random((n_draws, len(v))) < prob
        sign = np.where(rng.random((n_draws, len(v))) < 0.5, -1.0, 1.0)
        out[col] = np.clip(v + moves * sign * step, SCORE_MIN, SCORE_MAX)   # NaN stays NaN
    out["upgrading_sum"] = sum(out[c] for c in UPGRADING_COLUMNS)          # NaN propagates
    return out


def _positions(frame: pd.DataFrame, index: pd.Index) -> np.ndarray:
    return frame.index.get_indexer(index)


# --------------------------------------------------------------------------- regressions

def _base_fit(frame: pd.DataFrame, outcome: str, regressors, rows: list, use_t: bool = True):
    """The published-data OLS fit and its design for ``outcome``; when the model cannot be
    estimated, a row saying why is appended to ``rows`` and ``(None, None)`` returned."""
    base = fit_ols(frame, outcome, regressors, n_perm=0, n_boot=0, use_t=use_t)
    if not base.estimable:
        rows.append({"outcome": base.outcome, "term": "", "note": base.reason})
        return None, None
    return base, prepare(frame, outcome, regressors)


@memo.cached
def coefficient_stability(frame: pd.DataFrame, *, outcomes=tuple(OUTCOMES),
                          regressors=DEFAULT_REGRESSORS, step: float = RECODE_STEP,
                          prob: float = RECODE_PROB, n_draws: int = N_DRAWS, seed: int = 0,
                          alpha: float = 0.05, use_t: bool = True) -> pd.DataFrame:
    """Under random recoding: how often each OLS coefficient keeps its sign and its significance.

    One row per (outcome, term). A draw whose recoded outcome does not vary is
    not counted (``n_draws_valid``).
    """
    draws = recode_draws(frame, step=step, prob=prob, n_draws=n_draws, seed=seed)
    rows = []
    for o in outcomes:
        base, prep = _base_fit(frame, o, regressors, rows, use_t)
        if base is None:
            continue
        Y = draws[OUTCOMES.get(o, o)][:, _positions(frame, prep.index)]
        valid = np.ptp(Y, axis=1) > 0
        B, S = Hc3Batch(prep.X.to_numpy()).fit_rows(Y[valid])
        with np.errstate(all="ignore"):
            # the page's convention: t with n - k degrees of freedom (normal with use_t=False)
            df = prep.X.shape[0] - prep.X.shape[1]
            P = 2 * (t_dist.sf(np.abs(B / S), df) if use_t else norm.sf(np.abs(B / S)))
        for j, term in enumerate(prep.X.columns):
            if term == "const":
                continue
            b0, sig0 = base.params[term], base.pvalues[term] < alpha
            sign_kept = np.sign(B[:, j]) == np.sign(b0)
            sig_kept = (P[:, j] < alpha) == sig0
            rows.append({"outcome": base.outcome, "term": term, "coef": b0,
                         "p": base.pvalues[term], "significant": bool(sig0),
                         "share_sign_kept": sign_kept.mean(), "share_significance_kept": sig_kept.mean(),
                         "share_both_kept": (sign_kept & sig_kept).mean(),
                         "n_draws_valid": int(valid.sum()), "note": ""})
    return pd.DataFrame(rows)


@memo.cached
def loo_coefficients(frame: pd.DataFrame, *, outcomes=tuple(OUTCOMES), regressors=DEFAULT_REGRESSORS,
                     alpha: float = 0.05, use_t: bool = True) -> pd.DataFrame:
    """Leave one case out: how often each OLS coefficient keeps sign and significance, and who flips it.

    A refit that is not estimable, or that drops the term (no variation left),
    counts as not keeping it. ``flipped_by`` lists the cases whose removal
    changes the sign or the significance call.
    """
    rows = []
    for o in outcomes:
        base, prep = _base_fit(frame, o, regressors, rows, use_t)
        if base is None:
            continue
        terms = [t for t in base.params.index if t != "const"]
        kept = {t: [] for t in terms}
        flips = {t: [] for t in terms}
        n_est = 0
        for label, cid in zip(prep.index, prep.case_ids):
            r = fit_ols(frame.drop(index=label), o, regressors, n_perm=0, n_boot=0, use_t=use_t)
            n_est += r.estimable
            for t in terms:
                ok = r.estimable and t in r.params.index
                same = ok and (np.sign(r.params[t]) == np.sign(base.params[t])
                               and (r.pvalues[t] < alpha) == (base.pvalues[t] < alpha))
                kept[t].append(same)
                if not same:
                    flips[t].append(str(cid))
        for t in terms:
            rows.append({"outcome": base.outcome, "term": t, "coef": base.params[t],
                         "p": base.pvalues[t], "significant": bool(base.pvalues[t] < alpha),
                         "share_kept": float(np.mean(kept[t])), "n_loo": len(kept[t]),
                         "n_loo_estimable": n_est, "flipped_by": ", ".join(flips[t]), "note": ""})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- Table 9.3 verdicts

def _cell_settings(kw: dict) -> dict:
    return {k: kw[k] for k in ("alpha", "neutral_band", "min_n", "n_perm", "n_boot", "ci_level", "seed")}


@memo.cached
def verdict_stability(frame: pd.DataFrame, labels: pd.DataFrame, *, step: float = RECODE_STEP,
                      prob: float = RECODE_PROB, n_draws: int = N_DRAWS, seed: int = 0,
                      alpha: float = ALPHA, neutral_band: float = NEUTRAL_BAND, min_n: int = MIN_N,
                      n_perm: int = SENS_N_PERM, n_boot: int = SENS_N_BOOT,
                      ci_level: float = CI_LEVEL) -> pd.DataFrame:
    """Under random recoding: how often each Table 9.3 verdict (both readings) stays the same.

    The baseline is recomputed with the same ``n_perm``/``n_boot`` so that only
    the recoding differs. Cells that are not testable for reasons recoding
    cannot change (no data, no CE variation, a 'None' label) keep their verdict
    in every draw. ``direction_shares`` gives the distribution of the direction
    verdict over the draws.
    """
    settings = _cell_settings(locals())
    draws = recode_draws(frame, step=step, prob=prob, n_draws=n_draws, seed=seed)
    rows = []
    for r in tested_labels(labels).itertuples(index=False):
        base = assess_cell(frame, r.block, r.upgrading, r.sector, r.label, with_model=False, **settings)
        exp = expectation(r.label)
        out = {"block": r.block, "upgrading": r.upgrading, "sector": r.sector, "label": r.label,
               "verdict": base["verdict"], "verdict_strict": base["verdict_strict"]}
        sub, _ = cell_sample(frame, r.block, r.upgrading, r.sector, min_n)
        x = sub[BLOCKS[r.block]].to_numpy(dtype=float)
        # recoding changes scores only: it matters only if enough cases and a varying regressor
        if exp == "absent" or len(sub) < min_n or np.ptp(x) == 0:
            out.update(share_kept=1.0, share_strict_kept=1.0,
                       direction_shares=f"{base['verdict']} 1.00", n_draws=n_draws)
            rows.append(out)
            continue
        Y = draws[f"upgrading_{r.upgrading}"][:, _positions(frame, sub.index)]
        st = cell_statistics(r.block, x, Y, n_perm=n_perm, n_boot=n_boot, ci_level=ci_level,
                             rng=cell_rng(seed, r.block, r.upgrading, r.sector))
        constant = np.ptp(Y, axis=1) == 0
        dirs, stricts = [], []
        for d in range(n_draws):
            if constant[d]:
                dirs.append(NOT_TESTABLE)
                stricts.append(NOT_TESTABLE)
                continue
            e, p, lo, hi = st["estimate"][d], st["p"][d], st["ci_low"][d], st["ci_high"][d]
            dirs.append(verdict_direction(exp, e, neutral_band))
            stricts.append(verdict_strict(exp, e, p, lo, hi, alpha, neutral_band))
        dirs, stricts = np.array(dirs), np.array(stricts)
        counts = pd.Series(dirs).value_counts(normalize=True).sort_index()
        out.update(share_kept=float(np.mean(dirs == base["verdict"])),
                   share_strict_kept=float(np.mean(stricts == base["verdict_strict"])),
                   direction_shares=", ".join(f"{k} {v:.2f}" for k, v in counts.items()),
                   n_draws=n_draws)
        rows.append(out)
    return pd.DataFrame(rows)


@memo.cached
def loo_verdicts(frame: pd.DataFrame, labels: pd.DataFrame, *, alpha: float = ALPHA,
                 neutral_band: float = NEUTRAL_BAND, min_n: int = MIN_N, n_perm: int = SENS_N_PERM,
                 n_boot: int = SENS_N_BOOT, ci_level: float = CI_LEVEL, seed: int = 0) -> pd.DataFrame:
    """Leave one case of the sector out: which cases change each Table 9.3 verdict.

    Only the sector's own cases can change a cell, so each is omitted in turn
    (including cases without data, which cannot matter but keep ``n_loo`` simple
    to read as "cases in the sector").
    """
    settings = _cell_settings(locals())
    rows = []
    for r in tested_labels(labels).itertuples(index=False):
        base = assess_cell(frame, r.block, r.upgrading, r.sector, r.label, with_model=False, **settings)
        sector_rows = frame.index[frame["sector"] == r.sector]
        changed, changed_strict = [], []
        for label in sector_rows:
            alt = assess_cell(frame.drop(index=label), r.block, r.upgrading, r.sector, r.label,
                              with_model=False, **settings)
            cid = str(frame.at[label, "case_id"])
            if alt["verdict"] != base["verdict"]:
                changed.append(cid)
            if alt["verdict_strict"] != base["verdict_strict"]:
                changed_strict.append(cid)
        n = len(sector_rows)
        rows.append({"block": r.block, "upgrading": r.upgrading, "sector": r.sector, "label": r.label,
                     "verdict": base["verdict"], "verdict_strict": base["verdict_strict"], "n_loo": n,
                     "share_kept": 1 - len(changed) / n if n else np.nan,
                     "share_strict_kept": 1 - len(changed_strict) / n if n else np.nan,
                     "changed_by": ", ".join(changed), "changed_strict_by": ", ".join(changed_strict)})
    return pd.DataFrame(rows)
