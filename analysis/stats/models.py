"""Regressions of upgrading on collective efficiency and chain governance.

For each outcome (product, process, functional, intersectoral upgrading and
their sum) three models are fitted with statsmodels:

* OLS with HC3 heteroskedasticity-robust standard errors (small-sample
  correction, appropriate for n ≈ 30) and p-values and intervals from the t
  distribution with n − k degrees of freedom, the convention of Stata's
  ``regress, vce(hc3)`` and of R's ``coeftest(m, vcovHC(m, type = "HC3"))``
  (``use_t=False`` gives the normal reference instead);
* ordered logit and ordered probit (``OrderedModel``), treating the half-point
  scores as ordered categories, with model-based standard errors (the inverse
  of the observed information, Stata's ``ologit`` default, R's ``vcov(polr)``)
  and, alongside, robust sandwich standard errors scaled by n/(n − 1) (Stata's
  ``ologit, vce(robust)``; R's ``sandwich::sandwich`` times n/(n − 1)).
  ``ordered_se="robust"`` makes the sandwich the reported one.

Stars always come from the reported p-values (:data:`STARS`).

OLS inference is complemented by

* permutation p-values, vectorised over permutations: all permuted outcomes go
  through one QR decomposition of the design (:func:`ols_hc3_batch`). The
  statistic is the HC3 t-ratio (studentised, so the test stays valid under
  heteroskedasticity). The default scheme is Freedman-Lane (permute the
  residuals of the model without the tested regressor), which tests each
  coefficient *given the others*; ``perm_method="outcome"`` permutes the outcome
  itself, an exact test of the joint null that the outcome is unrelated to all
  regressors. With a single regressor the two coincide.
* pairs-bootstrap percentile intervals (resampling cases), vectorised through
  case-weight matrices. Resamples whose design is singular (a rare dummy drawn
  zero times) are discarded and counted in ``n_boot_valid``.

Ordered models get robust Wald intervals only: with about 30 cases many
bootstrap resamples are separated, and each refit is a numerical optimisation.

A model that cannot be estimated meaningfully is not fitted: the result has
``estimable=False`` and a ``reason`` (too few cases, no variation in the
outcome, singular design, a case with leverage 1, separation of the ordered
outcome, non-convergence). Regressors with no variation in the estimation
sample (e.g. a sector dummy whose cases all lack scores) are dropped and listed
in ``dropped_regressors`` rather than making the whole model fail.

Everything is deterministic given ``seed``, the *master* seed: each model's
permutations and bootstrap resamples get streams of their own, derived from the
master seed and the model's name with :class:`numpy.random.SeedSequence`
(:func:`stream`), so a model's draws do not depend on which other models are
fitted or in which order. Monte-Carlo standard errors are reported for every
permutation p-value (binomial, ``sqrt(p(1-p)/n_perm)``) and every bootstrap
interval end (batch means over :data:`MC_BATCHES` equal batches of draws).
:func:`regression_table` and its renderers produce byte-identical strings for
identical inputs.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.optimize
import scipy.sparse
import scipy.special
import scipy.stats
import statsmodels.api as sm
from statsmodels.miscmodels.ordinal_model import OrderedModel

from analysis import escape
from analysis.stats import memo
from analysis.stats.variables import BASE_SECTOR, SECTORS, listwise

OUTCOMES = {
    "product": "upgrading_product",
    "process": "upgrading_process",
    "functional": "upgrading_functional",
    "intersectoral": "upgrading_intersectoral",
    "sum": "upgrading_sum",
}
KINDS = {"ols": "OLS", "ologit": "Ordered logit", "oprobit": "Ordered probit"}
DEFAULT_REGRESSORS = ("ce_ordinal", "global_qh",
                      *(f"sector_{s}" for s in SECTORS if s != BASE_SECTOR))
MIN_CASES = 8      # below this no regression is reported at all
MIN_DF = 3         # cases left over after estimating the parameters
#: bound on the elements of one n × chunk array, so 100,000 cases stay well under 1 GB
MAX_CELLS = 2_000_000
STARS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))
#: resampling defaults: Monte-Carlo error well below the third decimal of a p-value
N_PERM = 99_999
N_BOOT = 19_999
MC_BATCHES = 20
OLS_SE_NOTE = "HC3 (t, n − k df)"
OLS_SE_NOTE_NORMAL = "HC3 (normal)"
ORDERED_SE_NOTE = "model-based (OIM)"
ORDERED_SE_NOTE_ROBUST = "sandwich × n/(n − 1)"


def stream(seed, key: str) -> np.random.SeedSequence:
    """The seed sequence of one named stream (e.g. ``"product|ols|permutation"``) under the master
    ``seed``: ``SeedSequence(seed, spawn_key=bytes of key)``. Different keys give independent
    streams; the same master seed and key always give the same draws."""
    return np.random.SeedSequence(int(seed), spawn_key=tuple(str(key).encode()))


def _rng(seed, purpose: int) -> np.random.Generator:
    """A generator from a :class:`SeedSequence` (used as is) or an integer seed (legacy keying)."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    return np.random.default_rng([int(seed), purpose])


def perm_mc_se(p, n_perm: int):
    """Monte-Carlo standard error of a permutation p-value estimated from ``n_perm`` draws."""
    p = np.asarray(p, dtype=float)
    return np.sqrt(p * (1 - p) / max(n_perm, 1))


