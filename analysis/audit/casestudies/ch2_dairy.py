"""Chapter 2: the dairy cluster of Boaco and Chontales, Nicaragua (Artola and Parrilli).

Tables 2.1 (size of the dairy chain, 2000) and 2.2 (milk production, collection,
pasteurization and exports, 1995-2001). Neither table prints a total, share or
other derived cell: every printed figure is a primary input, so the audits
return no rows, and the interest lies in :func:`consistency_ch2`, which sets
the chapter's figures against Table 1.2, against each other and against the
text.
"""
from __future__ import annotations

import pandas as pd

from analysis.method.cells import number, printed
from analysis.method.printed import parse_printed
from analysis.audit.casestudies.text_claims import (as_printed, claim_row, compare_claim, stated_claim, t12_line,
    t12_text, t12_value)

NICARAGUA = "Nicaragua"
SMES = "SMEs in Boaco-Chontales"
LARGE = "Large companies in Boaco-Chontales"
YEARS = ["1995", "1996", "1997", "1998", "1999", "2000", "2001"]

# The figures the prose states about Table 2.1 are data (data/book/text_claims.csv), found
# by the audit row that judges them (analysis.audit.casestudies.text_claims.stated_claim).


def table_2_1(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 2.1 as printed: rows are chain indicators, columns the three territories."""
    return as_printed(cells, "Dairy production chain, 2000")


def table_2_2(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 2.2 as printed: series by year (millions of gallons; exports in US$ millions)."""
    return as_printed(cells, "Series")


def audit_table_2_1(cells: pd.DataFrame) -> list[dict]:
    """Audit rows for Table 2.1's derived cells.

    The table prints no derived cell (no national total is the sum of the two
    Boaco-Chontales columns: Nicaragua is a wider territory), so the list is
    empty; a derived cell added to the file would be refused here.
    """
    return _no_derived("2.1", cells)


def audit_table_2_2(cells: pd.DataFrame) -> list[dict]:
    """Audit rows for Table 2.2's derived cells (none are printed)."""
    return _no_derived("2.2", cells)


def _no_derived(table: str, cells: pd.DataFrame) -> list[dict]:
    # Why raise: an audit must cover every derived cell, so a derived cell this
    # function does not know how to recompute is an error, not a silent skip.
    derived = cells[cells["kind"] == "derived"]
    if not derived.empty:
        raise ValueError(f"Table {table}: no recomputation rule for derived cells "
                         f"{list(zip(derived['row'], derived['column']))}")
    return []


def _range(cells: pd.DataFrame, row: str, column: str) -> tuple[float, float]:
    """(low, high) of a printed cell that may be a range ("70–100") or a number."""
    p = parse_printed(printed(cells, row, column))
    return (p.low, p.high) if p.value is None else (p.value, p.value)


def consistency_ch2(cells_by_table: dict, table_1_2: pd.DataFrame) -> list[dict]:
    """Cross-checks of the dairy figures printed in more than one place.

    ``cells_by_table`` maps "2.1" and "2.2" to loaded cells frames; ``table_1_2``
    holds Table 1.2 with printed strings. Returns audit rows.
    """
    t21, t22 = cells_by_table["2.1"], cells_by_table["2.2"]
    return (_vs_text(t21, cells_by_table) + _vs_table_1_2(t21, table_1_2) + _table_2_1_vs_2_2(t21, t22))


def _vs_text(t21: pd.DataFrame, tables: dict) -> list[dict]:
    """Table 2.1 against the prose of Chapters 1 and 2."""
    firms = "Number of livestock companies"
    rows = [claim_row(tables, "2.1 vs text", firms, col, number(t21, firms, col)) for col in (SMES, LARGE)]
    # The prose count of enterprises (71) should fall inside the printed range.
    ind = "Number of industrial enterprises"
    c = stated_claim(tables, "2.1 vs text", ind, SMES)
    rows.append(compare_claim("2.1 vs text", ind, SMES, printed(t21, ind, SMES), float(c.text),
                      qualifier="range", line=c.line,
                      note=c.about + "; printed range judged against the prose count (prose is for 1998, table for 2000)"))
    return rows


def _vs_table_1_2(t21: pd.DataFrame, t12: pd.DataFrame) -> list[dict]:
    """Table 1.2's dairy row (number of firms) against Table 2.1."""
    line = t12_line(t12, "dairy")
    firms_12 = t12_value(t12, "dairy", "firms")
    # Cluster firms = livestock companies of both sizes + industrial enterprises,
    # the only reading under which Table 2.1 yields a count near 10,605.
    livestock = number(t21, "Number of livestock companies", SMES) + number(t21, "Number of livestock companies", LARGE)
    lo, hi = _range(t21, "Number of industrial enterprises", SMES)
    lo_l, hi_l = _range(t21, "Number of industrial enterprises", LARGE)
    rec = compare_claim("2.1 vs 1.2", "Number of firms (livestock + industrial)", "Boaco-Chontales",
                t12_text(t12, "dairy", "firms"), (livestock + lo + lo_l, livestock + hi + hi_l),
                note=f"Table 1.2 line {line} prints {firms_12:,.0f} firms; Table 2.1 gives "
                     f"{livestock:,.0f} livestock companies plus 70–100 industrial enterprises")
    return [rec]


def _table_2_1_vs_2_2(t21: pd.DataFrame, t22: pd.DataFrame) -> list[dict]:
    """Table 2.1 (year 2000, national column) against the 2000 column of Table 2.2."""
    prod_rows = compare_claim("2.1 vs 2.2", "Total production (millions of gallons/yr)", NICARAGUA,
                      printed(t21, "Total production (millions of gallons/yr)", NICARAGUA),
                      number(t22, "Production", "2000"), qualifier="range",
                      note="national milk production in 2000: Table 2.1 range vs Table 2.2 figure (line 934)")
    exp_rows = compare_claim("2.1 vs 2.2", "Exports (US$ millions)", NICARAGUA,
                     printed(t21, "Exports (US$ millions)", NICARAGUA),
                     number(t22, "Export (US$ millions)", "2000"),
                     note="national dairy exports in 2000, both from the Central Bank of Nicaragua: "
                          "Table 2.1 (line 770) vs Table 2.2 (line 937)")
    return [prod_rows, exp_rows]


# What the book audit runs for this chapter (analysis.audit.casestudies.rows): the audit
# function of each numeric table that prints derived cells, and the consistency check.
CHAPTER = 2
AUDITS = {"2.1": audit_table_2_1, "2.2": audit_table_2_2}
CONSISTENCY = consistency_ch2
