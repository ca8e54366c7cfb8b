"""Table 9.3 put to the test: the book's sector patterns against the case data.

Table 9.3 summarises, for each sector, how collective efficiency (CE) and the
presence of global leaders affect product, process and functional upgrading,
with qualitative labels. Each (block, upgrading type, sector) cell is tested on
the cases of that sector alone.

Statistics
----------
*Collective-efficiency block*: Spearman rank correlation ρ between
``ce_ordinal`` (low=1, medium=2, high=3) and the upgrading score.
*Global-leaders block*: rank-biserial correlation r between ``global_qh``
(taking part in a quasi-hierarchical chain led by a global buyer) and the
upgrading score, r = 2·(mean rank with − mean rank without)/n; the difference in
mean scores is reported alongside. Both effects lie in [−1, 1], so one neutral
band serves both blocks.

p-values are two-sided permutation p-values with a seeded generator: exact
(all n! orderings, or all ways of choosing the global cases) whenever that
enumeration has no more than ``n_perm`` elements, Monte Carlo otherwise
(``p = (1 + #{|T*| ≥ |T|}) / (1 + n_perm)``). Intervals are percentile
bootstrap intervals at ``ci_level`` (default 90%) from resampling cases;
resamples where the statistic is undefined (no variation) are discarded and
counted. A model-based estimate is added for comparison: the OLS slope of the
score on the regressor within the sector, with HC3 standard error and a
t(n − 2) p-value (it does not enter the verdicts).

Each cell draws from its own stream, derived from the master seed with
:func:`analysis.stats.models.stream`; a Monte-Carlo p-value comes with its
binomial standard error ``p_mc_se`` (0 when exact) and each interval end with a
batch-means standard error.

From label to expected sign
---------------------------
================================  ========  =====================================
label                             expected  meaning
================================  ========  =====================================
Positive, Positive (but passive)  ``+``     a positive association
Neutral, Neutral (indirectly      ``0``     no direct association (an indirect
positive)                                   effect is not what the cell measures)
Often negative                    ``-``     a negative association
Neutral/negative                  ``0/-``   no positive association
None                              absent    no global buyer present in the sector
================================  ========  =====================================

Verdicts
--------
Two readings are reported, because with 4-12 cases per sector significance is
a demanding standard and the point estimate alone is a weak one.

``verdict`` (direction reading, the point estimate only). The estimate is
classed as positive (≥ ``neutral_band``, default 0.3, Cohen's "medium"
correlation), negative (≤ −band) or neutral (in between). The label is
*supported* when that class is one the label allows (``+``: positive; ``0``:
neutral; ``-``: negative; ``0/-``: neutral or negative) and *contradicted*
otherwise.

``verdict_strict`` (significance reading, α = ``alpha``, default 0.10, on the
permutation p-value):

* ``+`` supported if estimate > 0 and p < α; contradicted if estimate < 0 and
  p < α; otherwise *inconclusive*. ``-`` mirrors it.
* ``0`` contradicted if p < α (a significant association either way);
  supported if the bootstrap interval lies inside (−band, band) (an
  equivalence test); otherwise inconclusive.
* ``0/-`` contradicted if estimate > 0 and p < α; supported if estimate < 0 and
  p < α, or if the interval's upper end is below the band; otherwise
  inconclusive.

A cell is *not testable* (in both readings, with the reason) when the sector
has no cases, its per-case scores or regressor are not published (e.g. the
software cases, which have no per-case scores), fewer than ``min_n`` (default
5) cases have both values, or the outcome or the regressor does not vary.

A ``None`` label (no global buyer) is checked as a factual claim: if any case
of the sector has ``global_qh = 1`` the cell is *contradicted*; if the known
codes show no global quasi-hierarchy the label agrees with the data but an
effect of something absent cannot be estimated, so the cell is *not testable*
(the reason says the data agree); with no codes published it is not testable.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from analysis.stats import memo
from analysis.stats.models import MC_BATCHES, fit_ols, stream
from analysis.stats.variables import CE_LEVELS, SECTORS

EXPECTATIONS = {
    "positive": "+",
    "positive (but passive)": "+",
    "neutral": "0",
    "neutral (indirectly positive)": "0",
    "often negative": "-",
    "neutral/negative": "0/-",
    "none": "absent",
}
BLOCKS = {"collective_efficiency": "ce_ordinal", "global_leaders": "global_qh"}
EFFECTS = {"collective_efficiency": "Spearman rho", "global_leaders": "rank-biserial r"}
TESTED = ("product", "process", "functional")
ALPHA = 0.10
NEUTRAL_BAND = 0.3
MIN_N = 5
CI_LEVEL = 0.90
N_PERM = 9999
N_BOOT = 9999
NOT_TESTABLE = "not testable"


def expectation(label: str) -> str:
    """Expected sign of a printed Table 9.3 label: '+', '0', '-', '0/-' or 'absent'."""
    key = " ".join(str(label).strip().lower().split())
    if key not in EXPECTATIONS:
        raise ValueError(f"unknown Table 9.3 label {label!r}; known: {sorted(EXPECTATIONS)}")
    return EXPECTATIONS[key]


# --------------------------------------------------------------------------- verdict rules

def _zone(estimate: float, band: float) -> str:
    if estimate >= band:
        return "+"
    if estimate <= -band:
        return "-"
    return "0"


_ALLOWED = {"+": {"+"}, "0": {"0"}, "-": {"-"}, "0/-": {"0", "-"}}


def verdict_direction(expected: str, estimate: float, band: float = NEUTRAL_BAND) -> str:
    """Direction reading: does the class of the point estimate match the label?"""
    if not np.isfinite(estimate):
        return NOT_TESTABLE
    return "supported" if _zone(estimate, band) in _ALLOWED[expected] else "contradicted"


def verdict_strict(expected: str, estimate: float, p: float, ci_low: float, ci_high: float,
                   alpha: float = ALPHA, band: float = NEUTRAL_BAND) -> str:
    """Significance reading (see the module docstring); 'inconclusive' when the data cannot tell."""
    if not (np.isfinite(estimate) and np.isfinite(p)):
        return NOT_TESTABLE
    sig = p < alpha
    if expected in ("+", "-"):
        sign = 1 if expected == "+" else -1
        if sig and estimate * sign > 0:
            return "supported"
        if sig and estimate * sign < 0:
            return "contradicted"
        return "inconclusive"
    if expected == "0":
        if sig:
            return "contradicted"
        inside = np.isfinite(ci_low) and np.isfinite(ci_high) and -band < ci_low and ci_high < band
        return "supported" if inside else "inconclusive"
    if expected == "0/-":
        if sig and estimate > 0:
            return "contradicted"
        if (sig and estimate < 0) or (np.isfinite(ci_high) and ci_high < band):
            return "supported"
        return "inconclusive"
    raise ValueError(f"no strict rule for expectation {expected!r}")


# --------------------------------------------------------------------------- statistics

def _perm_orderings(n: int, n_perm: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Rows of permutation indices: all n! when that is at most ``n_perm`` (exact), else random."""
    if math.factorial(n) <= n_perm:
        return np.array(list(itertools.permutations(range(n))), dtype=np.intp), True
    return rng.permuted(np.tile(np.arange(n), (n_perm, 1)), axis=1), False


