"""Explanatory variables for the regressions of Chapter 9 (collective efficiency,
governance and upgrading).

:func:`model_frame` turns the case frame (one row per cluster case, scores and
codes as the book prints them) into the numeric frame the models use. Every
variable it builds is defined in :data:`VARIABLES`, which the book's data
dictionary prints verbatim.

Missing data
------------
Nothing is imputed. A derived variable is missing (NaN) whenever the codes it
needs are missing, with one exception stated in its definition (``any_global``
is known to be 1 as soon as one known code is global). Each model then uses
*listwise deletion over its own variables*: :func:`listwise` returns the
estimation sample and a report of every dropped case with the variables that
were missing, so the notebook can print who was left out of which model and why.

All 0/1 variables are float (0.0, 1.0, NaN) so that statsmodels receives plain
numeric arrays.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import vocab

# The vocabulary (analysis.vocab) as lists, the form the model code concatenates.
CE_LEVELS = list(vocab.CE_DEGREES)
SECTORS = list(vocab.SECTORS)
#: reference category of the sector dummies in the models
BASE_SECTOR = "traditional"
UPGRADING = list(vocab.UPGRADING_TYPES)
UPGRADING_COLUMNS = list(vocab.UPGRADING_COLUMNS)
GOVERNANCE = list(vocab.CHAIN_TYPES)
GOVERNANCE_COLUMNS = list(vocab.GOVERNANCE_COLUMNS)
#: governance codes: 0 absent, 1 domestic chain, 2 global chain, 3 both
GOV_CODES = vocab.GOVERNANCE_CODES
SCORE_MIN, SCORE_MAX, SCORE_STEP = 0.0, 3.0, 0.5
ID_COLUMNS = ["case_id", "name", "sector", "origin"]

_GOV_CODE_TEXT = "code 0 absent, 1 domestic chain, 2 global chain, 3 both domestic and global"

VARIABLES: dict[str, str] = {
    "ce_ordinal": "Degree of collective efficiency as an ordinal score: low=1, medium=2, high=3; "
                  "missing when the case study does not report the degree.",
    "ce_medium": "1 if the degree of collective efficiency is medium, 0 if low or high "
                 "(reference category: low); missing when the degree is missing.",
    "ce_high": "1 if the degree of collective efficiency is high, 0 if low or medium "
               "(reference category: low); missing when the degree is missing.",
    "global_qh": "1 if the cluster takes part in a quasi-hierarchical chain led by a global buyer "
                 f"(quasi-hierarchy {_GOV_CODE_TEXT}: code 2 or 3), 0 if code 0 or 1; "
                 "missing when the code is unknown.",
    "has_market": f"1 if market-based relations are present (market {_GOV_CODE_TEXT}: code > 0), "
                  "0 if absent; missing when unknown.",
    "has_network": f"1 if network relations are present (network code > 0), 0 if absent; "
                   "missing when unknown.",
    "has_quasi_hierarchy": "1 if quasi-hierarchical relations of any reach are present "
                           "(quasi-hierarchy code > 0), 0 if absent; missing when unknown.",
    "has_hierarchy": "1 if hierarchical (vertically integrated) relations are present "
                     "(hierarchy code > 0), 0 if absent; missing when unknown.",
    "n_chains": "Number of the four governance forms (market, network, quasi-hierarchy, hierarchy) "
                "present with code > 0, from 0 to 4. A form coded 3 (both domestic and global) "
                "counts once: the variable counts forms, not chains. Missing if any of the four "
                "codes is unknown.",
    "any_global": "1 if at least one governance form reaches a global chain (any code 2 or 3); "
                  "0 if all four codes are known and none is 2 or 3; missing otherwise (a known "
                  "global code settles the value even when other codes are unknown).",
    **{f"sector_{s}": f"1 if the case belongs to the {s.replace('_', ' ')} sector, else 0 "
                      f"(models use '{BASE_SECTOR}' as the reference category)." for s in SECTORS},
    **{f"ce_x_{s}": f"ce_ordinal × sector_{s}: the collective-efficiency score for cases of the "
                    f"{s.replace('_', ' ')} sector, 0 for other sectors; with all four interactions "
                    "and the sector dummies (no common ce_ordinal) each coefficient is that "
                    "sector's own CE slope. Missing whenever the CE degree is missing, also for cases "
                    "of other sectors, so that a case without a CE degree never enters a CE model." for s in SECTORS},
    **{f"upgrading_{u}": f"Score of {u} upgrading as printed (0-3 in steps of 0.5); missing when "
                         "not published (N/A)." for u in UPGRADING},
    "upgrading_sum": "Sum of the four upgrading scores (product, process, functional, "
                     "intersectoral), 0-12; missing if any of the four is missing (no partial sums, "
                     "so that a missing type cannot pass for a zero).",
}


def _check_columns(cases: pd.DataFrame) -> None:
    """Fail early, naming what is absent, rather than deep inside a model."""
    needed = ID_COLUMNS + ["ce_degree"] + UPGRADING_COLUMNS + GOVERNANCE_COLUMNS
    missing = [c for c in needed if c not in cases.columns]
    if missing:
        raise KeyError(f"case frame lacks columns: {missing}")


def _ce_ordinal(ce: pd.Series) -> np.ndarray:
    """low/medium/high -> 1/2/3, NaN when missing; unknown labels are an error, not NaN."""
    text = ce.astype(object)
    known = text.isna() | text.isin(CE_LEVELS)
    if not known.all():
        raise ValueError(f"ce_degree has values outside {CE_LEVELS}: {sorted(set(text[~known]))}")
    mapping = {lvl: i + 1.0 for i, lvl in enumerate(CE_LEVELS)}
    return text.map(mapping).to_numpy(dtype=float, na_value=np.nan)


def _gov_codes(cases: pd.DataFrame) -> pd.DataFrame:
    """Governance codes as float with NaN for unknown; codes outside 0-3 are an error."""
    out = pd.DataFrame(index=cases.index)
    for col in GOVERNANCE_COLUMNS:
        v = pd.to_numeric(cases[col]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isnan(v) & ~np.isin(v, list(GOV_CODES))
        if bad.any():
            raise ValueError(f"{col} has codes outside {list(GOV_CODES)}: {sorted(set(v[bad]))}")
        out[col] = v
    return out


def _scores(cases: pd.DataFrame) -> pd.DataFrame:
    """Upgrading scores as float; values off the 0-3 half-point grid are an error."""
    out = pd.DataFrame(index=cases.index)
    for col in UPGRADING_COLUMNS:
        v = pd.to_numeric(cases[col]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        ok = np.isnan(v) | ((v >= SCORE_MIN) & (v <= SCORE_MAX) & (np.mod(v, SCORE_STEP) == 0))
        if not ok.all():
            raise ValueError(f"{col} has scores off the 0-3 grid in steps of 0.5: {sorted(set(v[~ok]))}")
        out[col] = v
    return out


def _indicator(condition: np.ndarray, known: np.ndarray) -> np.ndarray:
    """0/1 float where ``known``, NaN elsewhere."""
    return np.where(known, condition.astype(float), np.nan)


def model_frame(cases: pd.DataFrame) -> pd.DataFrame:
    """Explanatory variables and outcomes, one row per case, defined in :data:`VARIABLES`.

    Keeps ``case_id``, ``name``, ``sector`` and ``origin`` for reporting. Missing
    inputs give missing variables (see the module docstring); no row is dropped here.
    """
    _check_columns(cases)
    sector = cases["sector"].astype(object)
    unknown = ~sector.isin(SECTORS)
    if unknown.any():
        raise ValueError(f"sector has values outside {SECTORS}: {sorted(set(sector[unknown].astype(str)))}")

    out = cases[ID_COLUMNS].copy().reset_index(drop=True)
    ce = _ce_ordinal(cases["ce_degree"])
    ce_known = ~np.isnan(ce)
    out["ce_ordinal"] = ce
    out["ce_medium"] = _indicator(ce == 2, ce_known)
    out["ce_high"] = _indicator(ce == 3, ce_known)

    gov = _gov_codes(cases).reset_index(drop=True)
    qh = gov["gov_quasi_hierarchy"].to_numpy()
    out["global_qh"] = _indicator(np.isin(qh, [2, 3]), ~np.isnan(qh))
    for g in GOVERNANCE:
        v = gov[f"gov_{g}"].to_numpy()
        out[f"has_{g}"] = _indicator(v > 0, ~np.isnan(v))
    codes = gov.to_numpy()
    all_known = ~np.isnan(codes).any(axis=1)
    # NaN > 0 is False, so the count is only trusted where all four codes are known
    out["n_chains"] = np.where(all_known, (codes > 0).sum(axis=1).astype(float), np.nan)
    any_glob = np.isin(codes, [2, 3]).any(axis=1)
    out["any_global"] = np.where(any_glob, 1.0, np.where(all_known, 0.0, np.nan))

    sec = sector.to_numpy()
    for s in SECTORS:
        out[f"sector_{s}"] = (sec == s).astype(float)
    for s in SECTORS:
        out[f"ce_x_{s}"] = ce * out[f"sector_{s}"].to_numpy()

    scores = _scores(cases).reset_index(drop=True)
    for col in UPGRADING_COLUMNS:
        out[col] = scores[col].to_numpy()
    # skipna=False: a missing type must make the sum missing, not count as 0
    out["upgrading_sum"] = scores[UPGRADING_COLUMNS].sum(axis=1, skipna=False).to_numpy()
    return out


def listwise(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimation sample with no missing value in ``columns``, and the dropped cases.

    The second frame has one row per dropped case: ``case_id``, ``name``,
    ``sector`` and ``missing`` (the variables that were missing, comma-separated).
    """
    columns = list(columns)
    miss = frame[columns].isna().to_numpy()
    drop = miss.any(axis=1)
    names = np.array(columns, dtype=object)
    ident = [c for c in ("case_id", "name", "sector") if c in frame.columns]
    dropped = frame.loc[drop, ident].reset_index(drop=True)
    dropped["missing"] = pd.Series([", ".join(names[m]) for m in miss[drop]], dtype=object)
    return frame.loc[~drop].copy(), dropped