@dataclass
class ModelResult:
    """One fitted (or refused) model. Series are indexed by term name."""

    outcome: str
    kind: str
    regressors: tuple[str, ...]
    estimable: bool
    reason: str = ""
    n: int = 0
    params: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    bse: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    pvalues: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    conf_int: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["lower", "upper"]))
    df_resid: float = float("nan")
    use_t: bool = False
    bse_robust: pd.Series | None = None
    pvalues_robust: pd.Series | None = None
    robust_scale: float = float("nan")
    fit_stat: float = float("nan")
    fit_stat_name: str = ""
    cov_type: str = ""
    thresholds: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    perm_pvalues: pd.Series | None = None
    perm_method: str = ""
    n_perm: int = 0
    perm_mc_se: pd.Series | None = None
    boot_ci: pd.DataFrame | None = None
    boot_ci_mc_se: pd.DataFrame | None = None
    n_boot: int = 0
    n_boot_valid: int = 0
    dropped_cases: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped_regressors: dict[str, str] = field(default_factory=dict)
    seed: int | None = None

    @property
    def label(self) -> str:
        return f"{self.outcome} ({self.kind})"


# --------------------------------------------------------------------------- checks

def _outcome_column(outcome: str) -> str:
    """Accept "product" or "upgrading_product"."""
    if outcome in OUTCOMES:
        return OUTCOMES[outcome]
    if outcome in OUTCOMES.values():
        return outcome
    raise KeyError(f"unknown outcome {outcome!r}; use one of {list(OUTCOMES)}")


def _short_outcome(outcome: str) -> str:
    col = _outcome_column(outcome)
    return next(k for k, v in OUTCOMES.items() if v == col)


def collinear_columns(X: np.ndarray, names: list[str]) -> list[str]:
    """Names of columns lying in the span of the columns before them (column 0 first)."""
    kept: list[int] = []
    bad = []
    for j in range(X.shape[1]):
        trial = X[:, kept + [j]]
        if np.linalg.matrix_rank(trial) < len(kept) + 1:
            bad.append(names[j])
        else:
            kept.append(j)
    return bad


def ordinal_separation(codes: np.ndarray, X: np.ndarray, names: list[str]) -> list[str]:
    """Regressors involved in (quasi-)complete separation of an ordered outcome.

    The ordered-model MLE does not exist when some non-trivial linear score
    ``X d`` orders the cases weakly consistently with the outcome (every case of
    a higher category scores at least as high as every case of a lower one);
    the likelihood then keeps rising as ``d`` is scaled up. This is the ordinal
    generalisation of logistic separation and covers the binary case. It is
    decided exactly by a linear programme: find ``d`` and cut points ``u`` with
    ``u[c-1] <= x_i d <= u[c]`` for every case in category ``c`` and
    ``mean(X d | top) - mean(X d | bottom) >= 1`` (so ``X d`` is not constant).
    Returns the names with non-zero ``d`` (empty list when no separation).
    """
    n, k = X.shape
    n_cat = int(codes.max()) + 1
    if n_cat < 2:
        return []
    rows_upper = np.flatnonzero(codes < n_cat - 1)   # x_i d - u[c_i] <= 0
    rows_lower = np.flatnonzero(codes > 0)           # u[c_i - 1] - x_i d <= 0
    U_up = scipy.sparse.csr_matrix(
        (-np.ones(len(rows_upper)), (np.arange(len(rows_upper)), codes[rows_upper])),
        shape=(len(rows_upper), n_cat - 1))
    U_lo = scipy.sparse.csr_matrix(
        (np.ones(len(rows_lower)), (np.arange(len(rows_lower)), codes[rows_lower] - 1)),
        shape=(len(rows_lower), n_cat - 1))
    norm = X[codes == n_cat - 1].mean(axis=0) - X[codes == 0].mean(axis=0)
    A = scipy.sparse.vstack([
        scipy.sparse.hstack([scipy.sparse.csr_matrix(X[rows_upper]), U_up]),
        scipy.sparse.hstack([scipy.sparse.csr_matrix(-X[rows_lower]), U_lo]),
        scipy.sparse.csr_matrix(np.concatenate([-norm, np.zeros(n_cat - 1)])[None, :]),
    ]).tocsr()
    b = np.concatenate([np.zeros(len(rows_upper) + len(rows_lower)), [-1.0]])
    lp = scipy.optimize.linprog(np.zeros(k + n_cat - 1), A_ub=A, b_ub=b,
                                bounds=[(None, None)] * (k + n_cat - 1), method="highs")
    if lp.status != 0:          # 2 = infeasible: no separating direction
        return []
    d = lp.x[:k]
    scale = np.abs(X).max(axis=0) * np.abs(d)
    return [names[j] for j in range(k) if scale[j] > 1e-7 * max(scale.max(), 1e-300)]


@dataclass
class _Prepared:
    y: np.ndarray | None = None
    X: pd.DataFrame | None = None        # OLS: with "const" first; ordered: without
    case_ids: np.ndarray | None = None
    index: pd.Index | None = None        # frame index labels of the estimation sample
    n: int = 0                           # cases with complete data
    dropped_cases: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped_regressors: dict[str, str] = field(default_factory=dict)
    reason: str = ""


def _fmt_value(v: float) -> str:
    return f"{v:g}"


