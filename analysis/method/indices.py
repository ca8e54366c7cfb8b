"""Collective-efficiency indices (Chapter 1 method) and upgrading sums.

The book rates each component from 0 (absent) to 3 (high), sums the components
into an external-economies index (EE) and a joint-action index (JA), and takes
CE = 0.5 EE + 0.5 JA. It names the components but does not publish them per
case. Four components per index are assumed here (see the data dictionary):
Table 9.1 prints an EE average of 9.10 for software, above the 9 that three
components could reach, so EE needs four (labour market, inputs, information,
market access); JA is the 2x2 of vertical (backward, forward) and horizontal
(bilateral, multilateral) linkages, four components as well.
"""
from __future__ import annotations

import pandas as pd

from analysis.vocab import CE_DEGREES, EE_COMPONENTS, JA_COMPONENTS, UPGRADING_COLUMNS

COMPONENT_MAX = 3.0
INDEX_MAX = COMPONENT_MAX * 4  # both EE and JA run from 0 to 12

# The book prints CE degrees (low/medium/high) but no cut points. For cases
# coded with components we split the 0-12 CE scale into equal thirds.
DEFAULT_CE_CUTS = (4.0, 8.0)



def _component_sum(cases: pd.DataFrame, columns) -> pd.Series:
    # an index exists only when every component is rated
    comps = cases[list(columns)].astype(float)
    return comps.sum(axis=1).where(comps.notna().all(axis=1))


def ee_index(cases: pd.DataFrame) -> pd.Series:
    """External-economies index: sum of the four EE components (0-12), NaN if any is missing."""
    return _component_sum(cases, EE_COMPONENTS).rename("ee_index")


def ja_index(cases: pd.DataFrame) -> pd.Series:
    """Joint-action index: sum of the four JA components (0-12), NaN if any is missing."""
    return _component_sum(cases, JA_COMPONENTS).rename("ja_index")


def ce_index(cases: pd.DataFrame) -> pd.Series:
    """Collective-efficiency index CE = 0.5 EE + 0.5 JA (0-12)."""
    return (0.5 * ee_index(cases) + 0.5 * ja_index(cases)).rename("ce_index")


def ce_degree_from_index(index: pd.Series, cuts: tuple[float, float] = DEFAULT_CE_CUTS) -> pd.Series:
    """Map a CE index to low / medium / high: low < cuts[0] <= medium < cuts[1] <= high."""
    lo, hi = cuts
    if not 0 < lo < hi <= INDEX_MAX:
        raise ValueError(f"CE cut points must satisfy 0 < low < high <= {INDEX_MAX}, got {cuts}")
    out = pd.cut(index, bins=[-0.001, lo - 1e-9, hi - 1e-9, INDEX_MAX + 0.001],
                 labels=list(CE_DEGREES), right=True)
    return out.astype(pd.CategoricalDtype(list(CE_DEGREES), ordered=True)).rename("ce_degree")


def upgrading_sum(cases: pd.DataFrame) -> pd.Series:
    """Sum of the four upgrading scores, counting a missing score as 0.

    This is the book's own convention: Bucaramanga's row sum in Table 9.4 is
    printed as 3 = 1.5 + 1.5 + 0 with its functional score shown as N/A. A case
    with no score at all gets NaN, not 0.
    """
    scores = cases[list(UPGRADING_COLUMNS)].astype(float)
    return scores.sum(axis=1, min_count=1).rename("upgrading_sum")


def ce_index_bounds(cases: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Smallest and largest CE index the rated components allow (missing ones at 0 and at 3).

    Equal to the index when every component is rated; NaN when none is.
    """
    comps = cases[[*EE_COMPONENTS, *JA_COMPONENTS]].astype(float)
    rated = comps.notna().any(axis=1)
    low = 0.5 * comps.fillna(0).sum(axis=1)
    high = 0.5 * comps.fillna(COMPONENT_MAX).sum(axis=1)
    return low.where(rated), high.where(rated)


def with_indices(cases: pd.DataFrame, cuts: tuple[float, float] = DEFAULT_CE_CUTS) -> pd.DataFrame:
    """Cases plus computed EE, JA and CE indices, the upgrading sum, and the CE degree.

    A CE degree printed by the book (or given by a coder) is kept. Where it is
    missing, it is derived from the CE index; when some components are missing
    but every value they could take leads to the same degree, that degree is
    still derived (from the index bounds). ``ce_degree_source`` records which.
    """
    out = cases.copy()
    out["ee_index"] = ee_index(cases)
    out["ja_index"] = ja_index(cases)
    out["ce_index"] = ce_index(cases)
    out["upgrading_sum"] = upgrading_sum(cases)
    derived = ce_degree_from_index(out["ce_index"], cuts)
    given = out["ce_degree"].notna()
    out["ce_degree_source"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[given, "ce_degree_source"] = "given"
    use_derived = ~given & derived.notna()
    out.loc[use_derived, "ce_degree"] = derived[use_derived]
    out.loc[use_derived, "ce_degree_source"] = "derived from CE index"
    low, high = ce_index_bounds(cases)
    out["ce_index_min"], out["ce_index_max"] = low, high
    d_low, d_high = ce_degree_from_index(low, cuts), ce_degree_from_index(high, cuts)
    by_bounds = ~given & ~use_derived & d_low.notna() & (d_low.astype("string") == d_high.astype("string"))
    out.loc[by_bounds, "ce_degree"] = d_low[by_bounds]
    out.loc[by_bounds, "ce_degree_source"] = "derived from CE index bounds (some components missing)"
    return out