def _group_draws(g: np.ndarray, n_perm: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Rows of 0/1 group labels: every choice of the n1 'global' cases when few enough, else random."""
    n, n1 = len(g), int(g.sum())
    if math.comb(n, n1) <= n_perm:
        G = np.zeros((math.comb(n, n1), n))
        for r, chosen in enumerate(itertools.combinations(range(n), n1)):
            G[r, list(chosen)] = 1.0
        return G, True
    return rng.permuted(np.tile(g, (n_perm, 1)), axis=1), False


def _pvalue(T_perm: np.ndarray, T_obs: np.ndarray, exact: bool) -> np.ndarray:
    """Two-sided p from permutation statistics (P × D) and observed ones (D)."""
    thresh = np.abs(T_obs) * (1 - 1e-10) - 1e-12     # ties with the observed value count
    hits = (np.abs(T_perm) >= thresh).sum(axis=0)
    p = hits / T_perm.shape[0] if exact else (1 + hits) / (1 + T_perm.shape[0])
    return np.where(np.isfinite(T_obs), p, np.nan)


def _interval(draws: np.ndarray, level: float, with_mc_se: bool = False):
    """Percentile interval over the last axis ignoring NaN draws; also the valid-draw count (and,
    with ``with_mc_se``, the Monte-Carlo standard errors of both ends by batch means over
    :data:`analysis.stats.models.MC_BATCHES` equal batches)."""
    valid = np.isfinite(draws).sum(axis=-1)
    a = (1 - level) / 2
    with np.errstate(all="ignore"):
        lo = np.full(draws.shape[:-1], np.nan)
        hi = np.full(draws.shape[:-1], np.nan)
        ok = valid >= 2
        if ok.any():
            q = np.nanquantile(draws[ok], [a, 1 - a], axis=-1)
            lo[ok], hi[ok] = q[0], q[1]
        if not with_mc_se:
            return lo, hi, valid
        m = draws.shape[-1] // MC_BATCHES
        se_lo = np.full(draws.shape[:-1], np.nan)
        se_hi = np.full(draws.shape[:-1], np.nan)
        if m >= 2 and ok.any():
            parts = draws[ok][..., : m * MC_BATCHES].reshape(draws[ok].shape[:-1] + (MC_BATCHES, m))
            qb = np.nanquantile(parts, [a, 1 - a], axis=-1)          # 2 × ... × batches
            sd = np.nanstd(qb, axis=-1, ddof=1) / np.sqrt(MC_BATCHES)
            se_lo[ok], se_hi[ok] = sd[0], sd[1]
    return lo, hi, valid, se_lo, se_hi


def _interval_se(draws: np.ndarray, level: float, with_mc_se: bool):
    if with_mc_se:
        return _interval(draws, level, with_mc_se=True)
    lo, hi, valid = _interval(draws, level)
    return lo, hi, valid, np.full_like(lo, np.nan), np.full_like(hi, np.nan)


def _centred_ranks(V: np.ndarray) -> np.ndarray:
    R = rankdata(V, axis=-1)
    return R - R.mean(axis=-1, keepdims=True)


def spearman_batch(x: np.ndarray, Y: np.ndarray, *, n_perm: int = N_PERM, n_boot: int = N_BOOT,
                   ci_level: float = CI_LEVEL, rng: np.random.Generator) -> dict:
    """Spearman ρ of ``x`` (n) with each row of ``Y`` (D × n): estimate, p, interval.

    Ties get average ranks, so ρ is the Pearson correlation of the ranks. One set
    of permutations and bootstrap resamples serves all D rows (recoding draws).
    """
    n = len(x)
    rx = _centred_ranks(x)
    RY = _centred_ranks(Y)
    with np.errstate(all="ignore"):
        denom = np.sqrt((rx @ rx) * np.einsum("dn,dn->d", RY, RY))
        rho = np.where(denom > 0, RY @ rx / denom, np.nan)
        perms, exact = _perm_orderings(n, n_perm, rng)
        T_perm = rx[perms] @ RY.T                    # P × D, same norms as observed
        p = _pvalue(T_perm, RY @ rx, exact) * np.where(denom > 0, 1, np.nan)
        idx = rng.integers(0, n, (n_boot, n))
        rxb = _centred_ranks(x[idx])                 # B × n
        RYb = _centred_ranks(Y[:, idx])              # D × B × n
        num = np.einsum("bn,dbn->db", rxb, RYb)
        den = np.sqrt(np.einsum("bn,bn->b", rxb, rxb)[None] * np.einsum("dbn,dbn->db", RYb, RYb))
        boot = np.where(den > 0, num / den, np.nan)
    # Monte-Carlo errors only for a single score row (the observed data): nanquantile over many
    # recoding draws × batches would dominate the sensitivity analysis
    lo, hi, valid, slo, shi = _interval_se(boot, ci_level, boot.shape[0] == 1)
    return {"estimate": rho, "p": p, "ci_low": lo, "ci_high": hi, "n_boot_valid": valid,
            "ci_low_mc_se": slo, "ci_high_mc_se": shi, "exact": exact, "n_perm": len(perms)}


def rank_biserial_batch(g: np.ndarray, Y: np.ndarray, *, n_perm: int = N_PERM,
                        n_boot: int = N_BOOT, ci_level: float = CI_LEVEL,
                        rng: np.random.Generator) -> dict:
    """Rank-biserial r of a 0/1 group ``g`` (n) with each row of ``Y`` (D × n), plus mean difference."""
    n, n1 = len(g), g.sum()
    R = rankdata(Y, axis=-1)
    scale = 2.0 / n
    r = scale * (R @ (g / n1 - (1 - g) / (n - n1)))
    G, exact = _group_draws(g, n_perm, rng)          # every row has the same n1 cases
    p = _pvalue(scale * ((G / n1 - (1 - G) / (n - n1)) @ R.T), r, exact)
    diff = Y[:, g == 1].mean(axis=1) - Y[:, g == 0].mean(axis=1)
    idx = rng.integers(0, n, (n_boot, n))
    gb = g[idx]                                       # B × n
    Rb = rankdata(Y[:, idx], axis=-1)                 # D × B × n
    n1 = gb.sum(axis=1)
    with np.errstate(all="ignore"):
        boot = (2.0 / n) * (np.einsum("bn,dbn->db", gb, Rb) / n1
                            - np.einsum("bn,dbn->db", 1 - gb, Rb) / (n - n1))
    boot[:, (n1 == 0) | (n1 == n)] = np.nan           # a resample without one of the groups
    # Monte-Carlo errors only for a single score row (the observed data): nanquantile over many
    # recoding draws × batches would dominate the sensitivity analysis
    lo, hi, valid, slo, shi = _interval_se(boot, ci_level, boot.shape[0] == 1)
    return {"estimate": r, "p": p, "ci_low": lo, "ci_high": hi, "n_boot_valid": valid,
            "ci_low_mc_se": slo, "ci_high_mc_se": shi, "exact": exact, "n_perm": len(G),
            "diff_means": diff}


# --------------------------------------------------------------------------- cells

SEEDING = ("seedsequence", "legacy")


def cell_rng(seed: int, block: str, upgrading: str, sector: str,
             seeding: str = "seedsequence") -> np.random.Generator:
    """A generator of its own per cell, so a cell's result does not depend on table order.

    ``seeding="seedsequence"`` (default): the stream
    :func:`analysis.stats.models.stream` ``(seed, "table93|block|upgrading|sector")``, derived
    from the master seed like every other stream of the book. ``"legacy"``: the keying of earlier
    editions (the seed and the key's bytes as one entropy list), kept to show what changed.
    """
    if seeding == "legacy":
        key = [seed] + [b for b in f"{block}|{upgrading}|{sector}".encode()]
        return np.random.default_rng(key)
    if seeding != "seedsequence":
        raise ValueError(f"seeding must be one of {SEEDING}")
    return np.random.default_rng(stream(seed, f"table93|{block}|{upgrading}|{sector}"))


def _fmt(v) -> str:
    return f"{v:g}"


def cell_sample(frame: pd.DataFrame, block: str, upgrading: str, sector: str,
                min_n: int = MIN_N) -> tuple[pd.DataFrame, str]:
    """The sector's cases with both the regressor and the score, or why the cell is not testable.

    The ``None`` label is handled by :func:`assess_table93`, not here.
    """
    reg, ycol = BLOCKS[block], f"upgrading_{upgrading}"
    sec = frame[frame["sector"] == sector]
    if sec.empty:
        return sec, "no cases of this sector in the data"
    if sec[ycol].notna().sum() == 0:
        return sec.iloc[:0], f"per-case {upgrading} upgrading scores not published for this sector"
    if sec[reg].notna().sum() == 0:
        what = "CE degree" if block == "collective_efficiency" else "governance codes"
        return sec.iloc[:0], f"{what} not published for this sector's cases"
    sub = sec.dropna(subset=[reg, ycol])
    n = len(sub)
    if n < min_n:
        return sub, f"too few cases with data: n={n} (minimum {min_n})"
    y = sub[ycol].to_numpy(dtype=float)
    if np.ptp(y) == 0:
        return sub, f"no variation in {upgrading} upgrading: all {n} cases score {_fmt(y[0])}"
    x = sub[reg].to_numpy(dtype=float)
    if np.ptp(x) == 0:
        if block == "collective_efficiency":
            return sub, f"no variation in CE: all {n} cases '{CE_LEVELS[int(x[0]) - 1]}'"
        return sub, (f"no variation in global quasi-hierarchy: all {n} cases "
                     f"{'have' if x[0] == 1 else 'lack'} it")
    return sub, ""


def _absent_label(frame: pd.DataFrame, sector: str) -> tuple[str, str]:
    """Verdict and reason for a 'None' label (no global buyer in the sector)."""
    sec = frame[frame["sector"] == sector]
    if sec.empty:
        return NOT_TESTABLE, "no cases of this sector in the data"
    known = sec.dropna(subset=["global_qh"])
    if known.empty:
        return NOT_TESTABLE, "label 'None' (no global buyer); governance codes not published"
    glob = known[known["global_qh"] == 1]
    if len(glob):
        return "contradicted", (f"label 'None' (no global buyer), but {len(glob)} of {len(known)} cases "
                                f"have global quasi-hierarchy: {', '.join(map(str, glob['case_id']))}")
    return NOT_TESTABLE, (f"label 'None' agrees with the data (0 of {len(known)} cases with global "
                          "quasi-hierarchy), but the effect of an absent buyer cannot be estimated")


def _model_estimate(sub: pd.DataFrame, block: str, upgrading: str, min_n: int) -> dict:
    """Within-sector OLS slope (HC3) for comparison; NaN with a note when not estimable."""
    res = fit_ols(sub, upgrading, [BLOCKS[block]], n_perm=0, n_boot=0, min_n=min_n, min_df=1)
    if not res.estimable:
        return {"model_estimate": np.nan, "model_se": np.nan, "model_p": np.nan,
                "model_note": res.reason}
    reg = BLOCKS[block]
    return {"model_estimate": float(res.params[reg]), "model_se": float(res.bse[reg]),
            "model_p": float(res.pvalues[reg]), "model_note": ""}


def cell_statistics(block: str, x: np.ndarray, Y: np.ndarray, *, n_perm: int, n_boot: int,
                    ci_level: float, rng: np.random.Generator) -> dict:
    """The block's statistic for one regressor vector and one or more score rows ``Y`` (D × n)."""
    fn = spearman_batch if block == "collective_efficiency" else rank_biserial_batch
    return fn(x, Y, n_perm=n_perm, n_boot=n_boot, ci_level=ci_level, rng=rng)


def _explain(expected, est, p, lo, hi, band, alpha) -> str:
    return (f"estimate {est:+.2f} ({_zone(est, band)} for band ±{band:g}), expected {expected}; "
            f"p={p:.3f} vs α={alpha:g}; interval [{lo:+.2f}, {hi:+.2f}]")


def assess_cell(frame: pd.DataFrame, block: str, upgrading: str, sector: str, label: str, *,
              alpha: float = ALPHA, neutral_band: float = NEUTRAL_BAND, min_n: int = MIN_N,
              n_perm: int = N_PERM, n_boot: int = N_BOOT, ci_level: float = CI_LEVEL,
              seed: int = 0, with_model: bool = True, seeding: str = "seedsequence") -> dict:
    """One row of :func:`assess_table93`."""
    if block not in BLOCKS:
        raise ValueError(f"unknown block {block!r}; use one of {list(BLOCKS)}")
    exp = expectation(label)
    row = {"block": block, "upgrading": upgrading, "sector": sector, "label": label,
           "expected": exp, "effect": EFFECTS[block], "n": 0, "estimate": np.nan,
           "p_value": np.nan, "p_mc_se": np.nan, "p_method": "", "ci_low": np.nan, "ci_high": np.nan,
           "ci_low_mc_se": np.nan, "ci_high_mc_se": np.nan,
           "n_boot_valid": 0, "diff_means": np.nan, "model_estimate": np.nan, "model_se": np.nan,
           "model_p": np.nan, "model_note": "", "verdict": NOT_TESTABLE,
           "verdict_strict": NOT_TESTABLE, "reason": ""}
    if exp == "absent":
        v, why = _absent_label(frame, sector)
        row.update(verdict=v, verdict_strict=v, reason=why)
        return row
    sub, why = cell_sample(frame, block, upgrading, sector, min_n)
    row["n"] = len(sub)
    if why:
        row["reason"] = why
        return row
    x = sub[BLOCKS[block]].to_numpy(dtype=float)
    y = sub[f"upgrading_{upgrading}"].to_numpy(dtype=float)
    st = cell_statistics(block, x, y[None], n_perm=n_perm, n_boot=n_boot, ci_level=ci_level,
                         rng=cell_rng(seed, block, upgrading, sector, seeding))
    est, p, lo, hi = (float(st[k][0]) for k in ("estimate", "p", "ci_low", "ci_high"))
    # an exact p-value (every arrangement enumerated) has no Monte-Carlo error
    p_se = 0.0 if st["exact"] else float(np.sqrt(p * (1 - p) / st["n_perm"]))
    row.update(estimate=est, p_value=p, p_mc_se=p_se, ci_low=lo, ci_high=hi,
               ci_low_mc_se=float(st["ci_low_mc_se"][0]), ci_high_mc_se=float(st["ci_high_mc_se"][0]),
               n_boot_valid=int(st["n_boot_valid"][0]),
               p_method=f"exact ({st['n_perm']} arrangements)" if st["exact"]
               else f"Monte Carlo ({st['n_perm']} permutations)")
    if "diff_means" in st:
        row["diff_means"] = float(st["diff_means"][0])
    if with_model:
        row.update(_model_estimate(sub, block, upgrading, min_n))
    row["verdict"] = verdict_direction(exp, est, neutral_band)
    row["verdict_strict"] = verdict_strict(exp, est, p, lo, hi, alpha, neutral_band)
    row["reason"] = _explain(exp, est, p, lo, hi, neutral_band, alpha)
    return row


def tested_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """The rows of Table 9.3 that make claims about upgrading: the two tested blocks
    (collective efficiency, global leaders) and product, process, functional upgrading.
    The descriptive rows (learning pattern, other sources) are left out."""
    keep = labels["block"].isin(list(BLOCKS)) & labels["upgrading"].isin(TESTED)
    return labels.loc[keep].reset_index(drop=True)


@memo.cached
def assess_table93(frame: pd.DataFrame, labels: pd.DataFrame, *, alpha: float = ALPHA,
                 neutral_band: float = NEUTRAL_BAND, min_n: int = MIN_N, n_perm: int = N_PERM,
                 n_boot: int = N_BOOT, ci_level: float = CI_LEVEL, seed: int = 0,
                 with_model: bool = True, seeding: str = "seedsequence") -> pd.DataFrame:
    """Every Table 9.3 cell of ``labels`` (block, upgrading, sector, label) tested on ``frame``.

    ``frame`` is the output of :func:`analysis.stats.variables.model_frame`. Rows follow
    the order of ``labels`` (rows of other blocks are skipped, see :func:`tested_labels`);
    each cell has its own seeded generator.
    """
    labels = tested_labels(labels)
    rows = [assess_cell(frame, r.block, r.upgrading, r.sector, r.label, alpha=alpha,
                      neutral_band=neutral_band, min_n=min_n, n_perm=n_perm, n_boot=n_boot,
                      ci_level=ci_level, seed=seed, with_model=with_model, seeding=seeding)
            for r in labels.itertuples(index=False)]
    return pd.DataFrame(rows)


def verdict_grid(tests: pd.DataFrame, reading: str = "verdict") -> pd.DataFrame:
    """Verdicts laid out like Table 9.3: rows (block, upgrading), columns sector."""
    grid = tests.pivot(index=["block", "upgrading"], columns="sector", values=reading)
    order = [b for b in BLOCKS if b in grid.index.get_level_values(0)]
    rows = pd.MultiIndex.from_tuples([(b, u) for b in order for u in TESTED if (b, u) in grid.index],
                                     names=["block", "upgrading"])
    cols = [s for s in SECTORS if s in grid.columns] + [s for s in grid.columns if s not in SECTORS]
    return grid.reindex(index=rows, columns=cols)
