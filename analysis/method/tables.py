"""One function per book table, named after it. No file I/O here.

Published tables are rebuilt from the case database; every derived cell (row
sums, totals, averages) is *computed* by :mod:`analysis.method.aggregate`, never copied
from the printed values.
"""
from __future__ import annotations

import pandas as pd

from analysis.method.aggregate import upgrading_aggregates
from analysis.method.indices import UPGRADING_COLUMNS, upgrading_sum, with_indices
from analysis.method.printed import parse_printed
from analysis.vocab import GOVERNANCE_COLUMNS as GOV_COLUMNS
from analysis.vocab import CHAIN_LABELS, CHAIN_TYPES, SECTOR_LABELS, SECTORS, UPGRADING_TABLE, check_sector

UPGRADING_HEADERS = {
    "upgrading_product": "Product upgrading",
    "upgrading_process": "Process upgrading",
    "upgrading_functional": "Functional upgrading",
    "upgrading_intersectoral": "Intersectoral upgrading",
    "upgrading_sum": "Sum of upgrading",
}


def _labels(reconciliation: pd.DataFrame, table: str) -> pd.DataFrame:
    rows = reconciliation[reconciliation["table"] == table]
    return rows[["case_id", "group", "printed_label", "line"]]


def table_1_1(t11: pd.DataFrame) -> pd.DataFrame:
    """Table 1.1: learning patterns by sector, one row per sector, characteristics joined."""
    rows = []
    for sector in SECTORS:
        part = t11[t11["sector"] == sector].sort_values("item")
        rows.append({
            "Sector": SECTOR_LABELS[sector],
            "Industries": part["industries"].iloc[0],
            "Learning pattern": part["learning_pattern"].iloc[0],
            "Characteristics (paraphrased)": " ".join(f"({i}) {t}" for i, t in zip(part["item"], part["characteristic"])),
        })
    return pd.DataFrame(rows)


TABLE_1_2_NUMERIC = {
    "production_1995": "Production 1995 (US$ millions)",
    "production_2002": "Production 2002 (US$ millions)",
    "exports_1996": "Exports 1996 (US$ millions)",
    "exports_2002": "Exports 2002 (US$ millions)",
    "direct_jobs": "Direct jobs",
    "indirect_jobs": "Indirect jobs",
}


def _number(text) -> float:
    p = parse_printed(text)
    return float("nan") if p.value is None else p.value


def table_1_2(t12: pd.DataFrame) -> pd.DataFrame:
    """Table 1.2: the 12 new field studies; "n.a." and blanks become missing (NaN).

    "Number of firms" stays text because one cell is printed "65 + 150"; the
    numeric reading is in ``Firms (number)`` (missing where it is not a single number).
    """
    out = pd.DataFrame({
        "No.": t12["row_no"],
        "Cluster": t12["cluster"],
        "Country": t12["country"],
        "Date of creation": t12["date_of_creation"],
        "Number of firms (as printed)": t12["firms"],
    })
    for col, head in TABLE_1_2_NUMERIC.items():
        out[head] = [_number(v) for v in t12[col]]
    out["Notes"] = t12["footnotes"].fillna("")
    out["case_id"] = t12["case_id"]
    return out.reset_index(drop=True)


