"""Chapter 5 (Zepeda): wooden furniture in Puebla, the Chipilo cluster and Segusino.

Tables 5.1-5.5 are stored cell by cell in ``data/chapters/table_5_*.csv`` (see
``PROVENANCE_ch5.md``). This module offers, for each table,

* ``table_5_N(cells)``: the table for display, as printed;
* ``audit_table_5_N(cells)``: one audit row per printed *derived* cell, recomputed
  from input cells only;

plus :func:`consistency_ch5` (table vs text, table vs table, Table 1.2 vs the
chapter) and the series our charts draw (their figures are in
:mod:`analysis.report.furniture_page`). Nothing here reads files: callers pass loaded frames.
"""
from __future__ import annotations

import itertools
import math

import pandas as pd

from analysis.audit.casestudies.text_claims import claim_line, claim_row, claim_value
from analysis.audit.rules import AUDIT_COLUMNS, audit_row
from analysis.method.cells import number, printed, wide
from analysis.method.printed import parse_printed

# ---------------------------------------------------------------------------
# column labels, exactly as stored in the cells files
# ---------------------------------------------------------------------------
T51_TOTAL = "Wooden furniture exports | US$ millions"
T51_TOTAL_PCT = "Wooden furniture exports | %"
T51_MAQ = "Maquiladoras | US$ millions"
T51_MAQ_PCT = "Maquiladoras | %"
T51_NON = "Non-maquiladoras | US$ millions"
T51_NON_PCT = "Non-maquiladoras | %"

T52_RANK = "Ranking"
T52_EXP = {"1992": "1992 | Exports to the U.S. (US$ millions)", "2001": "2001 | Exports to the U.S. (US$ millions)"}
T52_SHARE = {"1992": "1992 | % share", "2001": "2001 | % share"}
T52_CHG = "1992–2001 change in exports | (US$ millions)"
T52_CHG_PCT = "1992–2001 change in exports | (%)"
T52_AGGREGATES = ("Subtotal", "Others", "Total")

T53_FIRMS = "Number of firms"
T53_EMP = "Employment"
T53_EMP_PER_FIRM = "Employment per firm"
T53_VA_FIRM = "Value added per firm"
T53_VA_EMP = "Value added per employee"
T53_WAGE = "Wages per employee"
T53_VA_PROD = "Value added/production"

T54_EMP = "Number of employees"
T54_CHG = "Yearly change | Number"
T54_CHG_PCT = "Yearly change | Percentage"

T55_ASSETS = "Total assets"
T55_LIAB = "Total liabilities"
T55_EQUITY = "Equity"
T55_SALES = "Sales"
T55_EXPORTS = "Exports"
T55_EXP_SALES = "Exports/sales"
T55_LEVERAGE = "Leverage (liabilities/equity)"
T55_LIAB_RATIO = "Liability ratio (assets/liabilities)"


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
def _display(cells: pd.DataFrame, index_name: str) -> pd.DataFrame:
    """The table as printed, with spanning headers ("A | B") split into two column levels."""
    out = wide(cells)
    if any(" | " in c for c in out.columns):
        out.columns = pd.MultiIndex.from_tuples(
            [tuple(c.split(" | ", 1)) if " | " in c else (c, "") for c in out.columns])
    out.index.name = index_name
    return out


def _rows(cells: pd.DataFrame) -> list[str]:
    """Row labels in file order."""
    return list(dict.fromkeys(cells["row"]))


def _half_unit(cells: pd.DataFrame, row: str, column: str) -> float:
    """Half of the last printed digit of a cell: the rounding error it may carry."""
    d = parse_printed(printed(cells, row, column)).decimals or 0
    return 0.5 * 10 ** (-d)


def _tolerance(f, values: list[float], halves: list[float]) -> float:
    """Largest change of ``f`` when each input moves by its rounding half-width.

    The corners of the box are enough because every formula audited here (sums,
    differences, ratios of positive amounts) is monotone in each input.
    """
    centre = f(*values)
    worst = 0.0
    for signs in itertools.product((-1.0, 1.0), repeat=len(values)):
        moved = [v + s * h for v, s, h in zip(values, signs, halves)]
        worst = max(worst, abs(f(*moved) - centre))
    return worst


