"""Chapter 4: the salmon farming and processing cluster of southern Chile (Maggi).

Numeric tables: 4.1 (production and exports, 1987-2001), 4.3 (firms and jobs by
industry, rebuilt from a garbled extraction: see PROVENANCE_ch2_ch4.md) and 4.4
(main businesses and their 2001 exports). Qualitative tables 4.2 (life-cycle
stages), 4.5 (collective actions) and 4.6 (upgrading) are tidy CSVs with their
own loaders' schemas here.
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.rules import audit_row
from analysis.method.cells import number, printed, wide
from analysis.audit.casestudies.text_claims import (as_printed, cagr, claim_row, compare_claim, stated_claim,
    not_derivable_rows, t12_line, t12_text, value_or_zero)

# ---- Table 4.1 ----
YEARS = ["1987", "1990", "1993", "1996", "1999", "2001"]
PROD = "Production of farmed salmon and trout in Chile (thousands of tons)"
SHARE = "Chile's percentage of world farmed salmon production"
TENTH = "Tenth Region estimated production (thousands of tons)"
EXPORTS = "Total export value (US$ millions FOB)"

# ---- Table 4.3 ----
CORE = "Core of production chain | "
SUP = "Direct supply industries (estimate) | "
CORE_ROWS = [CORE + "Fish farming (hatchery)", CORE + "Prefattening, lake center, cultivation centers",
             CORE + "Processing", CORE + "[fourth core industry, label not printed]"]
SUP_ROWS = [SUP + "Feed suppliers", SUP + "Equipment, farming materials",
            SUP + "Pharmaceuticals, ichthyopathology suppliers", SUP + "Suppliers of processing equipment",
            SUP + "Packing, crating", SUP + "Harvesting, transportation, maintenance suppliers"]
IND, INT, TOT, JOBS = ("Number of independent firms", "Number of integrated firms", "Total",
                       "Jobs (estimated, December 2001)")

# ---- Table 4.4 ----
EXP_P1 = "Value of exports 2001 (US$ millions FOB)"
EXP_P2 = "Value of sales/ export 2001 (US$ millions FOB)"
TENTH_SHARE = "Tenth Region share of Chile's production (%)"
FRESH_BOTH = "independent + integrated (integrated counted once)"

# The figures the prose states about these tables are data (data/book/text_claims.csv), found
# by the audit row that judges them (analysis.audit.casestudies.text_claims.stated_claim).


# ---------------------------------------------------------------- display tables
def table_4_1(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 4.1 as printed (weight of eviscerated product)."""
    return as_printed(cells, "Year")


