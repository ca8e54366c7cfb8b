"""The reproduction audit: recomputed cells judged against printed cells.

Every derived cell the book prints (row sums, totals, averages, indices,
shares, ratios) gets one audit row with the columns in :data:`AUDIT_COLUMNS`.
The status vocabulary is fixed:

``match``
    the computed value equals the printed one exactly;
``rounding``
    they differ, but only as the printed precision explains: the computed value
    rounded half-up, or truncated, to the printed number of decimals gives the
    printed figure (the rule column says which), or the difference lies within
    the rounding error carried by printed inputs;
``mismatch``
    a genuine inconsistency in the book (every one must be explained in
    ``data/errata.csv``, or the test suite fails);
``not_derivable``
    the inputs needed to recompute the cell are not published.
"""
from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from analysis.method.printed import parse_printed

AUDIT_COLUMNS = ["table", "row", "column", "printed", "computed", "status", "rule", "note"]
STATUSES = ("match", "rounding", "mismatch", "not_derivable")


def _quantize(x: float, decimals: int, mode) -> float:
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(x))).quantize(q, rounding=mode))


def classify(printed, computed, *, input_tolerance: float = 0.0, allow_rounding: bool = True) -> tuple[str, str]:
    """Judge one computed value against the printed cell.

    ``printed`` is the cell as printed (string or number); ``computed`` is the
    value our code derived from the inputs, or ``None``/NaN when it cannot be
    derived. ``input_tolerance`` is the largest error the computation can carry
    because its own inputs were printed rounded (0 for exact inputs such as
    Likert scores).

    ``allow_rounding=False`` is for cells that must come out exact, such as sums
    of half-step scores: there, a printed 6 against a computed 6.5 is a
    mismatch, not a truncation.

    A printed lower bound ("150+") is matched by any computed value at or
    above the bound and contradicted by any value below it.

    Returns ``(status, rule)``.
    """
    p = parse_printed(printed)
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        return "not_derivable", "inputs not published"
    if p.value is None:
        return "not_derivable", "printed cell holds no number"
    c = float(computed)
    if p.lower_bound:  # "150+" promises only "at least 150"
        if c >= p.value - 1e-9:
            return "match", f"printed lower bound {p.text.strip()} reached by computed {c:.6g}"
        return "mismatch", f"computed {c:.6g} is below the printed lower bound {p.text.strip()}"
    if abs(p.value - c) < 1e-9:
        return "match", "exact"
    d = p.decimals or 0
    if not allow_rounding:
        return "mismatch", f"printed {p.value:g} vs computed {c:.6g} (an exact sum; no rounding applies)"
    if _quantize(c, d, ROUND_HALF_UP) == p.value:
        return "rounding", f"computed {c:.6g} rounded half-up to {d} dp"
    if _quantize(c, d, ROUND_DOWN) == p.value:
        return "rounding", f"computed {c:.6g} truncated to {d} dp"
    if input_tolerance > 0 and abs(p.value - c) <= 0.5 * 10 ** (-d) + input_tolerance + 1e-12:
        return "rounding", (
            f"within {d}-dp printed precision plus ±{input_tolerance:g} carried by rounded inputs"
        )
    return "mismatch", f"printed {p.value:g} vs computed {c:.6g} (difference {p.value - c:+.4g})"


def audit_row(table: str, row: str, column: str, printed, computed, note: str = "", *,
              input_tolerance: float = 0.0, allow_rounding: bool = True) -> dict:
    """One audit record in the :data:`AUDIT_COLUMNS` layout."""
    status, rule = classify(printed, computed, input_tolerance=input_tolerance, allow_rounding=allow_rounding)
    if computed is not None and not (isinstance(computed, float) and math.isnan(computed)):
        computed = round(float(computed), 6)
    else:
        computed = None
    return {"table": table, "row": row, "column": column, "printed": str(printed),
            "computed": computed, "status": status, "rule": rule, "note": note}
