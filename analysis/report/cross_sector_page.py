"""What the page comparing the four sectors shows (``chapters/cross_sector.md``) besides its
tables and figures: the numbers its prose glues in (:func:`glue_values`) and the block of
the extended sample (:func:`extended_block`), which exists only when the build has new
cases. The sentences are the page's Markdown.
"""
from __future__ import annotations

import pandas as pd

from analysis.io import extended as ext
from analysis.method import tables


def glue_values(data, cases: pd.DataFrame) -> dict:
    """The sectors with the highest and lowest printed collective-efficiency index (Table 9.1)
    and how many complex-products clusters take part in a quasi-hierarchical chain."""
    t91 = tables.table_9_1_printed(data.printed)
    ce = t91["Collective Efficiency Index"]
    cop = cases[cases["sector"] == "complex_products"]
    code = pd.to_numeric(cop["gov_quasi_hierarchy"], errors="coerce")
    return {"ce_best": str(t91.loc[ce.idxmax(), "Sector"]), "ce_worst": str(t91.loc[ce.idxmin(), "Sector"]),
            # counts for the sentence: any quasi-hierarchical chain (code 1-3) and a global one
            # (code 2 or 3, what Chapter 9's statement C17 is checked on)
            "qh_any_cop": int((code > 0).sum()), "qh_global_cop": int(code.isin([2, 3]).sum()),
            "n_cop": int(len(cop))}


def extended_block(page, cases: pd.DataFrame, extended_cases: pd.DataFrame, new_cases: pd.DataFrame) -> tuple[str, dict]:
    """The section 'Published and extended samples': the sector summaries of both samples.

    In Python because the section, its heading and its sentence exist only when the build
    has new cases, which Markdown cannot test; empty otherwise. It names no case."""
    if not len(new_cases):
        return "", {}
    comp = ext.side_by_side(ext.sector_summary(cases), ext.sector_summary(extended_cases), "Sector")
    return "\n\n".join([
        "## Published and extended samples\n\nThis build adds new cases; the sector summaries of both samples:",
        page.table(comp, "extended_comparison", "Sector summaries, published and extended samples",
                   "data/cases.csv and the new case files")]), {}
