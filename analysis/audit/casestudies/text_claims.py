"""Helpers shared by the Chapter 2-4 case-study modules (dairy, fruit, salmon).

Two jobs live here:

* reading the few printed-cell conventions the Chapter 2-4 files use (a blank
  printed cell, a lower bound such as "150+");
* judging a *consistency* claim: the same quantity printed twice, in two tables
  or in a table and the chapter text. The book's prose rounds ("about 28,000",
  "nearly 60 percent", "over 700"), so a claim carries a qualifier and, for
  approximate figures, an explicit tolerance written next to the claim. The
  result is an audit row with the usual status vocabulary.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.audit.judging import significant_unit
from analysis.audit.rules import audit_row
from analysis.io.chapter_tables import TEXT_CLAIMS
from analysis.method.cells import number, printed, wide
from analysis.method.printed import parse_printed


@dataclass(frozen=True)
class TextClaim:
    """A number stated in the book's prose, transcribed with its source line.

    ``qualifier`` is ``exact``, ``approx`` (with ``tol``: the largest gap still
    read as the prose rounding the table figure), ``at least`` (the prose or the
    table gives a lower bound) or ``range`` (``text`` is a printed range).
    """

    key: str
    text: str
    line: int
    qualifier: str = "exact"
    tol: float = 0.0
    about: str = ""


def value_or_zero(cells: pd.DataFrame, row: str, column: str) -> float:
    """Input value, reading a blank printed cell as zero.

    Used only where the blank provably means "none" (Table 4.3: the row Total
    equals the independent firms when the integrated cell is blank).
    """
    v = number(cells, row, column)
    return 0.0 if math.isnan(v) else v


def printed_value(cells: pd.DataFrame, row: str, column: str) -> float:
    """Value of any printed cell, input or derived, for *comparison only*.

    Consistency checks compare a printed figure with another printed figure;
    they never feed it into a computation, so reading a derived cell is allowed.
    """
    v = parse_printed(printed(cells, row, column)).value
    return float("nan") if v is None else v


def display_text(cells: pd.DataFrame, row: str, column: str) -> str:
    """The cell exactly as the book prints it (e.g. "150+")."""
    return printed(cells, row, column)


def is_lower_bound(cells: pd.DataFrame, row: str, column: str) -> bool:
    """True when the book prints the cell as "N+" (more than N)."""
    return parse_printed(printed(cells, row, column)).lower_bound


def _with_line(note: str, line: int | None) -> str:
    return f"text line {line}: {note}" if line else note


def compare_claim(table: str, row: str, column: str, claim, value, *, qualifier: str = "exact",
          tol: float = 0.0, line: int | None = None, note: str = "", tolerance: float = 0.0) -> dict:
    """One consistency audit row: ``claim`` (as printed) against ``value``.

    ``value`` is a number, or a ``(low, high)`` pair when the comparison side is
    itself a range computed from printed ranges; ``tolerance`` is the error the
    computed value carries from its rounded inputs (the standard reads it).
    """
    note = _with_line(note, line)
    if isinstance(value, tuple):
        return _judge_in_range(table, row, column, claim, value, note)
    if qualifier in ("negative", "positive", "qualitative"):
        return _judge_wording(table, row, column, claim, qualifier, value, note, tolerance)
    rec = audit_row(table, row, column, claim, value, note, input_tolerance=tolerance)
    if qualifier == "exact" or rec["computed"] is None:
        return rec
    c, v = parse_printed(claim), float(value)
    if qualifier == "approx":
        gap = abs(c.value - v)
        if gap < 1e-9:
            rec.update(status="match", rule="exact")
        elif gap <= tol + 1e-9:
            rec.update(status="rounding", rule=f"round figure in print; gap {gap:.4g} within ±{tol:g}")
        else:
            rec.update(status="mismatch", rule=f"gap {gap:.4g} exceeds the ±{tol:g} a round figure allows")
    elif qualifier == "at least":
        ok = v >= c.value - 1e-9
        rec.update(status="match" if ok else "mismatch",
                   rule=f"lower bound {c.value:g} {'satisfied' if ok else 'violated'} by {v:g}")
    elif qualifier == "range":
        ok = c.low - 1e-9 <= v <= c.high + 1e-9
        rec.update(status="match" if ok else "mismatch",
                   rule=f"{v:g} {'inside' if ok else 'outside'} printed range {c.low:g}–{c.high:g}")
    else:
        raise ValueError(f"unknown qualifier {qualifier!r}")
    return rec


def _judge_wording(table, row, column, claim, qualifier, value, note, tolerance) -> dict:
    """A sign stated in words ("fell", "gained share") or a description ("rapid growth")."""
    shown = claim if qualifier == "qualitative" else qualifier
    rec = audit_row(table, row, column, "", None, note, input_tolerance=tolerance)
    rec["printed"] = shown
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        rec["computed"] = round(float(value), 6)
    if qualifier == "qualitative" or rec["computed"] is None:
        rec.update(status="not_derivable", rule="qualitative wording: not read as a number")
    else:
        ok = rec["computed"] < 0 if qualifier == "negative" else rec["computed"] > 0
        rec.update(status="match" if ok else "mismatch",
                   rule=f"sign of {rec['computed']:g} {'is' if ok else 'is not'} {qualifier}")
    return rec


def _judge_in_range(table, row, column, claim, bounds, note) -> dict:
    """A printed number judged against a range computed from printed ranges."""
    lo, hi = bounds
    rec = audit_row(table, row, column, claim, None, note)
    c = parse_printed(claim).value
    ok = lo - 1e-9 <= c <= hi + 1e-9
    rec.update(status="match" if ok else "mismatch",
               rule=f"printed {c:g} {'inside' if ok else 'outside'} computed range {lo:g}–{hi:g}")
    return rec


#: the standard's qualifiers as the provisional compare_claim above reads them (the standard re-judges every row)
_LEGACY = {"plain": "exact", "exact": "exact", "about": "approx", "nearly": "approx", "over": "at least",
           "at least": "at least", "range": "range", "at most": "exact", "qualitative": "qualitative",
           "negative": "negative", "positive": "positive", "under": "exact"}


def stated_claim(tables: dict, table: str, row: str, column: str) -> TextClaim:
    """The prose statement judged on the audit row (table, row, column), from
    ``data/book/text_claims.csv`` (loaded with the chapter tables): its number,
    source line and qualifier are data, not code."""
    tc = tables[TEXT_CLAIMS]
    hit = tc[(tc["audit_table"] == table) & (tc["audit_row"] == row) & (tc["audit_column"] == column)]
    if len(hit) != 1:
        raise KeyError(f"data/book/text_claims.csv has {len(hit)} statements for the audit row "
                       f"{table} / {row} / {column} (one is needed)")
    c = hit.iloc[0]
    q = _LEGACY[c["qualifier"]]
    tol = significant_unit(c["number"]) if q == "approx" else 0.0
    return TextClaim(c["claim_id"], c["number"], int(c["line"]), q, tol, c["measure"])


def judge_claim(table: str, row: str, column: str, claim: TextClaim, value, note: str = "",
                tolerance: float = 0.0) -> dict:
    """:func:`compare_claim` for a transcribed :class:`TextClaim`."""
    return compare_claim(table, row, column, claim.text, value, qualifier=claim.qualifier, tol=claim.tol,
                 line=claim.line, note=(claim.about + ("; " + note if note else "")), tolerance=tolerance)


def claim_row(tables: dict, table: str, row: str, column: str, value, note: str = "",
              tolerance: float = 0.0) -> dict:
    """The audit row (table, row, column) judging the prose statement recorded for it in
    ``data/book/text_claims.csv`` against ``value``: the statement's number, qualifier and
    source line come from the data, the code supplies only the other side."""
    return judge_claim(table, row, column, stated_claim(tables, table, row, column), value, note, tolerance)


def claim_value(tables: dict, table: str, row: str, column: str) -> float:
    """The number of a prose statement that is the *computed* side of its audit row
    (e.g. the text's count of shops set against Table 1.2), read from the claims data."""
    return float(parse_printed(stated_claim(tables, table, row, column).text).value)


def claim_line(tables: dict, table: str, row: str, column: str) -> int:
    """Source line of the prose statement judged on an audit row."""
    return stated_claim(tables, table, row, column).line


def as_printed(cells: pd.DataFrame, index_name: str) -> pd.DataFrame:
    """A cells frame as the printed grid (rows x columns), the row header named as printed."""
    out = wide(cells)
    out.index.name = index_name
    out.columns.name = None
    return out


def cagr(first: float, last: float, years: int) -> float:
    """Average annual growth rate, in percent, between two levels ``years`` apart."""
    return ((last / first) ** (1.0 / years) - 1.0) * 100.0


def t12_value(table_1_2: pd.DataFrame, case_id_or_cluster: str, column: str) -> float:
    """Value of one Table 1.2 cell given as printed text (NaN when blank or n.a.).

    Rows are found by ``case_id`` when it matches, else by a case-insensitive
    substring of ``cluster``.
    """
    t = table_1_2
    hit = t[t["case_id"].astype(str) == case_id_or_cluster]
    if hit.empty:
        hit = t[t["cluster"].str.contains(case_id_or_cluster, case=False, regex=False)]
    if hit.empty:
        raise KeyError(f"Table 1.2 has no row for {case_id_or_cluster!r}")
    text = str(hit.iloc[0][column])
    if text.strip() == "" or text.lower() == "nan":
        return float("nan")
    v = parse_printed(text).value
    return float("nan") if v is None else v


def t12_text(table_1_2: pd.DataFrame, key: str, column: str) -> str:
    """A Table 1.2 cell exactly as printed, the row found by a substring of ``cluster``."""
    hit = table_1_2[table_1_2["cluster"].str.contains(key, case=False, regex=False)]
    if hit.empty:
        raise KeyError(f"Table 1.2 has no row for {key!r}")
    return str(hit.iloc[0][column])


def t12_line(table_1_2: pd.DataFrame, key: str) -> int | None:
    """Source line of a Table 1.2 row, for the audit note."""
    hit = table_1_2[table_1_2["cluster"].str.contains(key, case=False, regex=False)]
    return int(hit.iloc[0]["line"]) if not hit.empty else None


def derived_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The derived cells of a table, in file order."""
    return cells[cells["kind"] == "derived"]


def not_derivable_rows(table: str, cells: pd.DataFrame, reason: str) -> list[dict]:
    """Audit rows for derived cells whose inputs the book does not publish."""
    return [audit_row(table, r.row, r.column, r.printed, None, f"line {r.line}: {reason}")
            for r in derived_cells(cells).itertuples()]
