"""Chapter 3: SME fruit growers in three Brazilian clusters (Gomes).

Table 3.1 describes the clusters (apples in Santa Catarina, mangoes and grapes in
Petrolina-Juazeiro, melons in Rio Grande do Norte); Table 3.2 gives the SMEs'
share of each crop over time. The shares in both tables are derived figures
whose numerators and denominators the book never prints, so their audit rows
are ``not_derivable``; what can be checked is their agreement with Table 1.2 and
with the figures the chapter repeats in its prose (:func:`consistency_ch3`).
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.method.cells import number, printed
from analysis.audit.casestudies.text_claims import (as_printed, claim_row, display_text, is_lower_bound, compare_claim,
    not_derivable_rows, printed_value, stated_claim, t12_line, t12_value)

SC = "Santa Catarina | Apples"
PJM = "Petrolina-Juazeiro | Mangoes"
PJG = "Petrolina-Juazeiro | Grapes"
RN = "Rio Grande do Norte | Melons"
CASES = [SC, PJM, PJG, RN]
# Table 1.2 rows (searched by a substring of the cluster name) for each column.
T12_KEY = {SC: "Apples", PJM: "Mangoes", PJG: "Grapes", RN: "Melons"}

PERIODS = ["1985", "1988/1991", "1996/1997", "2002"]
SHARE_ROWS = ["Santa Catarina—apples", "Petrolina-Juazeiro—all crops", "Petrolina-Juazeiro | Mangoes",
              "Petrolina-Juazeiro | Grapes", "Rio Grande do Norte—melons"]

# Figures the chapter's prose states about the cells of Tables 3.1 and 3.2. The statements
# themselves (number, source line, qualifier, quote) are data in data/book/text_claims.csv,
# found there by the audit row that judges them; here only which cell each one is about.
# A footnote restating a figure the main text also gives gets its own row label, so that
# every audit row keeps a unique (table, row, column) key.
CLAIMS_3_1 = [  # (row of Table 3.1, column, audit row label)
    ("Number of growers", SC, "Number of growers"),
    ("Area planted (hectares)", SC, "Area planted (hectares)"),
    ("Total employment", SC, "Total employment"),
    ("Share of total exports", SC, "Share of total exports"),
    ("Area planted (hectares)", SC, "Area planted (hectares) (footnote figure)"),
    ("Area planted (hectares)", PJM, "Area planted (hectares)"),
    ("Area planted (hectares)", PJG, "Area planted (hectares)"),
    ("Total employment", PJM, "Total employment"),
    ("Share of total exports", PJM, "Share of total exports"),
    ("Share of total exports", PJG, "Share of total exports"),
    ("Area planted (hectares)", RN, "Area planted (hectares)"),
    ("Total employment", RN, "Total employment"),
    ("Share of national production", RN, "Share of national production"),
    ("Share of national production", RN, "Share of national production (footnote figure)"),
    ("Share of total exports", RN, "Share of total exports"),
]
# Grower counts the text gives as plain numbers while the table prints "N+".
CLAIMS_GROWERS_VS_BOUND = [PJM, PJG]
CLAIMS_3_2 = [  # (row of Table 3.2, period)
    ("Petrolina-Juazeiro—all crops", "1985"),
    ("Petrolina-Juazeiro—all crops", "1996/1997"),
    ("Petrolina-Juazeiro | Mangoes", "2002"),
    ("Petrolina-Juazeiro | Grapes", "2002"),
    ("Rio Grande do Norte—melons", "1996/1997"),
    ("Santa Catarina—apples", "1996/1997"),
]
# Chapter opening: SMEs account for 30 to 60 percent of production in the three clusters.
RANGE_LABEL = "latest share vs opening range"


def table_3_1(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 3.1 as printed (lower bounds such as "150+" included)."""
    return as_printed(cells, "Indicator")


