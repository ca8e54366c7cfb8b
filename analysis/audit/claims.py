"""Quantitative statements the book makes about its own tables, checked.

Each check paraphrases the statement (our words), names the source line and the
table it rests on, states the rule used to decide, and returns ``holds`` or
``does not hold`` with the evidence computed from the data. Statements about
Table 9.1 can only be checked on its printed values, because the per-case
components behind it are not published; those checks say so.
"""
from __future__ import annotations

import pandas as pd

from analysis.io.bookref import line_ref
from analysis.method.printed import parse_printed
from analysis.vocab import CE_DEGREES, SECTOR_LABELS, SECTORS

HOLDS, FAILS = "holds", "does not hold"


def _verdict(ok: bool) -> str:
    return HOLDS if ok else FAILS


def _printed_9_1(printed: pd.DataFrame) -> pd.DataFrame:
    t = printed[printed["table"] == "9.1"].copy()
    t["value"] = t["printed"].map(lambda s: parse_printed(s).value)
    return t.pivot(index="row", columns="column", values="value").reindex(list(SECTORS))


def _fmt(series: pd.Series, digits: int = 2) -> str:
    return ", ".join(f"{SECTOR_LABELS.get(k, k)} {v:.{digits}f}" for k, v in series.items())


def _mean_by_degree(cases: pd.DataFrame, sector: str, column: str) -> pd.Series:
    part = cases[cases["sector"] == sector]
    return part.groupby("ce_degree", observed=False)[column].mean().reindex(list(CE_DEGREES))


def _rises_with_degree(means: pd.Series, strict: bool) -> bool:
    m = means.dropna().values
    if len(m) < 2:
        return False
    steps = [b - a for a, b in zip(m[:-1], m[1:])]
    return all(s > 0 for s in steps) if strict else (all(s >= 0 for s in steps) and m[-1] > m[0])


def _multi_chain(cases: pd.DataFrame) -> pd.Series:
    """A case takes part in more than one chain if two chain types are present
    or one type is coded 3 (domestic and global). Unknown codes give NaN."""
    gov = cases[["gov_market", "gov_network", "gov_quasi_hierarchy", "gov_hierarchy"]]
    known = gov.notna().all(axis=1)
    multi = ((gov.fillna(0) > 0).sum(axis=1) >= 2) | (gov.fillna(0) == 3).any(axis=1)
    return multi.where(known)


