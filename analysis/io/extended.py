"""The extended edition: the published sample beside the sample with new cases.

Published results are always computed from the published cases alone, so
adding cases can never change them; the extended results are computed from
the union and shown beside them.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.paths import ROOT as ROOT_DIR
from analysis.io.data import BookData, open_book_data, tidy_cases
from analysis.method.indices import UPGRADING_COLUMNS, with_indices
from analysis.vocab import SECTOR_LABELS, SECTORS


class UnsafePath(ValueError):
    """A path parameter points outside the project."""


def project_path(path: str | Path) -> Path:
    """Resolve a path parameter relative to the project root and refuse anything outside it."""
    p = Path(path)
    full = (p if p.is_absolute() else ROOT_DIR / p).resolve()
    if not full.is_relative_to(ROOT_DIR):
        raise UnsafePath(f"path {str(path)!r} resolves outside the project ({ROOT_DIR}); refused")
    return full


def load_samples(cases_dir: str = "", data: BookData | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(published cases, extended cases, new cases only) for a ``cases_dir`` parameter.

    With no ``cases_dir`` the extended sample is the published one and there are no new cases.
    """
    from analysis.io.newcases import load_new_cases

    data = data or open_book_data()
    published = data.cases
    if not cases_dir:
        return published, published, published.iloc[0:0]
    new = load_new_cases(project_path(cases_dir), set(published["case_id"]))
    new_rows = tidy_cases(new[list(published.columns)])
    extended = pd.concat([published, new_rows], ignore_index=True)
    extended["ce_degree"] = extended["ce_degree"].astype(published["ce_degree"].dtype)
    return published, extended, new


def sector_summary(cases: pd.DataFrame) -> pd.DataFrame:
    """Per sector: number of cases, of cases with a CE degree, mean upgrading score by type
    (available-case means) and share of cases in a global quasi-hierarchical chain."""
    rows = []
    for s in SECTORS:
        part = cases[cases["sector"] == s]
        rec = {"Sector": SECTOR_LABELS[s], "cases": len(part), "with CE degree": int(part["ce_degree"].notna().sum())}
        for col in UPGRADING_COLUMNS:
            rec[col.replace("upgrading_", "mean ")] = float(part[col].mean()) if part[col].notna().any() else float("nan")
        gov = part["gov_quasi_hierarchy"].dropna()
        rec["share in global quasi-hierarchy"] = float(gov.isin([2, 3]).mean()) if len(gov) else float("nan")
        rows.append(rec)
    return pd.DataFrame(rows)


def side_by_side(published: pd.DataFrame, extended: pd.DataFrame, key: str) -> pd.DataFrame:
    """Join two tables of the same shape on ``key``; value columns get '(published)' and '(extended)'."""
    values = [c for c in published.columns if c != key]
    out = published[[key]].copy()
    for c in values:
        out[f"{c} (published)"] = published[c].values
        out[f"{c} (extended)"] = extended.set_index(key).loc[published[key], c].values
    return out


def changed_rows(comparison: pd.DataFrame) -> pd.DataFrame:
    """Rows of a :func:`side_by_side` table where any published/extended pair differs."""
    pubs = [c for c in comparison.columns if c.endswith("(published)")]
    mask = pd.Series(False, index=comparison.index)
    for c in pubs:
        a, b = comparison[c], comparison[c.replace("(published)", "(extended)")]
        mask |= ~((a == b) | (a.isna() & b.isna()))
    return comparison[mask]


def extended_upgrading_rows(new: pd.DataFrame, sector: str) -> pd.DataFrame:
    """New cases of ``sector`` with their scores and the computed upgrading sum."""
    part = with_indices(new[new["sector"] == sector]) if len(new) else new
    if part.empty:
        return part
    return part[["case_id", "name", "ce_degree", *UPGRADING_COLUMNS, "upgrading_sum"]]


def extended_upgrading_table(published: pd.DataFrame, reconciliation: pd.DataFrame, new: pd.DataFrame,
                             table: str, sector: str) -> pd.DataFrame:
    """Book Table 9.4/9.5/9.6 with the sector's new cases appended and Total/Average recomputed
    over all rows (same arithmetic as the published table)."""
    from analysis.method.tables import UPGRADING_HEADERS, upgrading_table, with_total_and_average

    pub = upgrading_table(published, reconciliation, table)
    body = pub[~pub["Cluster"].isin(["Total", "Average"])]
    add = new[new["sector"] == sector]
    if add.empty:
        return pub
    rows = pd.DataFrame({
        "Industry": add["industry"].values, "Cluster": (add["name"] + " [new]").values,
        "Degree of collective efficiency": add["ce_degree"].astype("string").str.capitalize().values,
        **{UPGRADING_HEADERS[c]: add[c].values for c in UPGRADING_COLUMNS},
        "Sum of upgrading": add[list(UPGRADING_COLUMNS)].astype(float).sum(axis=1, min_count=1).values,
        "case_id": add["case_id"].values,
    })
    rec_ids = set(reconciliation.loc[reconciliation["table"] == table, "case_id"])
    all_cases = pd.concat([published[published["case_id"].isin(rec_ids)], add], ignore_index=True)
    return with_total_and_average(pd.concat([body, rows], ignore_index=True), all_cases)