def table_4_3(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 4.3 as reconstructed: firms and jobs by subsystem and industry."""
    out = wide(cells)
    parts = out.index.str.split(" | ", n=1, regex=False)
    out.index = pd.MultiIndex.from_tuples([tuple(p) for p in parts], names=["Subsystem", "Industry"])
    out.columns.name = None
    return out


def table_4_4(cells: pd.DataFrame, businesses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 4.4: main businesses, 2001 exports, optionally with the text columns.

    The two printed pages head the value column differently; the display shows
    one value column and keeps the printed header of each row in ``header``.
    """
    out = cells[["row", "printed", "column"]].rename(
        columns={"row": "Name of business/group", "printed": "Value of exports 2001 (US$ millions FOB)",
                 "column": "header as printed"})
    if businesses is not None:
        out = out.merge(businesses.rename(columns={"business": "Name of business/group"})
                        [["Name of business/group", "product_location", "capital_structure_summary"]],
                        on="Name of business/group", how="left")
    return out.reset_index(drop=True)


def table_4_2(df: pd.DataFrame) -> pd.DataFrame:
    """Table 4.2 display: dimensions by stage, bullet items joined."""
    return _pivot_items(df, index="dimension", columns="stage", order=["Initiation", "Maturity", "Globalization"])


def table_4_5(df: pd.DataFrame) -> pd.DataFrame:
    """Table 4.5 display: one line per collective action."""
    cols = {"stage": "Stage", "actors": "Actors", "action": "Collective action", "cause_incentive": "Cause/incentive",
            "financing_type": "Financing", "public_share_pct": "Public %", "private_share_pct": "Private %",
            "amount_printed": "Amount (as printed)", "result_rating": "Result", "result_detail": "Result detail"}
    return df.sort_values("action_no")[list(cols)].rename(columns=cols).reset_index(drop=True)


def table_4_6(df: pd.DataFrame) -> pd.DataFrame:
    """Table 4.6 display: upgrading type and link by practices/leadership/impact."""
    out = df.assign(key=df["upgrade_type"] + " | " + df["link"])
    wide_ = _pivot_items(out, index="key", columns="dimension",
                         order=["Practices", "Leadership/action", "Impact/results"])
    wide_.index = pd.MultiIndex.from_tuples([tuple(k.split(" | ", 1)) for k in wide_.index],
                                            names=["Upgrade", "Link"])
    return wide_


def _pivot_items(df: pd.DataFrame, index: str, columns: str, order: list[str]) -> pd.DataFrame:
    """Join the items of each (index, column) cell with '; ', keeping file order."""
    rows = list(dict.fromkeys(df[index]))
    g = df[df["item"].astype(str) != ""].groupby([index, columns], sort=False)["item"].agg("; ".join)
    return g.unstack(columns).reindex(index=rows, columns=order)


def audit_table_4_1(cells: pd.DataFrame) -> list[dict]:
    """Audit rows for Table 4.1: Chile's world share needs world totals not printed."""
    return not_derivable_rows("4.1", cells, "world farmed salmon production is not printed in the book")


def audit_table_4_3(cells: pd.DataFrame) -> list[dict]:
    """Recompute every derived cell of Table 4.3 (row totals and the two subtotals)."""
    out = [_row_total(cells, r) for r in CORE_ROWS + SUP_ROWS]
    out += _subtotal(cells, CORE_ROWS, CORE + "Subtotal", dedup=True)
    out += _subtotal(cells, SUP_ROWS, SUP + "Subtotal", dedup=False)
    return out


def _row_total(cells: pd.DataFrame, row: str) -> dict:
    """Total = independent + integrated firms (a blank integrated cell means none)."""
    comp = number(cells, row, IND) + value_or_zero(cells, row, INT)
    return audit_row("4.3", row, TOT, printed(cells, row, TOT), comp, "independent + integrated firms")


def _subtotal(cells: pd.DataFrame, rows: list[str], sub: str, dedup: bool) -> list[dict]:
    """Audit one subtotal line: independents and jobs are plain sums; integrated
    firms in the core are counted once across phases (footnote a), so neither
    that count nor the core Total can be recomputed from the printed rows."""
    ind = sum(number(cells, r, IND) for r in rows)
    integ = sum(value_or_zero(cells, r, INT) for r in rows)
    jobs = sum(number(cells, r, JOBS) for r in rows)
    out = [audit_row("4.3", sub, IND, printed(cells, sub, IND), ind, "sum of the industry rows"),
           audit_row("4.3", sub, JOBS, printed(cells, sub, JOBS), jobs, "sum of the industry rows")]
    if dedup:
        why = (f"integrated firms are counted once across core phases (footnote a); the plain column "
               f"sums would be {integ:g} integrated and {ind + integ:g} in total")
        out += [audit_row("4.3", sub, INT, printed(cells, sub, INT), None, why),
                audit_row("4.3", sub, TOT, printed(cells, sub, TOT), None, why)]
    else:
        out += [audit_row("4.3", sub, INT, printed(cells, sub, INT), integ, "sum of the industry rows"),
                audit_row("4.3", sub, TOT, printed(cells, sub, TOT), ind + integ,
                          "sum of independent and integrated firms over the industry rows")]
    return out


def audit_table_4_4(cells: pd.DataFrame) -> list[dict]:
    """Audit rows for Table 4.4: it prints no total or other derived cell."""
    derived = cells[cells["kind"] == "derived"]
    if not derived.empty:
        raise ValueError("Table 4.4: no recomputation rule for its derived cells")
    return []


# ---------------------------------------------------------------- consistency
def consistency_ch4(cells_by_table: dict, table_1_2: pd.DataFrame) -> list[dict]:
    """Chapter 4 figures printed twice: tables vs Table 1.2, vs each other, vs text.

    ``cells_by_table`` maps "4.1", "4.3", "4.4" to cells frames and, optionally,
    "4.2" and "4.4 businesses" to the loaded qualitative CSVs (checks that need
    them are skipped when absent).
    """
    t41, t43 = cells_by_table["4.1"], cells_by_table["4.3"]
    tb = cells_by_table
    out = _t41_vs_text(t41, tb) + _t43_vs_text(t43, tb) + _vs_t12(t41, t43, table_1_2)
    if "4.2" in cells_by_table:
        out += _t42_checks(cells_by_table["4.2"], t41, tb)
    if "4.4" in cells_by_table and "4.4 businesses" in cells_by_table:
        out += _t44_vs_text(cells_by_table["4.4"], cells_by_table["4.4 businesses"], tb)
    return out


def _t41_vs_text(t41: pd.DataFrame, tb: dict) -> list[dict]:
    """Growth rate, regional concentration and export level claimed in the prose."""
    growth = "1990→2001 average annual growth (%)"
    # 10 years back from the last printed year (2001) falls between columns; 1990 is nearest.
    alt = cagr(number(t41, "1990", PROD), number(t41, "1999", PROD), 9)
    out = [claim_row(tb, "4.1 vs text", growth, PROD, cagr(number(t41, "1990", PROD), number(t41, "2001", PROD), 11),
                       note=f"the nearest 9-year window 1990→1999 gives {alt:.1f}%"),
           claim_row(tb, "4.1 vs text", growth, EXPORTS, cagr(number(t41, "1990", EXPORTS), number(t41, "2001", EXPORTS), 11),
                       note="same claim read on export value"),
           claim_row(tb, "4.1 vs text", "2001", TENTH_SHARE, 100 * number(t41, "2001", TENTH) / number(t41, "2001", PROD)),
           claim_row(tb, "4.1 vs text", "2001", EXPORTS, number(t41, "2001", EXPORTS),
                       note="text refers to 2001-2002")]
    return out


def _t43_vs_text(t43: pd.DataFrame, tb: dict) -> list[dict]:
    """Jobs, firm counts and job shares of Table 4.3 against the prose."""
    direct = sum(number(t43, r, JOBS) for r in CORE_ROWS)
    indirect = sum(number(t43, r, JOBS) for r in SUP_ROWS)
    share = {r: 100 * number(t43, r, JOBS) / direct for r in CORE_ROWS}
    sup_firms = sum(number(t43, r, IND) + value_or_zero(t43, r, INT) for r in SUP_ROWS)
    h, p, pr = CORE_ROWS[0], CORE_ROWS[1], CORE_ROWS[2]
    j = "4.3 vs text"
    b210 = stated_claim(tb, j, "Core + supply", TOT)
    return [
        claim_row(tb, j, "Core + supply", JOBS, direct + indirect),
        claim_row(tb, j, CORE + "Subtotal", JOBS, direct),
        claim_row(tb, j, SUP + "Subtotal", JOBS, indirect),
        claim_row(tb, j, pr, "share of core jobs (%)", share[pr]),
        claim_row(tb, j, p, "share of core jobs (%)", share[p],
                    note="'fattening farms' read as prefattening/lake/cultivation centers"),
        claim_row(tb, j, h, "share of core jobs (%)", share[h]),
        claim_row(tb, j, pr, TOT, number(t43, pr, IND) + value_or_zero(t43, pr, INT),
                    note="the unlabelled fourth core row totals 34"),
        claim_row(tb, j, SUP + "Subtotal", TOT, sup_firms),
        claim_row(tb, j, SUP + "Feed suppliers", TOT, number(t43, SUP + "Feed suppliers", IND) + value_or_zero(t43, SUP + "Feed suppliers", INT)),
        claim_row(tb, j, "Hatchery + prefattening", IND, number(t43, h, IND) + number(t43, p, IND)),
        claim_row(tb, j, "Hatchery + prefattening", FRESH_BOTH, number(t43, h, IND) + number(t43, p, IND) + max(number(t43, h, INT), number(t43, p, INT)),
                    note="assumes the 19 integrated hatchery firms are among the 31 integrated lake-centre firms"),
        audit_row(j, "Core + supply", TOT, b210.text, None,
                  f"text line {b210.line}: {b210.about}; "
                  "the core total is a de-duplicated count that cannot be recomputed (printed subtotals 66 and 147)"),
    ]


def _vs_t12(t41: pd.DataFrame, t43: pd.DataFrame, t12: pd.DataFrame) -> list[dict]:
    """Salmon row of Table 1.2 against Tables 4.1 and 4.3."""
    line = t12_line(t12, "Salmon")
    direct = sum(number(t43, r, JOBS) for r in CORE_ROWS)
    indirect = sum(number(t43, r, JOBS) for r in SUP_ROWS)
    sup_firms = sum(number(t43, r, IND) + value_or_zero(t43, r, INT) for r in SUP_ROWS)
    firms = t12_text(t12, "Salmon", "firms")
    core_txt, sup_txt = [s.strip() for s in firms.split("+")]
    n = f"Table 1.2 line {line}"
    return [
        compare_claim("4.1 vs 1.2", "1996", EXPORTS, t12_text(t12, "Salmon", "exports_1996"),
              number(t41, "1996", EXPORTS), note=f"{n} exports 1996 (printed) vs Table 4.1 1996 export value"),
        compare_claim("4.3 vs 1.2", CORE + "Subtotal", JOBS, t12_text(t12, "Salmon", "direct_jobs"), direct,
              qualifier="approx", tol=500, note=f"{n} direct jobs, a round figure, vs the core jobs sum"),
        compare_claim("4.3 vs 1.2", SUP + "Subtotal", JOBS, t12_text(t12, "Salmon", "indirect_jobs"), indirect,
              note=f"{n} indirect jobs vs the supply jobs sum"),
        compare_claim("4.3 vs 1.2", SUP + "Subtotal", TOT, sup_txt, sup_firms, qualifier="approx", tol=5,
              note=f"{n} '{firms}': additional local providers vs supply firms"),
        audit_row("4.3 vs 1.2", CORE + "Subtotal", TOT, core_txt, None,
                  f"{n} '{firms}': firms in the main chain; the core total is de-duplicated and cannot be "
                  "recomputed (printed 66)"),
    ]


def _t42_checks(t42: pd.DataFrame, t41: pd.DataFrame, tb: dict) -> list[dict]:
    """Tonnages in Table 4.2's stage headers vs Table 4.1 and the text."""
    def tons(stage: str, dim: str) -> str:
        item = t42[(t42["stage"] == stage) & (t42["dimension"] == dim)].iloc[0]["item"]
        return item.split("(")[1].split(" tons")[0]

    start_glob = tons("Globalization", "Start of stage (year, production)")
    end_glob = tons("Globalization", "End of stage (year, production)")
    end_init = tons("Initiation", "End of stage (year, production)")
    c = stated_claim(tb, "4.2 vs text", "1985 (end of initiation), tons", "production")
    return [
        compare_claim("4.2 vs 4.1", "1996 (start of globalization), tons", PROD, start_glob, 1000 * number(t41, "1996", PROD),
              note="Table 4.2 line 1558 vs Table 4.1 Chile 1996"),
        compare_claim("4.2 vs 4.1", "1996 (start of globalization), tons", TENTH, start_glob,
              1000 * number(t41, "1996", TENTH), note="Table 4.2 line 1558 vs Table 4.1 Tenth Region 1996"),
        compare_claim("4.2 vs 4.1", "present (end of globalization), tons", PROD, end_glob,
              1000 * number(t41, "2001", PROD), qualifier="approx", tol=5000,
              note="Table 4.2 line 1558 vs Table 4.1 Chile 2001: 'present' read as 2001, the last year of "
                   "Table 4.1; 400,000 is a round figure"),
        compare_claim("4.2 vs text", "1985 (end of initiation), tons", "production", c.text,
              float(end_init.replace(",", "")), line=c.line,
              note=c.about + "; Table 4.2 (line 1558) prints 900 tons for 1985"),
    ]


def _t44_vs_text(t44: pd.DataFrame, businesses: pd.DataFrame, tb: dict) -> list[dict]:
    """Counts of producers by 2001 export band vs the three groups in the text."""
    values = _t44_values(t44)
    # Feed makers are not salmon producers: keep firms whose products include farming.
    farming = set(businesses.loc[businesses["product_location"].str.contains("arming"), "business"])
    prod = {k: v for k, v in values.items() if k in farming}
    big = sum(1 for v in prod.values() if v > 50)
    mid = sum(1 for v in prod.values() if 20 <= v <= 40)
    gap = [k for k, v in prod.items() if 40 < v <= 50]
    return [claim_row(tb, "4.4 vs text", "producers with 2001 exports > US$50 million", "count", big),
            claim_row(tb, "4.4 vs text", "producers with 2001 exports US$20–40 million", "count", mid,
                        note=f"producers between the two bands: {', '.join(gap) or 'none'}")]


def _t44_values(t44: pd.DataFrame) -> dict[str, float]:
    """2001 export value per business across both printed pages."""
    return {r.row: number(t44, r.row, r.column) for r in t44.itertuples()}


# What the book audit runs for this chapter (analysis.audit.casestudies.rows): the audit
# function of each numeric table that prints derived cells, and the consistency check.
CHAPTER = 4
AUDITS = {"4.1": audit_table_4_1, "4.3": audit_table_4_3, "4.4": audit_table_4_4}
CONSISTENCY = consistency_ch4
