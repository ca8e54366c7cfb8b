"""The reproduction audit: recomputed cells judged against printed cells.

Every derived cell the book prints (row sums, totals, averages, indices,
shares, ratios) gets one audit row with the columns in :data:`AUDIT_COLUMNS`.
The status vocabulary is fixed:

``match``
    the computed value equals the printed one exactly;
``rounding``
    they differ, but only as the printed precision explains: the printed cell,
    read at its printed decimals (half a unit of the last digit either way),
    meets the computed value widened by the error its rounded inputs carry;
``mismatch``
    the two are further apart (each needs a root cause in ``data/errata.csv``);
``not_comparable``
    the two sides are different quantities (set by the judging standard when a
    comparison's attributes differ: see :mod:`analysis.audit.judging`);
``not_derivable``
    the inputs needed to recompute the cell are not published.

The rule is the one of :func:`analysis.audit.judging.judge_derived`, stated once
there and applied to every derived cell: truncation and padding a coarser
rounding with zeros are not accepted as rounding.
"""
from __future__ import annotations

import math

from analysis.audit.judging import STATUSES, judge_derived

#: the record layout; ``tolerance`` (error carried by rounded inputs) and ``exact``
#: (no rounding allowed) let the judging standard re-read every row
AUDIT_COLUMNS = ["table", "row", "column", "printed", "computed", "status", "rule", "note", "tolerance", "exact"]
__all__ = ["AUDIT_COLUMNS", "STATUSES", "audit_row", "classify"]


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
    r = judge_derived(printed, computed, tolerance=input_tolerance, exact=not allow_rounding)
    return r["status"], r["rule"]


def audit_row(table: str, row: str, column: str, printed, computed, note: str = "", *,
              input_tolerance: float = 0.0, allow_rounding: bool = True) -> dict:
    """One audit record in the :data:`AUDIT_COLUMNS` layout."""
    status, rule = classify(printed, computed, input_tolerance=input_tolerance, allow_rounding=allow_rounding)
    if computed is not None and not (isinstance(computed, float) and math.isnan(computed)):
        computed = round(float(computed), 6)
    else:
        computed = None
    return {"table": table, "row": row, "column": column, "printed": str(printed),
            "computed": computed, "status": status, "rule": rule, "note": note,
            "tolerance": float(input_tolerance), "exact": not allow_rounding}