def table_1_3(cases: pd.DataFrame, reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Table 1.3: the case studies by sector with country and sources, in printed order."""
    labels = _labels(reconciliation, "1.3").merge(cases, on="case_id", how="left")
    labels = labels.sort_values("line")
    return pd.DataFrame({
        "Sector": labels["sector"].map(SECTOR_LABELS).values,
        "Case study": labels["printed_label"].values,
        "Country": labels["country"].values,
        "Source": labels["sources"].values,
        "case_id": labels["case_id"].values,
    })


def table_9_1_printed(printed: pd.DataFrame, as_printed: bool = False) -> pd.DataFrame:
    """Table 9.1 as printed (sector averages of EE, JA and the CE index).

    The book does not publish per-case components, so these cells cannot be
    recomputed; they are shown as printed values and audited in
    :func:`analysis.audit.book_audit.audit_table_9_1`. With ``as_printed`` the cells
    are the printed strings ("7.60"), for display exactly as printed.
    """
    t = printed[printed["table"] == "9.1"]
    wide = t.pivot(index="row", columns="column", values="printed").reindex(list(SECTORS))
    wide.index = [SECTOR_LABELS[s] for s in wide.index]
    wide = wide[["External economies (EE)", "Joint actions (JA)", "Collective Efficiency Index"]]
    if as_printed:
        return wide.rename_axis("Sector").reset_index()
    return wide.map(lambda s: parse_printed(s).value).rename_axis("Sector").reset_index()


def table_9_1_from_components(cases: pd.DataFrame) -> pd.DataFrame:
    """Sector averages of EE, JA and CE computed from per-case components.

    Only cases with every component rated count (``n``); for the book's own
    cases none are published, so this table fills only when new cases are added.
    """
    idx = with_indices(cases)
    rated = idx[idx["ce_index"].notna()]
    g = rated.groupby("sector", observed=True)
    out = pd.DataFrame({
        "n": g.size(),
        "External economies (EE)": g["ee_index"].mean(),
        "Joint actions (JA)": g["ja_index"].mean(),
        "Collective Efficiency Index": g["ce_index"].mean(),
    }).reindex(list(SECTORS))
    out["n"] = out["n"].fillna(0).astype(int)
    out.index = [SECTOR_LABELS[s] for s in out.index]
    return out.rename_axis("Sector").reset_index()


def table_9_2(cases: pd.DataFrame, reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Table 9.2: governance codes of each case's value chains, in printed order."""
    labels = _labels(reconciliation, "9.2").merge(cases, on="case_id", how="left").sort_values("line")
    out = pd.DataFrame({
        "Sector": labels["sector"].map(SECTOR_LABELS).values,
        "Industry": labels["group"].values,
        "Cluster": labels["printed_label"].values,
    })
    for chain, col in zip(CHAIN_TYPES, GOV_COLUMNS):
        out[CHAIN_LABELS[chain]] = labels[col].values
    out["case_id"] = labels["case_id"].values
    return out


def upgrading_table(cases: pd.DataFrame, reconciliation: pd.DataFrame, table: str) -> pd.DataFrame:
    """Tables 9.4-9.6: CE degree and upgrading scores per case, with computed row sums,
    then computed Total and Average rows (book convention, see :mod:`analysis.method.aggregate`)."""
    labels = _labels(reconciliation, table).merge(cases, on="case_id", how="left").sort_values("line")
    body = pd.DataFrame({
        "Industry": labels["group"].values,
        "Cluster": labels["printed_label"].values,
        "Degree of collective efficiency": labels["ce_degree"].astype("string").str.capitalize().values,
    })
    for col in UPGRADING_COLUMNS:
        body[UPGRADING_HEADERS[col]] = labels[col].values
    body["Sum of upgrading"] = upgrading_sum(labels).values
    body["case_id"] = labels["case_id"].values
    return with_total_and_average(body, labels)


def with_total_and_average(body: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """Append the computed Total and Average rows of ``cases`` (book convention) to a table body."""
    agg = upgrading_aggregates(cases)
    foot = pd.DataFrame({
        "Industry": ["", ""], "Cluster": ["Total", "Average"], "Degree of collective efficiency": ["", ""],
        **{UPGRADING_HEADERS[c]: [agg.loc["Total", c], agg.loc["Average", c]] for c in (*UPGRADING_COLUMNS, "upgrading_sum")},
        "case_id": ["", ""],
    })
    return pd.concat([body, foot], ignore_index=True)


def table_9_4(cases, reconciliation):
    """Table 9.4: upgrading in traditional manufacturing clusters."""
    return upgrading_table(cases, reconciliation, "9.4")


def table_9_5(cases, reconciliation):
    """Table 9.5: upgrading in natural-resource-based clusters."""
    return upgrading_table(cases, reconciliation, "9.5")


def table_9_6(cases, reconciliation):
    """Table 9.6: upgrading in complex products clusters."""
    return upgrading_table(cases, reconciliation, "9.6")


def table_9_3_footnotes(shown: pd.DataFrame, notes: pd.DataFrame) -> str:
    """The book's footnotes to the Table 9.3 cells in ``shown`` (a view of :func:`table_9_3`),
    as one line for the table's note: "[a] ...; [b] ...", only the markers that appear."""
    text = " ".join(str(v) for v in shown.to_numpy().ravel())
    used = [(m, t) for m, t in zip(notes["marker"], notes["note"]) if f"[{m}]" in text]
    return ("Footnotes of the book: " + "; ".join(f"[{m}] {t}" for m, t in used)) if used else ""


def table_9_3(t93: pd.DataFrame) -> pd.DataFrame:
    """Table 9.3: learning and upgrading patterns, sectors as columns, labels as printed."""
    row_names = {
        ("learning_pattern", None): "Pattern of learning (Pavitt taxonomy)",
        ("collective_efficiency", "product"): "CE and product upgrading",
        ("collective_efficiency", "process"): "CE and process upgrading",
        ("collective_efficiency", "functional"): "CE and functional upgrading",
        ("global_leaders", "product"): "Global buyers/leaders and product upgrading",
        ("global_leaders", "process"): "Global buyers/leaders and process upgrading",
        ("global_leaders", "functional"): "Global buyers/leaders and functional upgrading",
        ("other_sources", None): "Other critical sources of knowledge",
    }
    t = t93.copy()
    t["label"] = t["label"] + t["footnote"].fillna("").map(lambda f: f" [{f}]" if f else "")
    rows = []
    for (block, upg), name in row_names.items():
        part = t[(t["block"] == block) & ((t["upgrading"].isna()) if upg is None else (t["upgrading"] == upg))]
        rec = {"Dimension": name}
        rec.update({SECTOR_LABELS[s]: part.loc[part["sector"] == s, "label"].iloc[0] for s in SECTORS})
        rows.append(rec)
    return pd.DataFrame(rows)


# ----- sector views used by the sector chapter and the cross-sector chapter

def sector_cases(cases: pd.DataFrame, sector: str) -> pd.DataFrame:
    """The cases of one sector with their CE degree, scores and chain codes."""
    check_sector(sector)
    cols = ["case_id", "name", "country", "origin", "ce_degree", *UPGRADING_COLUMNS, *GOV_COLUMNS]
    return cases.loc[cases["sector"] == sector, cols].reset_index(drop=True)


def upgrading_long(cases: pd.DataFrame) -> pd.DataFrame:
    """Scores in long form: one row per case and upgrading type (missing scores dropped)."""
    long = cases.melt(id_vars=["case_id", "name", "sector", "ce_degree", "origin"],
                      value_vars=list(UPGRADING_COLUMNS), var_name="type", value_name="score")
    long["type"] = long["type"].str.replace("upgrading_", "", regex=False)
    return long.dropna(subset=["score"]).reset_index(drop=True)


def upgrading_by_ce_degree(cases: pd.DataFrame, sector: str) -> pd.DataFrame:
    """Mean upgrading score by CE degree and type for one sector, with case counts."""
    check_sector(sector)
    long = upgrading_long(cases[cases["sector"] == sector])
    if long.empty:
        return pd.DataFrame(columns=["ce_degree", "type", "mean_score", "n_cases"])
    g = long.groupby(["ce_degree", "type"], observed=True)["score"]
    out = pd.DataFrame({"mean_score": g.mean(), "n_cases": g.size()}).reset_index()
    return out


def governance_profile(cases: pd.DataFrame, sector: str | None = None) -> pd.DataFrame:
    """Number of cases per chain type and governance code (cases with unknown codes counted apart)."""
    part = cases if sector is None else cases[cases["sector"] == check_sector(sector)]
    rows = []
    for chain, col in zip(CHAIN_TYPES, GOV_COLUMNS):
        counts = part[col].value_counts(dropna=False)
        for code in (0, 1, 2, 3):
            rows.append({"chain": CHAIN_LABELS[chain], "code": code, "n_cases": int(counts.get(code, 0))})
        rows.append({"chain": CHAIN_LABELS[chain], "code": "unknown", "n_cases": int(part[col].isna().sum())})
    return pd.DataFrame(rows)


def ce_degree_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases by sector and CE degree (missing degree counted as 'not published')."""
    deg = cases["ce_degree"].astype("string").fillna("not published")
    tab = pd.crosstab(cases["sector"].map(SECTOR_LABELS), deg)
    order = [c for c in ("low", "medium", "high", "not published") if c in tab.columns]
    return tab[order].reindex([SECTOR_LABELS[s] for s in SECTORS]).fillna(0).astype(int)


def sector_upgrading_means(cases: pd.DataFrame) -> pd.DataFrame:
    """Mean score per sector and upgrading type over cases with a score (available-case mean)."""
    long = upgrading_long(cases)
    g = long.groupby(["sector", "type"])["score"]
    out = pd.DataFrame({"mean_score": g.mean(), "n_cases": g.size()}).reset_index()
    out["sector_label"] = out["sector"].map(SECTOR_LABELS)
    return out


def upgrading_means_grid(means: pd.DataFrame) -> pd.DataFrame:
    """:func:`sector_upgrading_means` as a grid: one row per sector, one column per upgrading type."""
    wide = means.pivot(index="sector_label", columns="type", values="mean_score")
    # sectors in the book's order (the pivot sorts them alphabetically), as in every other table
    wide = wide.reindex([SECTOR_LABELS[s] for s in SECTORS if SECTOR_LABELS[s] in wide.index])
    return wide[[c for c in ("product", "process", "functional", "intersectoral") if c in wide.columns]] \
        .reset_index().rename(columns={"sector_label": "Sector"})


def governance_shares(cases: pd.DataFrame) -> pd.DataFrame:
    """Per sector: the share of clusters (with all four governance codes published) taking part
    in each type of value chain, and in a global chain of any type (code 2 or 3)."""
    cols = list(GOV_COLUMNS)
    rows = []
    for s in SECTORS:
        part = cases[cases["sector"] == s].dropna(subset=cols)
        rec = {"Sector": SECTOR_LABELS[s], "cases with codes": len(part)}
        for col, chain in zip(cols, CHAIN_LABELS.values()):
            rec[f"{chain} (share present)"] = float((part[col] > 0).mean())
        rec["global chain of any type (share)"] = float(part[cols].isin([2, 3]).any(axis=1).mean())
        rows.append(rec)
    return pd.DataFrame(rows)


def published_upgrading_table(sector: str) -> str | None:
    """Number of the book table with per-case upgrading scores for ``sector`` (None for software)."""
    return UPGRADING_TABLE[check_sector(sector)]


def unpublished_items(cases: pd.DataFrame, sector: str) -> list[str]:
    """Plain statements of what the book does not publish for ``sector``'s cases."""
    part = cases[(cases["sector"] == check_sector(sector)) & (cases["origin"] == "book")]
    items = ["Ratings of the collective-efficiency components (external economies and joint action) "
             "for individual cases: the book prints only sector averages (Table 9.1)."]
    if UPGRADING_TABLE[sector] is None:
        items.append("Per-case upgrading scores and degrees of collective efficiency: the book has no "
                     "upgrading table for this sector and describes its upgrading only in words (Chapter 9).")
    for col, what in (("ce_degree", "degree of collective efficiency"),
                      *[(c, UPGRADING_HEADERS[c].lower() + " score") for c in UPGRADING_COLUMNS]):
        miss = part.loc[part[col].isna(), "name"].tolist()
        if miss and len(miss) < len(part):
            items.append(f"The {what} of {', '.join(miss)} (printed N/A).")
    gov_missing = part.loc[part[list(GOV_COLUMNS)].isna().all(axis=1), "name"].tolist()
    if gov_missing:
        items.append(f"The value-chain governance codes of {', '.join(gov_missing)} (printed N/A in Table 9.2).")
    return items