def table_3_2(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 3.2 as printed: percent of each crop produced by SMEs, by period."""
    return as_printed(cells, "Case—crop (percent)")


def audit_table_3_1(cells: pd.DataFrame) -> list[dict]:
    """Audit rows for Table 3.1's derived cells (the two share rows).

    The shares of national production and of Brazilian exports are computed
    from national totals the book does not print: every one is not derivable.
    """
    return not_derivable_rows("3.1", cells,
                              "share of a Brazilian national total that is not printed in the book")


def audit_table_3_2(cells: pd.DataFrame) -> list[dict]:
    """Audit rows for Table 3.2: every cell is a share whose inputs are unpublished."""
    return not_derivable_rows("3.2", cells,
                              "SME share computed by the sources from area/tonnage data not printed in the book")


def consistency_ch3(cells_by_table: dict, table_1_2: pd.DataFrame) -> list[dict]:
    """Chapter 3 figures printed twice: Table 3.1 vs Table 1.2, tables vs text.

    ``cells_by_table`` maps "3.1" and "3.2" to loaded cells frames and holds the
    prose statements (:data:`analysis.io.chapter_tables.TEXT_CLAIMS`).
    """
    t31, t32 = cells_by_table["3.1"], cells_by_table["3.2"]
    return (_t31_vs_t12(t31, table_1_2) + _t31_vs_text(t31, cells_by_table) + _t32_vs_text(t32, cells_by_table))


def _t31_vs_t12(t31: pd.DataFrame, t12: pd.DataFrame) -> list[dict]:
    """Same cluster's production, exports, jobs and firms in Tables 3.1 and 1.2."""
    pairs = [("Value of production ($US millions), 2001", "production_2002",
              "Table 3.1 labels the year 2001, Table 1.2 labels it 2002"),
             ("Value of production ($US millions), 1995", "production_1995", ""),
             ("Value of exports ($US millions), 2002", "exports_2002", "")]
    out = []
    for case in CASES:
        key = T12_KEY[case]
        line = t12_line(t12, key)
        for row, col12, why in pairs:
            note = f"Table 1.2 line {line}, column {col12}" + (f"; {why}" if why else "")
            out.append(compare_claim("3.1 vs 1.2", row, case, printed(t31, row, case), t12_value(t12, key, col12), note=note))
        out.append(_growers_vs_firms(t31, case, t12_value(t12, key, "firms"), line))
    out += _jobs_vs_t12(t31, t12)
    return out


def _growers_vs_firms(t31: pd.DataFrame, case: str, firms: float, line) -> dict:
    """Table 3.1 grower count (maybe a lower bound "N+") vs Table 1.2 firms."""
    row = "Number of growers"
    bound = is_lower_bound(t31, row, case)
    return compare_claim("3.1 vs 1.2", row, case, printed(t31, row, case), firms,
                 qualifier="at least" if bound else "exact",
                 note=f"Table 1.2 line {line} number of firms; Table 3.1 prints "
                      f"'{display_text(t31, row, case)}'"
                      + ("; the prose (line 1106) says 'over 700', which 750 would fit" if case == SC else ""))


def _jobs_vs_t12(t31: pd.DataFrame, t12: pd.DataFrame) -> list[dict]:
    """Table 3.1 total employment vs Table 1.2 direct + indirect jobs."""
    out = []
    # PJ jobs: Table 1.2 prints them once, on the mango row (the grape row is blank).
    for case in (SC, PJM, RN):
        key = T12_KEY[case]
        direct = t12_value(t12, key, "direct_jobs")
        indirect = t12_value(t12, key, "indirect_jobs")
        note = (f"Table 1.2 line {t12_line(t12, key)}: direct {direct:,.0f} + indirect {indirect:,.0f}")
        if case == RN:
            note += "; Table 3.1 equals the direct jobs alone"
        out.append(compare_claim("3.1 vs 1.2", "Total employment", case, printed(t31, "Total employment", case),
                         direct + indirect, note=note))
    return out


def _t31_vs_text(t31: pd.DataFrame, tables: dict) -> list[dict]:
    """Table 3.1 against the cluster sketch in the chapter's prose."""
    out = [claim_row(tables, "3.1 vs text", label, col, printed_value(t31, row, col))
           for row, col, label in CLAIMS_3_1]
    # The table prints "150+"/"400+" (number() reads the bound). A prose lower bound is
    # consistent when the table's bound implies it; a plain prose figure must reach the bound.
    for col in CLAIMS_GROWERS_VS_BOUND:
        claim = stated_claim(tables, "3.1 vs text", "Number of growers", col)
        bound = number(t31, "Number of growers", col)
        shown = display_text(t31, "Number of growers", col)
        if claim.qualifier == "at least":
            out.append(compare_claim("3.1 vs text", "Number of growers", col, claim.text, bound, qualifier="at least",
                             line=claim.line, note=claim.about + f"; table prints '{shown}', which implies it"))
        else:
            out.append(compare_claim("3.1 vs text", "Number of growers", col, shown, float(claim.text.replace(",", "")),
                             line=claim.line,
                             note=claim.about + f"; the prose figure must reach the table's '{shown}'"))
    return out


def _t32_vs_text(t32: pd.DataFrame, tables: dict) -> list[dict]:
    """Table 3.2 shares against the shares the prose quotes."""
    out = [claim_row(tables, "3.2 vs text", row, col, printed_value(t32, row, col))
           for row, col in CLAIMS_3_2]
    # Latest printed share per case against the opening's "30 to 60 percent".
    for row in SHARE_ROWS:
        col = _latest_period(t32, row)
        label = f"{col}, {RANGE_LABEL}"
        claim = stated_claim(tables, "3.2 vs text", row, label)
        out.append(compare_claim("3.2 vs text", row, label, claim.text, printed_value(t32, row, col),
                         qualifier="range", line=claim.line,
                         note=claim.about + "; latest printed share of the case"))
    return out


def _latest_period(t32: pd.DataFrame, row: str) -> str:
    """Last period with a printed number for a case."""
    return [p for p in PERIODS if not math.isnan(printed_value(t32, row, p))][-1]


# What the book audit runs for this chapter (analysis.audit.casestudies.rows): the audit
# function of each numeric table that prints derived cells, and the consistency check.
CHAPTER = 3
AUDITS = {"3.1": audit_table_3_1, "3.2": audit_table_3_2}
CONSISTENCY = consistency_ch3