def prepare(frame: pd.DataFrame, outcome: str, regressors, *, kind: str = "ols",
            min_n: int = MIN_CASES, min_df: int = MIN_DF, drop_constant: bool = True) -> _Prepared:
    """Estimation sample and design for one model, or the reason it cannot be estimated.

    Listwise deletion over the outcome and the regressors; constant regressors
    dropped (and reported) when ``drop_constant``; then the checks of the module
    docstring, in that order, the first failing one giving the reason.
    """
    ycol = _outcome_column(outcome)
    regressors = list(regressors)
    absent = [c for c in [ycol, *regressors] if c not in frame.columns]
    if absent:
        raise KeyError(f"model frame lacks {absent}")
    sample, dropped = listwise(frame, [ycol, *regressors])
    prep = _Prepared(dropped_cases=dropped)
    n = prep.n = len(sample)
    if n < min_n:
        prep.reason = f"too few cases: n={n} with complete data (minimum {min_n})"
        return prep
    y = sample[ycol].to_numpy(dtype=float)
    if np.ptp(y) == 0:
        prep.reason = f"no variation in the outcome: all {n} cases score {_fmt_value(y[0])}"
        return prep
    kept = []
    for r in regressors:
        v = sample[r].to_numpy(dtype=float)
        if np.ptp(v) == 0:
            msg = f"no variation in the estimation sample (all = {_fmt_value(v[0])})"
            if not drop_constant:
                prep.reason = f"singular design: {r} has {msg}"
                return prep
            prep.dropped_regressors[r] = msg
        else:
            kept.append(r)
    if not kept:
        prep.reason = "no regressor varies in the estimation sample"
        return prep
    Xc = np.column_stack([np.ones(n), sample[kept].to_numpy(dtype=float)])
    bad = collinear_columns(Xc, ["const", *kept])
    if bad:
        prep.reason = (f"singular design: {', '.join(bad)} is a linear combination of the "
                       "constant and the other regressors")
        return prep
    n_cat = len(np.unique(y))
    n_params = len(kept) + (1 if kind == "ols" else n_cat - 1)
    if n - n_params < min_df:
        prep.reason = (f"too few cases for the parameters: n={n}, parameters={n_params} "
                       f"(need at least {min_df} more cases than parameters)")
        return prep
    ids = sample["case_id"].to_numpy() if "case_id" in sample else np.arange(n)
    if kind == "ols":
        q, _ = np.linalg.qr(Xc)
        lev = np.einsum("ij,ij->i", q, q)
        one = lev > 1 - 1e-8
        if one.any():
            prep.reason = (f"case(s) {', '.join(map(str, ids[one]))} have leverage 1 (a regressor is "
                           "non-zero for that case alone); HC3 standard errors are undefined")
            return prep
        X = pd.DataFrame(Xc, columns=["const", *kept])
    else:
        codes = np.searchsorted(np.unique(y), y)
        sep = ordinal_separation(codes, Xc[:, 1:], kept)
        if sep:
            prep.reason = (f"separation: {', '.join(sep)} order the outcome categories perfectly "
                           "(quasi-complete separation); the maximum-likelihood estimate does not exist")
            return prep
        X = pd.DataFrame(Xc[:, 1:], columns=kept)
    prep.y, prep.X, prep.case_ids, prep.index = y, X, ids, sample.index
    return prep


# --------------------------------------------------------------------------- vectorised OLS

class Hc3Batch:
    """OLS coefficients and HC3 standard errors for many outcome vectors at once.

    Built once per design ``X`` (n × k, full column rank): one QR decomposition
    gives the pseudo-inverse ``A = R⁻¹Qᵀ`` and the leverages ``h`` (row norms of
    ``Q``); then any block of outcomes is handled with matrix products only. The
    HC3 variance of coefficient j is ``Σ_i A_ji² e_i² / (1-h_i)²``. Used for
    permutations and recoding draws, where refitting statsmodels thousands of
    times would be needlessly slow; the tests check it against statsmodels.

    Internally outcomes are rows (m × n, C order): every n-long vector is then
    contiguous, which matters when n is large.
    """

    def __init__(self, X: np.ndarray):
        q, r = np.linalg.qr(X)
        A = scipy.linalg.solve_triangular(r, q.T)
        self.XT = np.ascontiguousarray(X.T)            # k × n
        self.AT = np.ascontiguousarray(A.T)            # n × k
        self.A2T = self.AT * self.AT
        self.inv1mh = 1.0 / (1.0 - np.einsum("ij,ij->i", q, q))

    @property
    def A(self) -> np.ndarray:
        """The pseudo-inverse of X (k × n)."""
        return self.AT.T

    def fit_rows(self, Z: np.ndarray, cols=None) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (m × k) and HC3 standard errors (m × k, or m × len(cols)) for outcomes
        ``Z`` given as rows (m × n).

        ``cols`` restricts the standard errors to those coefficients (saves one
        product per coefficient left out); all k coefficients are always needed
        for the residuals.
        """
        B = Z @ self.AT
        E = B @ self.XT
        np.subtract(Z, E, out=E)       # in place: the m × n arrays dominate the cost
        E *= self.inv1mh
        E *= E
        A2T = self.A2T if cols is None else self.A2T[:, cols]
        return B, np.sqrt(E @ A2T)

    def fit(self, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients and HC3 standard errors, two k × m arrays, for outcomes ``Y`` (n × m)."""
        B, S = self.fit_rows(np.ascontiguousarray(Y.T))
        return B.T, S.T