def _missing(x: float) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _growth(new: float, old: float) -> float:
    """Percentage change from ``old`` to ``new``."""
    return 100.0 * (new - old) / old


def _table(cells_by_table: dict, key: str) -> pd.DataFrame:
    """Fetch a table by "5.1" or "table_5_1"."""
    for k in (key, "table_" + key.replace(".", "_")):
        if k in cells_by_table:
            return cells_by_table[k]
    raise KeyError(f"cells_by_table has no Table {key}")


def _claim(table: str, row: str, column: str, claim: str, computed, holds: bool,
           rule: str, note: str) -> dict:
    """Audit record for a claim that is checked as a statement (sign, order, bound), not a figure."""
    return {"table": table, "row": row, "column": column, "printed": claim,
            "computed": None if _missing(computed) else round(float(computed), 6),
            "status": "match" if holds else "mismatch", "rule": rule, "note": note}


# ---------------------------------------------------------------------------
# Table 5.1: Mexico's exports of wooden furniture, 1991-2001
# ---------------------------------------------------------------------------
def table_5_1(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 5.1 as printed: exports by maquiladoras and non-maquiladoras (US$ millions, %)."""
    return _display(cells, "Year")


def _exports_5_1(cells: pd.DataFrame, year: str) -> tuple[float, float, float]:
    """(maquiladoras, non-maquiladoras, total) for one year, from input cells only.

    Where the split is published the total is its sum; for 1991-1993 only the
    total is printed and it is then itself the input.
    """
    maq, non = number(cells, year, T51_MAQ), number(cells, year, T51_NON)
    if _missing(maq) or _missing(non):
        return maq, non, number(cells, year, T51_TOTAL)
    return maq, non, maq + non


def audit_table_5_1(cells: pd.DataFrame) -> list[dict]:
    """Recompute the totals (1994-2001) and every % share of Table 5.1."""
    out = []
    for year in _rows(cells):
        maq, non, total = _exports_5_1(cells, year)
        split = not (_missing(maq) or _missing(non))
        if split:
            h = [_half_unit(cells, year, T51_MAQ), _half_unit(cells, year, T51_NON)]
            out.append(audit_row("5.1", year, T51_TOTAL, printed(cells, year, T51_TOTAL), total,
                                 "maquiladoras + non-maquiladoras", input_tolerance=sum(h)))
            for col, f in ((T51_MAQ_PCT, lambda m, n: 100 * m / (m + n)),
                           (T51_NON_PCT, lambda m, n: 100 * n / (m + n))):
                out.append(audit_row("5.1", year, col, printed(cells, year, col), f(maq, non),
                                     "component / (maquiladoras + non-maquiladoras) x 100",
                                     input_tolerance=_tolerance(f, [maq, non], h)))
        else:
            for col in (T51_MAQ_PCT, T51_NON_PCT):
                out.append(audit_row("5.1", year, col, printed(cells, year, col), None,
                                     "split between maquiladoras and others not published"))
        # the total's own share is 100 by construction; audited so that no cell escapes
        out.append(audit_row("5.1", year, T51_TOTAL_PCT, printed(cells, year, T51_TOTAL_PCT),
                             100 * total / total, "total / total x 100"))
    return out


def exports_series_5_1(cells: pd.DataFrame) -> pd.DataFrame:
    """Long frame (year, series, US$ millions) of Table 5.1, totals recomputed from inputs."""
    recs = []
    for year in _rows(cells):
        maq, non, total = _exports_5_1(cells, year)
        for series, value in (("Total", total), ("Maquiladoras", maq), ("Non-maquiladoras", non)):
            if not _missing(value):
                recs.append({"year": int(year), "series": series, "us_millions": value})
    return pd.DataFrame(recs)


# ---------------------------------------------------------------------------
# Table 5.2: origin of U.S. imports of wooden furniture, 1992 and 2001
# ---------------------------------------------------------------------------
def table_5_2(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 5.2 as printed: top ten exporters to the U.S., 1992 and 2001."""
    return _display(cells, "Country")


def _countries_5_2(cells: pd.DataFrame) -> list[str]:
    """The ten country rows (everything but Subtotal, Others, Total)."""
    return [r for r in _rows(cells) if r not in T52_AGGREGATES]


def _aggregates_5_2(cells: pd.DataFrame, year: str) -> dict:
    """Inputs and their rounding half-widths for one year: countries, their sum, Total."""
    countries = _countries_5_2(cells)
    exports = {c: number(cells, c, T52_EXP[year]) for c in countries}
    halves = {c: _half_unit(cells, c, T52_EXP[year]) for c in countries}
    return {
        "exports": exports, "halves": halves,
        "subtotal": sum(exports.values()), "subtotal_half": sum(halves.values()),
        "total": number(cells, "Total", T52_EXP[year]),
        "total_half": _half_unit(cells, "Total", T52_EXP[year]),
    }


def _rank_note(cells: pd.DataFrame, country: str) -> str:
    """Whether a printed 1992 rank is compatible with the listed countries' 1992 exports.

    Only an ordering check: the other exporters are not published, so the rank
    itself cannot be recomputed.
    """
    col = T52_EXP["1992"]
    mine = number(cells, country, col)
    above = sum(1 for c in _countries_5_2(cells) if number(cells, c, col) > mine)
    rank = parse_printed(printed(cells, country, T52_RANK)).value
    verdict = "compatible" if rank >= above + 1 else "INCOMPATIBLE"
    return (f"1992 rank among all exporters; {above} listed countries exported more in 1992, "
            f"so rank >= {above + 1}: printed {rank:g} is {verdict}")


def audit_table_5_2(cells: pd.DataFrame) -> list[dict]:
    """Recompute subtotals, residual 'Others', shares and changes of Table 5.2.

    The Total row (all U.S. imports of wooden furniture) is the source aggregate
    and the base of every share; 'Others' is the residual Total - Subtotal.
    """
    agg = {y: _aggregates_5_2(cells, y) for y in ("1992", "2001")}
    out = []
    for country in _rows(cells):
        if country in T52_AGGREGATES:
            out.append(audit_row("5.2", country, T52_RANK, printed(cells, country, T52_RANK), None,
                                 "no rank for an aggregate row"))
        else:
            out.append(audit_row("5.2", country, T52_RANK, printed(cells, country, T52_RANK), None,
                                 _rank_note(cells, country)))
    # levels and shares, year by year
    share_parts = {}
    for y, a in agg.items():
        T, Th = a["total"], a["total_half"]
        S, Sh = a["subtotal"], a["subtotal_half"]
        for c, e in a["exports"].items():
            f = lambda e_, t_: 100 * e_ / t_
            share_parts[(c, y)] = (f, [e, T], [a["halves"][c], Th])
        out.append(audit_row("5.2", "Subtotal", T52_EXP[y], printed(cells, "Subtotal", T52_EXP[y]), S,
                             "sum of the ten listed countries", input_tolerance=Sh))
        out.append(audit_row("5.2", "Others", T52_EXP[y], printed(cells, "Others", T52_EXP[y]), T - S,
                             "Total - sum of the ten listed countries", input_tolerance=Sh + Th))
        share_parts[("Subtotal", y)] = (lambda s_, t_: 100 * s_ / t_, [S, T], [Sh, Th])
        share_parts[("Others", y)] = (lambda s_, t_: 100 * (t_ - s_) / t_, [S, T], [Sh, Th])
        share_parts[("Total", y)] = (lambda t_: 100 * t_ / t_, [T], [Th])
    for (row, y), (f, vals, halves) in share_parts.items():
        out.append(audit_row("5.2", row, T52_SHARE[y], printed(cells, row, T52_SHARE[y]), f(*vals),
                             "exports / Total x 100", input_tolerance=_tolerance(f, vals, halves)))
    # 1992-2001 changes: level in US$ millions and share in percentage points
    for row in _rows(cells):
        f92, v92, h92 = share_parts[(row, "1992")]
        f01, v01, h01 = share_parts[(row, "2001")]
        lvl92, lvl01, lh = _level_5_2(agg, row)
        out.append(audit_row("5.2", row, T52_CHG, printed(cells, row, T52_CHG), lvl01 - lvl92,
                             "2001 exports - 1992 exports", input_tolerance=lh))
        n92 = len(v92)
        g = lambda *v: f01(*v[n92:]) - f92(*v[:n92])
        out.append(audit_row("5.2", row, T52_CHG_PCT, printed(cells, row, T52_CHG_PCT), g(*v92, *v01),
                             "2001 % share - 1992 % share (percentage points)",
                             input_tolerance=_tolerance(g, v92 + v01, h92 + h01)))
    return out


def _level_5_2(agg: dict, row: str) -> tuple[float, float, float]:
    """(1992 level, 2001 level, rounding tolerance of their difference) for any row of Table 5.2."""
    a92, a01 = agg["1992"], agg["2001"]
    if row == "Subtotal":
        return a92["subtotal"], a01["subtotal"], a92["subtotal_half"] + a01["subtotal_half"]
    if row == "Total":
        return a92["total"], a01["total"], a92["total_half"] + a01["total_half"]
    if row == "Others":
        tol = a92["subtotal_half"] + a01["subtotal_half"] + a92["total_half"] + a01["total_half"]
        return a92["total"] - a92["subtotal"], a01["total"] - a01["subtotal"], tol
    return a92["exports"][row], a01["exports"][row], a92["halves"][row] + a01["halves"][row]


def share_changes_5_2(cells: pd.DataFrame) -> pd.Series:
    """Change in % share of U.S. imports 1992-2001 (percentage points) per listed country."""
    agg = {y: _aggregates_5_2(cells, y) for y in ("1992", "2001")}
    return pd.Series({c: 100 * agg["2001"]["exports"][c] / agg["2001"]["total"]
                      - 100 * agg["1992"]["exports"][c] / agg["1992"]["total"]
                      for c in _countries_5_2(cells)}, name="share change (pp)")


# ---------------------------------------------------------------------------
# Table 5.3: basic statistics on manufacturing, Puebla 1999
# ---------------------------------------------------------------------------
def table_5_3(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 5.3 as printed: firms, employment and per-firm / per-employee ratios by industry."""
    return _display(cells, "Industry")


def _value_added_note(cells: pd.DataFrame, row: str) -> str:
    """Cross-check of two printed ratios that share the unpublished value added.

    Value added per firm x firms and value added per employee x employment should
    give the same value added; agreement shows the row is internally coherent
    (it is evidence, not a recomputation: both ratios are printed derived values).
    """
    per_firm = parse_printed(printed(cells, row, T53_VA_FIRM)).value
    per_emp = parse_printed(printed(cells, row, T53_VA_EMP)).value
    va1 = per_firm * number(cells, row, T53_FIRMS)
    va2 = per_emp * number(cells, row, T53_EMP)
    return (f"value added not published; the two printed ratios imply {va1:,.0f} and {va2:,.0f} "
            f"(differ by {100 * abs(va1 - va2) / va2:.3f}%)")


def audit_table_5_3(cells: pd.DataFrame) -> list[dict]:
    """Recompute employment per firm; the value-added, wage and production ratios are not derivable."""
    out = []
    for row in _rows(cells):
        emp, firms = number(cells, row, T53_EMP), number(cells, row, T53_FIRMS)
        out.append(audit_row("5.3", row, T53_EMP_PER_FIRM, printed(cells, row, T53_EMP_PER_FIRM),
                             emp / firms, "employment / number of firms"))
        va_note = _value_added_note(cells, row)
        out.append(audit_row("5.3", row, T53_VA_FIRM, printed(cells, row, T53_VA_FIRM), None, va_note))
        out.append(audit_row("5.3", row, T53_VA_EMP, printed(cells, row, T53_VA_EMP), None, va_note))
        out.append(audit_row("5.3", row, T53_WAGE, printed(cells, row, T53_WAGE), None,
                             "wage bill not published"))
        out.append(audit_row("5.3", row, T53_VA_PROD, printed(cells, row, T53_VA_PROD), None,
                             "value added and gross production not published"))
    return out


# ---------------------------------------------------------------------------
# Table 5.4: Puebla wooden furniture employees registered with IMSS, 1996-2002
# ---------------------------------------------------------------------------
def table_5_4(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 5.4 as printed: registered employees and their yearly change."""
    return _display(cells, "Date")


def employment_series_5_4(cells: pd.DataFrame) -> pd.DataFrame:
    """Employees by date and the yearly change recomputed from the counts."""
    dates = _rows(cells)
    emp = [number(cells, d, T54_EMP) for d in dates]
    change = [float("nan")] + [b - a for a, b in zip(emp, emp[1:])]
    pct = [float("nan")] + [_growth(b, a) for a, b in zip(emp, emp[1:])]
    return pd.DataFrame({"date": dates, "employees": emp, "change": change, "change_pct": pct})


def audit_table_5_4(cells: pd.DataFrame) -> list[dict]:
    """Recompute both yearly-change columns of Table 5.4 (counts are exact, no tolerance)."""
    out = []
    for rec in employment_series_5_4(cells).itertuples():
        first = _missing(rec.change)
        note = "no earlier count in the table" if first else "employees - previous employees"
        out.append(audit_row("5.4", rec.date, T54_CHG, printed(cells, rec.date, T54_CHG),
                             None if first else rec.change, note))
        note = "no earlier count in the table" if first else "change / previous employees x 100"
        out.append(audit_row("5.4", rec.date, T54_CHG_PCT, printed(cells, rec.date, T54_CHG_PCT),
                             None if first else rec.change_pct, note))
    return out


# ---------------------------------------------------------------------------
# Table 5.5: Segusino balance sheet, 1995-2000
# ---------------------------------------------------------------------------
def table_5_5(cells: pd.DataFrame) -> pd.DataFrame:
    """Table 5.5 as printed: Segusino's balance sheet and ratios (US$ millions)."""
    return _display(cells, "Year")


# The ratio definitions are those of the printed column headers, confirmed by the
# numbers (see PROVENANCE_ch5.md): leverage = liabilities / equity, liability
# ratio = total assets / total liabilities, equity = assets - liabilities.
RATIOS_5_5 = {
    T55_EQUITY: ((T55_ASSETS, T55_LIAB), lambda a, l: a - l, "total assets - total liabilities"),
    T55_EXP_SALES: ((T55_EXPORTS, T55_SALES), lambda x, s: x / s, "exports / sales"),
    T55_LEVERAGE: ((T55_ASSETS, T55_LIAB), lambda a, l: l / (a - l),
                   "liabilities / (assets - liabilities)"),
    T55_LIAB_RATIO: ((T55_ASSETS, T55_LIAB), lambda a, l: a / l, "total assets / total liabilities"),
}


def _ratio_5_5(cells: pd.DataFrame, year: str, column: str) -> tuple[float | None, float]:
    """(value, rounding tolerance) of one derived column of Table 5.5 from its inputs."""
    inputs, f, _ = RATIOS_5_5[column]
    vals = [number(cells, year, c) for c in inputs]
    if any(_missing(v) for v in vals):
        return None, 0.0
    halves = [_half_unit(cells, year, c) for c in inputs]
    return f(*vals), _tolerance(f, vals, halves)


def audit_table_5_5(cells: pd.DataFrame) -> list[dict]:
    """Recompute equity, exports/sales, leverage and liability ratio of Table 5.5."""
    out = []
    for year in _rows(cells):
        for column, (_, _, rule) in RATIOS_5_5.items():
            value, tol = _ratio_5_5(cells, year, column)
            note = rule if value is not None else "exports not reported for this year"
            out.append(audit_row("5.5", year, column, printed(cells, year, column), value, note,
                                 input_tolerance=tol))
    return out


def segusino_ratios_5_5(cells: pd.DataFrame) -> pd.DataFrame:
    """Leverage and liability ratio per year, recomputed from assets and liabilities."""
    recs = []
    for year in _rows(cells):
        recs.append({"year": int(year),
                     "leverage": _ratio_5_5(cells, year, T55_LEVERAGE)[0],
                     "liability_ratio": _ratio_5_5(cells, year, T55_LIAB_RATIO)[0]})
    return pd.DataFrame(recs)


# ---------------------------------------------------------------------------
# consistency: text vs tables, tables vs tables, Table 1.2 vs the chapter
# ---------------------------------------------------------------------------
def _consistency_5_1(t51: pd.DataFrame, t52: pd.DataFrame, tb: dict) -> list[dict]:
    """The prose on Mexico's exports (data/book/text_claims.csv) against Table 5.1, and 5.2 vs 5.1."""
    ex = {y: _exports_5_1(t51, y) for y in _rows(t51)}
    t = "5.1 vs text"
    maq_growth = {y: _growth(ex[y][0], ex[p][0]) for p, y in zip(list(ex)[3:], list(ex)[4:])}
    non_growth = {y: _growth(ex[y][1], ex[p][1]) for p, y in zip(list(ex)[3:], list(ex)[4:])}
    first_fall = next((int(y) for y, g in maq_growth.items() if g < 0), None)
    rapid = min(non_growth[y] for y in ("1995", "1996", "1997"))
    out = [
        claim_row(tb, t, "1992", "exports (US$ millions)", ex["1992"][2], "maquiladoras + non-maquiladoras"),
        claim_row(tb, t, "1999", "exports (US$ millions)", ex["1999"][2], "maquiladoras + non-maquiladoras",
                  tolerance=0.01),
        claim_row(tb, t, "1992-1999", "exports 1999 / 1992 (times)", ex["1999"][2] / ex["1992"][2]),
        claim_row(tb, t, "Maquiladoras", "first year of falling exports", first_fall,
                  f"first year whose maquiladora exports are below the year before; 1997 growth "
                  f"{maq_growth['1997']:.2f}%"),
        claim_row(tb, t, "Maquiladoras", "growth 2001 (%)", maq_growth["2001"]),
        claim_row(tb, t, "Non-maquiladoras", "lowest growth 1995-1997 (%)", rapid,
                  f"1998 growth {non_growth['1998']:.2f}%"),
        claim_row(tb, t, "Non-maquiladoras", "growth 1998 (%)", non_growth["1998"]),
        claim_row(tb, t, "Non-maquiladoras", "growth 1999 (%)", non_growth["1999"]),
        claim_row(tb, t, "Puebla 1996", "non-maquiladora exports (US$ millions)", ex["1996"][1],
                  "Puebla's figure cannot exceed Mexico's whole non-maquiladora figure in Table 5.1"),
    ]
    # Table 5.2 (U.S. imports from Mexico, BLS) cannot exceed Mexico's exports to all markets (INEGI)
    for year, col in (("1992", T52_EXP["1992"]), ("2001", T52_EXP["2001"])):
        us = number(t52, "5 Mexico", col)
        out.append(_claim("5.2 vs 5.1", "5 Mexico", f"U.S. imports from Mexico {year} (US$ millions)",
                          f"{us:g} <= Mexico's exports", ex[year][2], us <= ex[year][2],
                          "U.S. imports from Mexico <= Mexico's total exports",
                          f"Table 5.2 line 1962 vs Table 5.1; U.S. share {100 * us / ex[year][2]:.1f}%"))
    return out


def _consistency_5_2(t52: pd.DataFrame, tb: dict) -> list[dict]:
    """The prose's gains and losses of share (China, Canada, Indonesia; Taiwan and Mexico) against
    Table 5.2, and the Subtotal row's printed change against its own printed levels."""
    change = share_changes_5_2(t52)
    level = {y: parse_printed(printed(t52, "Subtotal", T52_EXP[y])).value for y in ("1992", "2001")}
    line = int(t52.loc[(t52["row"] == "Subtotal") & (t52["column"] == T52_CHG), "line"].iloc[0])
    out = [audit_row("5.2 (internal)", "Subtotal", T52_CHG + " vs the row's printed levels",
                     printed(t52, "Subtotal", T52_CHG), level["2001"] - level["1992"],
                     f"line {line}: the printed change against the printed 2001 and 1992 subtotals "
                     f"({level['2001']:,.0f} - {level['1992']:,.0f})", input_tolerance=1.0)]
    for country in ("1 China", "2 Canada", "4 Indonesia", "7 Taiwan", "5 Mexico"):
        out.append(claim_row(tb, "5.2 vs text", country, "change in % share 1992-2001 (pp)", change[country],
                             "Denmark, also named, is not in the table"))
    return out


def _consistency_5_3(t53: pd.DataFrame, tb: dict) -> list[dict]:
    """The prose on Puebla's industries against Table 5.3."""
    fw, t = "Wooden furniture", "5.3 vs text"
    firms_share = 100 * number(t53, fw, T53_FIRMS) / number(t53, "Total manufacturing", T53_FIRMS)
    emp_share = 100 * number(t53, fw, T53_EMP) / number(t53, "Total manufacturing", T53_EMP)
    auto_share = 100 * number(t53, "Automotive", T53_EMP) / number(t53, "Total manufacturing", T53_EMP)
    # wage bills are not published, so the text's pay comparisons can only be read off the
    # printed per-employee wages (derived cells used as evidence, not as computation inputs)
    wage = {r: parse_printed(printed(t53, r, T53_WAGE)).value
            for r in (fw, "Beverages", "Automotive", "Clothing")}
    swap = "if the Clothing and Beverages rows were swapped, the claim would hold"
    return [
        claim_row(tb, t, fw, "% of Puebla's firms", firms_share),
        claim_row(tb, t, fw, "% of manufacturing employment", emp_share),
        claim_row(tb, t, "Automotive", "% of manufacturing employment", auto_share),
        claim_row(tb, t, "Beverages", "beverage wage / furniture wage (times)", wage["Beverages"] / wage[fw],
                  f"ratio of printed wages; {swap}"),
        claim_row(tb, t, "Automotive", "automotive wage / furniture wage (times)", wage["Automotive"] / wage[fw],
                  "ratio of printed wages"),
        claim_row(tb, t, "Clothing", "clothing wage / furniture wage (times)", wage["Clothing"] / wage[fw],
                  f"ratio of printed wages; {swap}"),
        claim_row(tb, t, fw, T53_FIRMS, number(t53, fw, T53_FIRMS),
                  "source not named in the prose; Table 5.3 is the 1999 census"),
        claim_row(tb, t, fw, T53_EMP, number(t53, fw, T53_EMP), "Table 5.3, census 1999"),
    ]


def _consistency_5_4(t54: pd.DataFrame, tb: dict) -> list[dict]:
    """The prose's employment counts against Table 5.4 (IMSS registrations)."""
    t = "5.4 vs text"
    return [claim_row(tb, t, "1998", T54_EMP, number(t54, "1998", T54_EMP)),
            claim_row(tb, t, "2002", T54_EMP, number(t54, "2002", T54_EMP)),
            claim_row(tb, t, "1999", T54_EMP, number(t54, "1999", T54_EMP), "source and month not stated")]


def _consistency_5_5(t55: pd.DataFrame, tb: dict) -> list[dict]:
    """The prose on Segusino (lines 2023, 2025, 2103, 2209) against Table 5.5."""
    def ratio(year, col):
        return _ratio_5_5(t55, year, col)

    t, out = "5.5 vs text", []
    for year, col in (("1998", T55_LEVERAGE), ("2000", T55_LEVERAGE), ("1998", T55_LIAB_RATIO),
                      ("2000", T55_LIAB_RATIO)):
        value, tol = ratio(year, col)
        out.append(claim_row(tb, t, year, col + " (recomputed)", value,
                             "recomputation from assets and liabilities", tolerance=tol))
        out.append(claim_row(tb, t, year, col + " (printed in table)", parse_printed(printed(t55, year, col)).value,
                             "the printed table cell"))
    sales98, exp98 = number(t55, "1998", T55_SALES), number(t55, "1998", T55_EXPORTS)
    out += [
        claim_row(tb, t, "1998", T55_SALES, sales98),
        claim_row(tb, t, "1998", "exports as % of sales", 100 * exp98 / sales98,
                  tolerance=ratio("1998", T55_EXP_SALES)[1] * 100),
        claim_row(tb, t, "1998", "domestic sales as % of sales", 100 - 100 * exp98 / sales98,
                  "after Morán 1999; year not stated; 1998 is the year of the neighbouring 96 percent claim"),
        claim_row(tb, t, "2000", T55_EXPORTS, number(t55, "2000", T55_EXPORTS)),
        claim_row(tb, t, "1996", "sales growth over 1995 (%)",
                  _growth(number(t55, "1996", T55_SALES), number(t55, "1995", T55_SALES)), "figures from Expansión"),
        claim_row(tb, t, "1997", "sales growth over 1996 (%)",
                  _growth(number(t55, "1997", T55_SALES), number(t55, "1996", T55_SALES))),
    ]
    return out


def _consistency_1_2(table_1_2: pd.DataFrame, t53: pd.DataFrame, t54: pd.DataFrame,
                     t55: pd.DataFrame, tb: dict) -> list[dict]:
    """Table 1.2 row 7 (Furniture-Chipilo, Puebla; footnote d: figures for 1996) vs Chapter 5.

    Where the chapter's prose is the other side (the shops, the jobs, the 2002 exports, the
    founding year), its figure is read from data/book/text_claims.csv (:func:`claim_value`)."""
    rec = table_1_2[table_1_2["row_no"].astype(str) == "7"].iloc[0]
    max_imss = max(number(t54, d, T54_EMP) for d in _rows(t54))
    census = number(t53, "Wooden furniture", T53_EMP)
    exp02, prod02 = parse_printed(rec["exports_2002"]).value, parse_printed(rec["production_2002"]).value
    where = f"Table 1.2 line {rec['line']}"
    t = "1.2 vs text"

    def prose(column: str, note: str) -> dict:
        line = claim_line(tb, t, "7", column)
        return audit_row(t, "7", column, rec[column], claim_value(tb, t, "7", column),
                         f"{where}; text line {line}: {note}")
    return [
        prose("firms", "the shops of the best year plus Segusino itself"),
        audit_row("1.2 vs 5.5", "7", "production_1995", rec["production_1995"], number(t55, "1996", T55_SALES),
                  f"{where}; footnote d says 1996: Segusino's 1996 sales (1995 sales were "
                  f"{number(t55, '1995', T55_SALES):g})"),
        audit_row("1.2 vs 5.5", "7", "exports_1996", rec["exports_1996"], number(t55, "1996", T55_EXPORTS),
                  f"{where}; Segusino's 1996 exports"),
        prose("exports_2002", "Segusino's sales abroad in 2002"),
        audit_row(t, "7", "production_2002", rec["production_2002"], None,
                  f"{where}; the chapter gives no 2002 sales figure"),
        _claim("1.2 row 7 (internal)", "7", "exports_2002 vs production_2002", f"{rec['exports_2002']} <= "
               f"{rec['production_2002']}", exp02 - prod02, exp02 <= prod02,
               "exports cannot exceed production",
               f"{where}: exports exceed production, unflagged (rows 3 and 5 carry footnote c for this)"),
        prose("direct_jobs", "Segusino's staff plus the shops' workers; footnote 10 (line 2031) calls the "
                             "total Segusino's direct and indirect employment"),
        _claim("1.2 vs 5.3", "7", "direct_jobs", f"{rec['direct_jobs']} <= Puebla industry employment",
               census, parse_printed(rec["direct_jobs"]).value <= census,
               "cluster jobs <= employment of the whole Puebla wooden furniture industry (census 1999)",
               f"{where}; but the IMSS counts of Table 5.4 never reach 5,400 (peak {max_imss:,.0f}), so part "
               "of the cluster's jobs lay outside social-security registration or the years differ"),
        prose("date_of_creation", "the year Segusino was founded"),
    ]


def consistency_ch5(cells_by_table: dict, table_1_2: pd.DataFrame) -> list[dict]:
    """Table-vs-text and cross-table checks for Chapter 5, as audit records.

    ``cells_by_table`` maps "5.1".."5.5" (or "table_5_1"...) to loaded cells
    frames and holds the prose statements (:data:`analysis.io.chapter_tables.TEXT_CLAIMS`);
    ``table_1_2`` is the Chapter 1 table with printed strings. Every record names the
    text line it checks in its note. Statements whose both sides are prose arithmetic
    (the parts of a count against its whole, the implied sales per worker, the shops'
    employment) are ``expr:`` claims of the data, judged by
    :mod:`analysis.audit.prose_claims`.
    """
    t51, t52, t53, t54, t55 = (_table(cells_by_table, f"5.{i}") for i in range(1, 6))
    tb = cells_by_table
    rows = (_consistency_5_1(t51, t52, tb) + _consistency_5_2(t52, tb) + _consistency_5_3(t53, tb)
            + _consistency_5_4(t54, tb) + _consistency_5_5(t55, tb) + _consistency_1_2(table_1_2, t53, t54, t55, tb))
    return [{k: r.get(k) for k in AUDIT_COLUMNS} for r in rows]


# What the book audit runs for this chapter (analysis.audit.casestudies.rows): the audit
# function of each numeric table that prints derived cells, and the consistency check.
CHAPTER = 5
AUDITS = {"5.1": audit_table_5_1, "5.2": audit_table_5_2, "5.3": audit_table_5_3, "5.4": audit_table_5_4, "5.5": audit_table_5_5}
CONSISTENCY = consistency_ch5