def check_claims(data) -> pd.DataFrame:
    """All statement checks as one table."""
    cases, printed, recon = data.cases, data.printed, data.reconciliation
    published = cases[cases["origin"] == "book"]
    t91 = _printed_9_1(printed)
    ce, ee, ja = (t91["Collective Efficiency Index"], t91["External economies (EE)"], t91["Joint actions (JA)"])
    out = []

    def add(cid, line, tables, statement, rule, evidence, ok):
        out.append({"claim_id": cid, "source_line": line, "page": line_ref(line), "tables": tables, "statement": statement,
                    "rule": rule, "evidence": evidence, "verdict": _verdict(ok)})

    top2 = set(ce.sort_values(ascending=False).index[:2])
    add("C01", 3123, "9.1 (printed)", "Collective efficiency is highest in natural-resource-based and software (specialized suppliers) clusters.",
        "the two largest printed CE indices belong to these two sectors", _fmt(ce), top2 == {"natural_resource", "specialized_suppliers"})
    add("C02", 3123, "9.1 (printed)", "Complex-products clusters have the lowest collective efficiency.",
        "smallest printed CE index", _fmt(ce), ce.idxmin() == "complex_products")
    add("C03", 3123, "9.1 (printed)", "The low CE of complex-products clusters comes mostly from few joint actions.",
        "complex products has the smallest printed JA of the four sectors", _fmt(ja), ja.idxmin() == "complex_products")
    add("C04", 3143, "9.1 (printed)", "External economies are more common than joint actions.",
        "printed EE exceeds printed JA in every sector", "EE - JA: " + _fmt(ee - ja), bool((ee > ja).all()))

    n13 = int((recon["table"] == "1.3").sum())
    add("C05", 515, "1.3", "Table 1.3 lists 40 case studies.", "count of case rows in Table 1.3",
        f"{n13} rows (São Bento do Sul furniture, present in Tables 9.2 and 9.4, is not listed)", n13 == 40)
    n_all = published["case_id"].nunique()
    add("C06", 515, "1.3, 9.2, 9.4-9.6", "The analysis covers 40 case studies.",
        "distinct cases across Tables 1.3, 9.2 and 9.4-9.6 after reconciling spellings (data/reconciliation.csv)",
        f"{n_all} distinct cases; Table 9.2 alone lists {int((recon['table'] == '9.2').sum())}", n_all == 40)
    t12 = data.table_1_2
    add("C07", 487, "1.2", "The book rests on 12 new field studies (Table 1.2).", "row count of Table 1.2",
        f"{len(t12)} rows, covering {t12['case_id'].nunique()} distinct cases (mangoes and grapes of Petrolina-Juazeiro are one case elsewhere)",
        len(t12) == 12)

    trad = published[published["sector"] == "traditional"]
    high = set(trad.loc[trad["ce_degree"] == "high", "case_id"])
    mode = trad["ce_degree"].mode().iloc[0]
    add("C08", 3127, "9.4", "Traditional-manufacturing clusters show intermediate CE, with the Sinos Valley and León footwear clusters ahead of the rest.",
        "modal CE degree is medium and the only 'high' cases are these two",
        f"modal degree {mode}; high: {', '.join(sorted(high))}", mode == "medium" and high == {"footwear-sinos-valley", "footwear-leon"})
    low = set(trad.loc[trad["ce_degree"] == "low", "case_id"])
    add("C09", 3127, "9.4", "Only a very few traditional clusters, Chipilo and Torreón among them, have low CE.",
        "both are 'low' and 'low' cases are under a quarter of the sector",
        f"low: {', '.join(sorted(low))} ({len(low)} of {len(trad)})",
        {"furniture-chipilo", "apparel-torreon"} <= low and len(low) < len(trad) / 4)

    def rel(cid, line, table, sector, col, statement, strict=True):
        m = _mean_by_degree(published, sector, col)
        rule = ("mean score rises strictly from low to medium to high CE" if strict else
                "mean score never falls from one CE degree to the next and is higher for 'high' than for 'low'")
        add(cid, line, table, statement, rule, "means by CE degree: " + ", ".join(f"{k} {v:.2f}" for k, v in m.items()),
            _rises_with_degree(m, strict))

    rel("C10", 3401, "9.4", "traditional", "upgrading_product", "In traditional manufacturing, product upgrading is positively related to CE.")
    rel("C11", 3453, "9.4", "traditional", "upgrading_functional", "In traditional manufacturing, functional upgrading is positively (if weakly) related to CE.", strict=False)
    rel("C12a", 3473, "9.5", "natural_resource", "upgrading_product", "In natural-resource clusters, product upgrading is positively related to CE.")
    rel("C12b", 3473, "9.5", "natural_resource", "upgrading_process", "In natural-resource clusters, process upgrading is positively related to CE.")

    nr = published[published["sector"] == "natural_resource"]
    k = int((nr["upgrading_functional"] > 0).sum())
    add("C13", 3473, "9.5", "In natural-resource clusters, functional upgrading is very rare.",
        "functional score above 0 in fewer than one case in three", f"{k} of {len(nr)} cases", k < len(nr) / 3)

    cop = published[published["sector"] == "complex_products"]
    add("C14", 3509, "9.6", "In complex-products clusters process upgrading is strong and product upgrading somewhat less so.",
        "mean process score exceeds mean product score",
        f"process {cop['upgrading_process'].mean():.2f}, product {cop['upgrading_product'].mean():.2f}",
        cop["upgrading_process"].mean() > cop["upgrading_product"].mean())
    k1, k2 = int((cop["upgrading_functional"] >= 1).sum()), int((cop["upgrading_functional"] >= 2).sum())
    add("C15", 3509, "9.6", "In complex-products clusters functional upgrading happened in only a few cases.",
        "functional score of at least 1 (low) in fewer than one case in three",
        f"{k1} of {len(cop)} cases score 1 or more; {k2} score 2 or more (the two the text names: Juárez and SJC)",
        k1 < len(cop) / 3)

    multi = _multi_chain(published)
    shares = published.assign(multi=multi).groupby("sector")["multi"].mean().reindex(list(SECTORS))
    add("C16", 3255, "9.2", "Coexisting domestic and global chains are found especially in traditional and natural-resource clusters.",
        "these two sectors have the two largest shares of cases in more than one chain (two chain types present, or a type coded 3)",
        "share of cases: " + _fmt(shares), set(shares.sort_values(ascending=False).index[:2]) == {"traditional", "natural_resource"})
    qh = int(cop["gov_quasi_hierarchy"].isin([2, 3]).sum())
    add("C17", 3363, "9.2", "Quasi-hierarchical global chains prevail in complex-products clusters.",
        "more than half of the cases have a global quasi-hierarchical chain (code 2 or 3)", f"{qh} of {len(cop)} cases", qh > len(cop) / 2)
    sw = published[published["sector"] == "specialized_suppliers"]
    dom = int(sw["gov_market"].isin([1, 3]).sum())
    add("C18", 3363, "9.2", "Software clusters deal with clients mainly through market or network chains, and sell mainly at home.",
        "every software case has a domestic market chain (market code 1 or 3)", f"{dom} of {len(sw)} cases", dom == len(sw))
    sw_qh = sw.loc[sw["gov_quasi_hierarchy"] > 0, "case_id"].tolist()
    add("C19", 3409, "9.2", "No software (specialized services) case is part of a quasi-hierarchical value chain (Chapter 9, note 4).",
        "no software case has a quasi-hierarchy code above 0", f"cases with one: {', '.join(sw_qh) or 'none'}", not sw_qh)

    num = lambda s: parse_printed(s).value
    flagged, exceed = set(), set()
    for _, r in t12.iterrows():
        if "c" in str(r["footnotes"]).split(","):
            flagged.add(r["cluster"])
        for prod, exp in (("production_1995", "exports_1996"), ("production_2002", "exports_2002")):
            p, e = num(r[prod]), num(r[exp])
            if p is not None and e is not None and e > p:
                exceed.add(r["cluster"])
    add("C20", 511, "1.2", "Note c of Table 1.2 marks the rows whose exports exceed production.",
        "the rows where an export figure exceeds the production figure of the same column pair are exactly the rows marked c",
        f"marked c: {', '.join(sorted(flagged))}; exports above production: {', '.join(sorted(exceed))}", flagged == exceed)

    deg = published.dropna(subset=["ce_degree"]).assign(o=lambda d: d["ce_degree"].cat.codes + 1)
    mean_deg = deg.groupby("sector")["o"].mean()
    common = [s for s in SECTORS if s in mean_deg.index]
    same_order = list(mean_deg[common].sort_values().index) == list(ce[common].sort_values().index)
    add("C21", 3129, "9.1 vs 9.4-9.6", "Cross-table: the sector ranking by the printed CE index of Table 9.1 agrees with the ranking by the mean CE degree of Tables 9.4-9.6.",
        "same order of the three sectors with published degrees (low=1, medium=2, high=3)",
        "mean degree: " + _fmt(mean_deg[common]) + "; CE index: " + _fmt(ce[common]), same_order)
    return pd.DataFrame(out)