def ols_hc3_batch(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shortcut for ``Hc3Batch(X).fit(Y)``: k × m coefficients and HC3 standard errors."""
    return Hc3Batch(X).fit(Y)


def _chunk(n: int) -> int:
    return max(1, MAX_CELLS // max(n, 1))


def permutation_pvalues(X: np.ndarray, y: np.ndarray, *, n_perm: int = 999, seed=0,
                        method: str = "freedman_lane") -> np.ndarray:
    """Two-sided permutation p-values of the HC3 t-ratios, one per column of ``X``.

    Column 0 must be the constant; its p-value is NaN (a permutation test of the
    intercept is meaningless). ``p = (1 + #{|t*| >= |t|}) / (1 + n_perm)``.
    Permutations are drawn in chunks of at most :data:`MAX_CELLS` elements with a
    seeded ``numpy.random.Generator`` (same seed, same p-values; ``seed`` is an
    integer or a :class:`numpy.random.SeedSequence`); Freedman-Lane
    uses the same permutations for every coefficient.
    """
    if method not in ("freedman_lane", "outcome"):
        raise ValueError("method must be 'freedman_lane' or 'outcome'")
    n, k = X.shape
    rng = _rng(seed, 1)
    ols = Hc3Batch(X)
    b, se = ols.fit(y[:, None])
    t_obs = np.abs(b[:, 0] / se[:, 0])
    thresh = t_obs * (1 - 1e-10)        # so that ties (e.g. the identity permutation) count
    reduced = []
    if method == "freedman_lane":
        for j in range(1, k):
            Xr = np.delete(X, j, axis=1)
            fitted = Xr @ np.linalg.lstsq(Xr, y, rcond=None)[0]
            # the fitted part lies in the span of X: it adds A@fitted to the coefficients
            # and nothing to the residuals, so only the permuted residuals go through the fit
            reduced.append((j, ols.A[j] @ fitted, y - fitted))
    count = np.zeros(k)
    done = 0
    while done < n_perm:
        c = min(_chunk(n), n_perm - done)
        # c uniform random permutations as rows: the ranks of i.i.d. uniforms (ties have
        # probability zero), one vectorised call instead of one call per permutation
        idx = np.argsort(rng.random((c, n)), axis=1)
        if method == "outcome":
            bp, sp = ols.fit_rows(y[idx])
            count += (np.abs(bp / sp) >= thresh).sum(axis=0)
        else:
            for j, shift, resid in reduced:
                bp, sp = ols.fit_rows(resid[idx], cols=[j])
                count[j] += (np.abs((bp[:, j] + shift) / sp[:, 0]) >= thresh[j]).sum()
        done += c
    p = (1 + count) / (1 + n_perm)
    p[0] = np.nan
    return p


def bootstrap_ci(X: np.ndarray, y: np.ndarray, *, n_boot: int = 999, seed=0,
                 level: float = 0.95, with_mc_se: bool = False):
    """Pairs-bootstrap percentile intervals of the OLS coefficients (k × 2) and the valid draw count
    (and, with ``with_mc_se``, the k × 2 Monte-Carlo standard errors of the interval ends, from
    :data:`MC_BATCHES` batch means: the spread of the ends computed on equal batches of draws,
    divided by the square root of the number of batches).

    Each resample is a vector of case weights (how often each case is drawn), so
    all normal equations of a chunk come from two matrix products. Singular
    resamples are discarded.
    """
    n, k = X.shape
    rng = _rng(seed, 2)
    XX = (X[:, :, None] * X[:, None, :]).reshape(n, k * k)
    Xy = X * y[:, None]
    draws = []
    done = 0
    while done < n_boot:
        c = min(_chunk(n), n_boot - done)
        idx = rng.integers(0, n, (c, n))
        W = np.bincount((idx + n * np.arange(c)[:, None]).ravel(), minlength=c * n)
        W = W.reshape(c, n).astype(float)
        G = (W @ XX).reshape(c, k, k)
        g = W @ Xy
        s = np.linalg.svd(G, compute_uv=False)
        ok = s[:, -1] > s[:, 0] * 1e-10
        if ok.any():
            draws.append(np.linalg.solve(G[ok], g[ok][..., None])[..., 0])
        done += c
    if not draws:
        return (np.full((k, 2), np.nan), 0) + ((np.full((k, 2), np.nan),) if with_mc_se else ())
    B = np.concatenate(draws)
    a = (1 - level) / 2
    ci = np.quantile(B, [a, 1 - a], axis=0).T
    if not with_mc_se:
        return ci, len(B)
    return ci, len(B), quantile_mc_se(B, [a, 1 - a]).T


def quantile_mc_se(draws: np.ndarray, q, batches: int = MC_BATCHES) -> np.ndarray:
    """Monte-Carlo standard error of quantiles ``q`` of ``draws`` (along axis 0) by batch means:
    the standard deviation of the quantiles of ``batches`` equal batches over sqrt(batches)."""
    m = len(draws) // batches
    if m < 2:
        return np.full((len(q),) + draws.shape[1:], np.nan)
    parts = draws[: m * batches].reshape((batches, m) + draws.shape[1:])
    qs = np.quantile(parts, q, axis=1)                  # len(q) × batches × ...
    return qs.std(axis=1, ddof=1) / np.sqrt(batches)


# --------------------------------------------------------------------------- statsmodels fits

def _refused(outcome, kind, regressors, prep: _Prepared, seed=None) -> ModelResult:
    return ModelResult(outcome=_short_outcome(outcome), kind=kind, regressors=tuple(regressors),
                       estimable=False, reason=prep.reason,
                       n=prep.n,
                       dropped_cases=prep.dropped_cases,
                       dropped_regressors=prep.dropped_regressors, seed=seed)


def fit_ols(frame: pd.DataFrame, outcome: str, regressors=DEFAULT_REGRESSORS, *,
            n_perm: int = N_PERM, n_boot: int = N_BOOT, seed: int = 0,
            perm_method: str = "freedman_lane", ci_level: float = 0.95,
            min_n: int = MIN_CASES, min_df: int = MIN_DF, drop_constant: bool = True,
            use_t: bool = True, stream_key: str | None = None) -> ModelResult:
    """OLS with HC3 errors, permutation p-values and bootstrap intervals for one outcome.

    Wald p-values and intervals use t(n − k) when ``use_t`` (the default), the
    normal distribution otherwise. The permutation and bootstrap streams are
    :func:`stream` ``(seed, "<outcome>|ols|permutation")`` and ``"…|bootstrap"``
    (``stream_key`` replaces ``"<outcome>|ols"``).
    """
    prep = prepare(frame, outcome, regressors, kind="ols", min_n=min_n, min_df=min_df,
                   drop_constant=drop_constant)
    if prep.reason:
        return _refused(outcome, "ols", regressors, prep, seed)
    key = stream_key or f"{_short_outcome(outcome)}|ols"
    res = sm.OLS(prep.y, prep.X).fit(cov_type="HC3", use_t=use_t)
    resid_ss = float(np.sum(res.resid ** 2))
    if resid_ss <= 1e-20 * max(res.centered_tss, 1e-300):
        prep.reason = "perfect fit: all residuals are zero, standard errors are meaningless"
        return _refused(outcome, "ols", regressors, prep, seed)
    names = list(prep.X.columns)
    X = prep.X.to_numpy()
    ci = res.conf_int(alpha=1 - ci_level)
    out = ModelResult(
        outcome=_short_outcome(outcome), kind="ols", regressors=tuple(regressors), estimable=True,
        n=int(res.nobs), params=res.params, bse=res.bse, pvalues=res.pvalues,
        conf_int=pd.DataFrame(ci.to_numpy(), index=names, columns=["lower", "upper"]),
        fit_stat=float(res.rsquared), fit_stat_name="R²",
        cov_type=OLS_SE_NOTE if use_t else OLS_SE_NOTE_NORMAL,
        df_resid=float(res.df_resid), use_t=use_t,
        dropped_cases=prep.dropped_cases, dropped_regressors=prep.dropped_regressors, seed=seed)
    if n_perm > 0:
        p = permutation_pvalues(X, prep.y, n_perm=n_perm, seed=stream(seed, f"{key}|permutation"),
                                method=perm_method)
        out.perm_pvalues = pd.Series(p, index=names)
        out.perm_mc_se = pd.Series(perm_mc_se(p, n_perm), index=names)
        out.perm_method, out.n_perm = perm_method, n_perm
    if n_boot > 0:
        bci, valid, bse_mc = bootstrap_ci(X, prep.y, n_boot=n_boot, seed=stream(seed, f"{key}|bootstrap"),
                                          level=ci_level, with_mc_se=True)
        out.boot_ci = pd.DataFrame(bci, index=names, columns=["lower", "upper"])
        out.boot_ci_mc_se = pd.DataFrame(bse_mc, index=names, columns=["lower", "upper"])
        out.n_boot, out.n_boot_valid = n_boot, valid
    return out


class _Logistic(scipy.stats.rv_continuous):
    """Standard logistic link for OrderedModel, evaluated with scipy.special.

    Same function as ``scipy.stats.logistic``; the generic ``rv_continuous.cdf``
    wrapper (argument checks, masking) costs about 5x the arithmetic and
    OrderedModel evaluates it thousands of times for numerical derivatives.
    OrderedModel accepts any distribution instance as ``distr``.
    """

    def cdf(self, x):
        return scipy.special.expit(x)

    def pdf(self, x):
        e = scipy.special.expit(x)
        return e * (1.0 - e)

    def ppf(self, q):
        return scipy.special.logit(q)


class _Normal(scipy.stats.rv_continuous):
    """Standard normal link for OrderedModel via scipy.special (see :class:`_Logistic`)."""

    def cdf(self, x):
        return scipy.special.ndtr(x)

    def pdf(self, x):
        return np.exp(-0.5 * np.square(x)) / np.sqrt(2.0 * np.pi)

    def ppf(self, q):
        return scipy.special.ndtri(q)


_LINKS = {"logit": _Logistic(name="logistic"), "probit": _Normal(name="norm")}


class _ScoredOrderedModel(OrderedModel):
    """``OrderedModel`` with an analytic score.

    statsmodels differentiates the ordered-model likelihood numerically: every
    BFGS gradient costs about 2p likelihood evaluations and the Hessian of the
    sandwich covariance about 4p² (p parameters). Here the score is exact and the
    Hessian is the centred finite-difference Jacobian of the exact score (2p score
    evaluations), which makes large fits several times faster. Same likelihood,
    same parameterisation (β, first cut point, log increments of the others); the
    tests compare the estimates and standard errors with the stock model.
    """

    def _dthresh(self, params) -> np.ndarray:
        """d thresh[m] / d (threshold parameter j): (k_levels + 1) × (k_levels - 1); rows of the
        infinite end points are zero."""
        K = self.k_levels
        th = np.asarray(params, dtype=float)[-(K - 1):]
        inc = np.concatenate(([1.0], np.exp(th[1:])))
        D = np.zeros((K + 1, K - 1))
        for m in range(1, K):                      # finite cut points thresh[1..K-1]
            D[m, :m] = inc[:m]
        return D

    def _pieces(self, params):
        """Per-case f(upper)/P, f(lower)/P (f the link density, P the case's probability)."""
        low, upp = self._bounds(params)
        prob = self.prob(low, upp) + 1e-20         # as in loglikeobs
        # the density at ±inf is 0 for both links, so the open ends contribute nothing
        return self.pdf(upp) / prob, self.pdf(low) / prob

    def score_obs(self, params, **kwds):
        params = np.asarray(params, dtype=float)
        w_upp, w_low = self._pieces(params)
        D = self._dthresh(params)
        y = np.asarray(self.endog, dtype=np.intp)
        d_beta = -(w_upp - w_low)[:, None] * np.asarray(self.exog, dtype=float)
        d_th = w_upp[:, None] * D[y + 1] - w_low[:, None] * D[y]
        return np.column_stack([d_beta, d_th])

    def score(self, params):
        """Sum of :meth:`score_obs` without forming the n × p array: the threshold part
        only depends on each case's category, so it is a per-category sum."""
        params = np.asarray(params, dtype=float)
        w_upp, w_low = self._pieces(params)
        K = self.k_levels
        y = np.asarray(self.endog, dtype=np.intp)
        D = self._dthresh(params)
        d_beta = -np.asarray(self.exog, dtype=float).T @ (w_upp - w_low)
        d_th = (np.bincount(y, weights=w_upp, minlength=K) @ D[1:]
                - np.bincount(y, weights=w_low, minlength=K) @ D[:-1])
        return np.concatenate([d_beta, d_th])

    def hessian(self, params):
        params = np.asarray(params, dtype=float)
        p = len(params)
        H = np.empty((p, p))
        for j in range(p):
            h = 1e-6 * max(1.0, abs(params[j]))
            e = np.zeros(p)
            e[j] = h
            H[:, j] = (self.score(params + e) - self.score(params - e)) / (2 * h)
        return (H + H.T) / 2


def fit_ordered(frame: pd.DataFrame, outcome: str, regressors=DEFAULT_REGRESSORS, *,
                distr: str = "logit", ci_level: float = 0.95, min_n: int = MIN_CASES,
                min_df: int = MIN_DF, drop_constant: bool = True, maxiter: int = 2000,
                se: str = "oim") -> ModelResult:
    """Ordered logit (``distr="logit"``) or probit for one outcome.

    ``se="oim"`` (default) reports model-based standard errors, the inverse of
    the observed information (the Hessian of the log-likelihood at the
    optimum); the robust sandwich errors ``n/(n-1) · H⁻¹ (Σ sᵢsᵢᵀ) H⁻¹`` are kept
    in ``bse_robust``/``pvalues_robust`` (``se="robust"`` reports those instead).
    p-values and intervals use the normal distribution, as both Stata and R do
    for these models. The observed score values are the ordered categories
    (unused grid points are not categories). Thresholds are reported as cut
    points on the latent scale.
    """
    if se not in ("oim", "robust"):
        raise ValueError("se must be 'oim' or 'robust'")
    kind = {"logit": "ologit", "probit": "oprobit"}[distr]
    prep = prepare(frame, outcome, regressors, kind=kind, min_n=min_n, min_df=min_df,
                   drop_constant=drop_constant)
    if prep.reason:
        return _refused(outcome, kind, regressors, prep)
    levels = np.unique(prep.y)
    # categories from codes, so that formatting (e.g. of -0.0) cannot split a level
    endog = pd.Series(pd.Categorical.from_codes(np.searchsorted(levels, prep.y),
                                                categories=[f"{v + 0.0:g}" for v in levels],
                                                ordered=True))
    model = _ScoredOrderedModel(endog, prep.X, distr=_LINKS[distr])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # convergence is checked explicitly below
            # skip_hessian: the sandwich covariance computes the Hessian itself; doing it
            # twice doubles the cost of a numerically differentiated likelihood
            res = model.fit(method="bfgs", disp=False, maxiter=maxiter, gtol=1e-9,
                            skip_hessian=True)
            # a few Newton steps on the exact score polish the optimum well below 1e-6
            params = np.asarray(res.params, dtype=float)
            for _ in range(3):
                step = params - np.linalg.solve(model.hessian(params), model.score(params))
                if not (np.all(np.isfinite(step)) and model.loglike(step) >= model.loglike(params) - 1e-12):
                    break
                params = step
            H = model.hessian(params)
            cov_oim = np.linalg.inv(-H)
            S = model.score_obs(params)
            n_obs = S.shape[0]
            scale = n_obs / (n_obs - 1)
            cov_rob = scale * cov_oim @ (S.T @ S) @ cov_oim
            cov = cov_oim if se == "oim" else cov_rob
    except np.linalg.LinAlgError:
        prep.reason = "singular information matrix at the optimum (Hessian not invertible)"
        return _refused(outcome, kind, regressors, prep)
    k = prep.X.shape[1]
    converged = bool(res.mle_retvals.get("converged", False)) or np.max(np.abs(model.score(params))) < 1e-6
    with np.errstate(invalid="ignore"):
        bse = np.sqrt(np.diag(cov))
        bse_r = np.sqrt(np.diag(cov_rob))
    if not converged or not np.all(np.isfinite(params)):
        prep.reason = "the likelihood maximisation did not converge"
    elif not (np.all(np.isfinite(bse)) and np.all(np.isfinite(bse_r))) or np.any(bse <= 0):
        prep.reason = "singular information matrix: standard errors are not finite"
    if prep.reason:
        return _refused(outcome, kind, regressors, prep)
    names = list(prep.X.columns)
    z = scipy.stats.norm.ppf(0.5 + ci_level / 2)
    b = params[:k]
    ci = np.column_stack([b - z * bse[:k], b + z * bse[:k]])
    cuts = model.transform_threshold_params(params)[1:-1]
    cut_names = [f"{a}|{b}" for a, b in zip(endog.cat.categories[:-1], endog.cat.categories[1:])]
    llf = float(model.loglike(params))
    llnull = float(np.sum(np.bincount(np.searchsorted(levels, prep.y))
                          * np.log(np.bincount(np.searchsorted(levels, prep.y)) / prep.n)))
    pv = 2 * scipy.stats.norm.sf(np.abs(b / bse[:k]))
    pv_r = 2 * scipy.stats.norm.sf(np.abs(b / bse_r[:k]))
    return ModelResult(
        outcome=_short_outcome(outcome), kind=kind, regressors=tuple(regressors), estimable=True,
        n=int(prep.n), params=pd.Series(b, index=names), bse=pd.Series(bse[:k], index=names),
        pvalues=pd.Series(pv, index=names),
        bse_robust=pd.Series(bse_r[:k], index=names), pvalues_robust=pd.Series(pv_r, index=names),
        robust_scale=scale,
        conf_int=pd.DataFrame(ci, index=names, columns=["lower", "upper"]),
        fit_stat=1 - llf / llnull, fit_stat_name="McFadden pseudo-R²",
        cov_type=ORDERED_SE_NOTE if se == "oim" else ORDERED_SE_NOTE_ROBUST,
        thresholds=pd.Series(cuts, index=cut_names),
        dropped_cases=prep.dropped_cases, dropped_regressors=prep.dropped_regressors)


@memo.cached
def fit_models(frame: pd.DataFrame, *, outcomes=tuple(OUTCOMES), kinds=tuple(KINDS),
               regressors=DEFAULT_REGRESSORS, n_perm: int = N_PERM, n_boot: int = N_BOOT,
               seed: int = 0, perm_method: str = "freedman_lane",
               min_n: int = MIN_CASES, use_t: bool = True, ordered_se: str = "oim") -> list[ModelResult]:
    """Every requested model, outcome by outcome, in a fixed order.

    ``seed`` is the master seed; each OLS fit derives its own streams from it and
    the outcome's name (:func:`stream`), so any single model can be reproduced on
    its own with :func:`fit_ols` and the same master seed.
    """
    out = []
    for o in outcomes:
        for k in kinds:
            if k == "ols":
                out.append(fit_ols(frame, o, regressors, n_perm=n_perm, n_boot=n_boot, seed=seed,
                                   perm_method=perm_method, min_n=min_n, use_t=use_t))
            else:
                out.append(fit_ordered(frame, o, regressors, distr=k[1:], min_n=min_n, se=ordered_se))
    return out


def estimability_report(results: list[ModelResult]) -> pd.DataFrame:
    """One row per model: n, whether estimated, why not, and who/what was dropped."""
    rows = []
    for r in results:
        dc = r.dropped_cases
        rows.append({
            "outcome": r.outcome, "model": KINDS[r.kind], "estimable": r.estimable, "n": r.n,
            "reason": r.reason,
            "dropped_cases": "; ".join(f"{a} ({b})" for a, b in zip(dc.get("case_id", []),
                                                                  dc.get("missing", []))),
            "dropped_regressors": "; ".join(f"{k}: {v}" for k, v in r.dropped_regressors.items()),
        })
    return pd.DataFrame(rows)


def ols_slopes(results: list[ModelResult]):
    """Each estimated OLS slope with its resampling inference, one dict per (model, term).

    The one walk over OLS terms shared by the inference table and the seed-stability check;
    a value a model did not compute (no permutations, no bootstrap) is NaN.
    """
    nan = float("nan")
    for r in results:
        if r.kind != "ols" or not r.estimable:
            continue
        for t in r.params.index:
            if t == "const":
                continue
            boot = r.boot_ci.loc[t] if r.boot_ci is not None else None
            boot_se = r.boot_ci_mc_se.loc[t] if r.boot_ci_mc_se is not None else None
            yield {"result": r, "term": t,
                   "p_permutation": float(r.perm_pvalues.get(t, nan)) if r.perm_pvalues is not None else nan,
                   "p_permutation_mc_se": float(r.perm_mc_se.get(t, nan)) if r.perm_mc_se is not None else nan,
                   "boot_low": float(boot["lower"]) if boot is not None else nan,
                   "boot_high": float(boot["upper"]) if boot is not None else nan,
                   "boot_low_mc_se": float(boot_se["lower"]) if boot_se is not None else nan,
                   "boot_high_mc_se": float(boot_se["upper"]) if boot_se is not None else nan}


# --------------------------------------------------------------------------- tables

def _num(x: float, digits: int) -> str:
    s = f"{x:.{digits}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s   # no "-0.000"


def _stars(p: float) -> str:
    for cut, mark in STARS:
        if p < cut:
            return mark
    return ""


def regression_table(results: list[ModelResult], *, digits: int = 3, labels: dict | None = None,
                     show_perm: bool = True) -> pd.DataFrame:
    """Models side by side, as strings: coefficient with stars, reported SE in parentheses.

    Rows are indexed by (term, statistic): statistic ``coef`` (stars from the
    reported Wald p-value: * 10%, ** 5%, *** 1%; t(n − k) for OLS, normal for the
    ordered models), ``se`` in parentheses (HC3 for OLS, model-based for the
    ordered models), ``se_robust`` in braces (ordered models: the sandwich SE
    scaled by n/(n − 1)), and for OLS ``perm_p`` (permutation p-value) in
    brackets. Footer terms: ``n``, the
    fit statistic (R² for OLS, McFadden pseudo-R² for ordered models), the
    standard-error type, and ``note`` (why a model is not estimable, or which
    regressors were dropped). Columns are (outcome, model). Ordered-model cut
    points are not shown.
    """
    labels = labels or {}
    terms: list[str] = []
    for r in results:
        for t in list(r.regressors) + (["const"] if r.kind == "ols" else []):
            if t not in terms and t != "const":
                terms.append(t)
    if any(r.kind == "ols" for r in results):
        terms.append("const")
    stats = ["coef", "se", "se_robust"] + (["perm_p"] if show_perm else [])
    index = [(labels.get(t, t), s) for t in terms for s in stats]
    footer = [("n", ""), ("R² / pseudo-R²", ""), ("Std. errors", ""), ("note", "")]
    cols = pd.MultiIndex.from_tuples([(r.outcome, KINDS[r.kind]) for r in results],
                                     names=["outcome", "model"])
    body = {}
    for r, col in zip(results, cols):
        cells = []
        for t in terms:
            if r.estimable and t in r.params.index:
                cells.append(_num(r.params[t], digits) + _stars(r.pvalues[t]))
                cells.append(f"({_num(r.bse[t], digits)})")
                rob = None if r.bse_robust is None else r.bse_robust.get(t)
                cells.append("" if rob is None else f"{{{_num(rob, digits)}}}")
                if show_perm:
                    pp = None if r.perm_pvalues is None else r.perm_pvalues.get(t)
                    cells.append("" if pp is None or np.isnan(pp) else f"[{_num(pp, 3)}]")
            else:
                cells.extend([""] * len(stats))
        note = r.reason if not r.estimable else "; ".join(
            f"{k} dropped: {v}" for k, v in r.dropped_regressors.items())
        cells += [str(r.n),
                  _num(r.fit_stat, digits) if r.estimable else "",
                  r.cov_type if r.estimable else "",
                  note]
        body[col] = cells
    table = pd.DataFrame(body, index=pd.MultiIndex.from_tuples(index + footer,
                                                              names=["term", "statistic"]))
    table.columns = cols
    # a permutation or robust-SE line nobody has (the constant, OLS-only tables) is noise
    empty = (table == "").all(axis=1) & table.index.get_level_values("statistic").isin(["perm_p", "se_robust"])
    return table.loc[~empty]


def _display_rows(table: pd.DataFrame) -> list[str]:
    """Row labels as printed: the term on its coefficient line only."""
    return [t if s in ("coef", "") else "" for t, s in table.index]


def _latex_escape(s: str) -> str:
    return escape.latex(s)  # the project's one escaper (analysis/escape.py)


def _latex_cell(s: str) -> str:
    stars = len(s) - len(s.rstrip("*"))
    core = _latex_escape(s[: len(s) - stars])
    return core + (f"$^{{{'*' * stars}}}$" if stars else "")


def to_latex(table: pd.DataFrame, *, caption: str | None = None, label: str | None = None,
             note: str = "") -> str:
    """A booktabs ``table`` environment for :func:`regression_table` output (a string)."""
    cols = list(table.columns)
    ncol = len(cols)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{_latex_escape(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [rf"\begin{{tabular}}{{l{'c' * ncol}}}", r"\toprule"]
    # first header row: outcome names spanning their consecutive models
    groups, spans = [], []
    for o, _ in cols:
        if groups and groups[-1] == o:
            spans[-1] += 1
        else:
            groups.append(o)
            spans.append(1)
    head, rules, start = [""], [], 2
    for o, w in zip(groups, spans):
        head.append(rf"\multicolumn{{{w}}}{{c}}{{{_latex_escape(o)}}}")
        rules.append(rf"\cmidrule(lr){{{start}-{start + w - 1}}}")
        start += w
    lines.append(" & ".join(head) + r" \\")
    lines.append(" ".join(rules))
    lines.append(" & ".join([""] + [_latex_escape(m) for _, m in cols]) + r" \\")
    lines.append(r"\midrule")
    for i, (lab, (term, stat)) in enumerate(zip(_display_rows(table), table.index)):
        if term == "n":
            lines.append(r"\midrule")
        cells = [_latex_escape(lab)] + [_latex_cell(v) for v in table.iloc[i]]
        if term == "note" and not any(table.iloc[i]):
            continue
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if note:
        lines.append(rf"\par\footnotesize {_latex_escape(note)}")
    lines += [r"\end{table}", ""]
    return "\n".join(lines)


def to_html(table: pd.DataFrame, *, note: str = "") -> str:
    """An HTML table for :func:`regression_table` output (a string). Every cell, header and the
    note go through :func:`analysis.escape.html`, the project's one HTML escaper."""
    e = escape.html
    cols = list(table.columns)
    out = ['<table class="regression-table">', "<thead>"]
    groups: list[list] = []
    for o, _ in cols:
        if groups and groups[-1][0] == o:
            groups[-1][1] += 1
        else:
            groups.append([o, 1])
    out.append("<tr><th></th>" + "".join(f'<th colspan="{w}">{e(o)}</th>' for o, w in groups) + "</tr>")
    out.append("<tr><th></th>" + "".join(f"<th>{e(m)}</th>" for _, m in cols) + "</tr>")
    out += ["</thead>", "<tbody>"]
    for lab, (i, row) in zip(_display_rows(table), enumerate(table.itertuples(index=False))):
        out.append(f"<tr><th>{e(lab)}</th>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>")
    out.append("</tbody>")
    if note:
        out.append(f'<tfoot><tr><td colspan="{len(cols) + 1}">{e(note)}</td></tr></tfoot>')
    out += ["</table>", ""]
    return "\n".join(out)