def missing_report(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Count of missing values per variable, with the cases concerned (for the data chapter)."""
    columns = list(columns or [c for c in frame.columns if c not in ID_COLUMNS])
    rows = []
    for c in columns:
        ids = frame.loc[frame[c].isna(), "case_id"].astype(str).tolist()
        rows.append({"variable": c, "n_missing": len(ids), "cases": ", ".join(ids)})
    return pd.DataFrame(rows)


def synthetic_cases(n: int, *, seed: int = 0, ce_effect: float = 0.8, qh_effect: float = 0.0,
                    noise: float = 0.8, missing_rate: float = 0.0) -> pd.DataFrame:
    """A case frame with the real schema and a known data-generating process.

    For tests and benchmarks only. Each upgrading score is
    ``1 + ce_effect*(ce_ordinal-2) + qh_effect*global_qh + noise*N(0,1)`` rounded to
    the half-point grid and clipped to 0-3; ``missing_rate`` blanks scores, CE
    degrees and governance codes at random.
    """
    rng = np.random.default_rng(seed)
    ce = rng.integers(1, 4, n)
    gov = rng.integers(0, 4, (n, 4))
    qh = np.isin(gov[:, 2], [2, 3]).astype(float)
    df = pd.DataFrame({
        "case_id": [f"S{i:06d}" for i in range(n)],
        "name": [f"synthetic {i}" for i in range(n)],
        "sector": pd.Series(np.array(SECTORS, dtype=object)[rng.integers(0, 4, n)], dtype=object),
        "origin": "new",
    })
    df["ce_degree"] = pd.Categorical.from_codes(ce - 1, categories=CE_LEVELS, ordered=True)
    for col in UPGRADING_COLUMNS:
        latent = 1.0 + ce_effect * (ce - 2) + qh_effect * qh + noise * rng.standard_normal(n)
        df[col] = np.clip(np.round(latent * 2) / 2, SCORE_MIN, SCORE_MAX) + 0.0  # no -0.0
    for j, col in enumerate(GOVERNANCE_COLUMNS):
        df[col] = pd.array(gov[:, j], dtype="Int64")
    if missing_rate > 0:
        for col in UPGRADING_COLUMNS + GOVERNANCE_COLUMNS + ["ce_degree"]:
            hole = rng.random(n) < missing_rate
            df.loc[hole, col] = pd.NA if col.startswith("gov_") else np.nan
    return df
