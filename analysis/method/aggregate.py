"""Column totals and averages, following the book's own arithmetic convention.

The book's Tables 9.4-9.6 treat a score printed N/A as 0 in totals and row sums
and divide totals by the number of cases listed (Table 9.4: functional total
10.5 over 15 rows = 0.70, although only 14 rows have a score). The audit
compares printed cells with this convention and notes the available-case
alternative where the two differ.
"""
from __future__ import annotations

import pandas as pd

from analysis.method.indices import UPGRADING_COLUMNS, upgrading_sum


def upgrading_aggregates(rows: pd.DataFrame) -> pd.DataFrame:
    """Total and Average rows for the upgrading columns and the row sums of ``rows``.

    Returns a frame indexed by ``["Total", "Average", "Available-case average", "n"]``
    with one column per upgrading type plus ``upgrading_sum``.
    """
    scores = rows[list(UPGRADING_COLUMNS)].astype(float)
    scores["upgrading_sum"] = upgrading_sum(rows)
    n_rows = len(rows)
    total = scores.sum(skipna=True)
    return pd.DataFrame({
        "Total": total,
        "Average": total / n_rows if n_rows else float("nan"),
        "Available-case average": scores.mean(skipna=True),
        "n": scores.notna().sum(),
    }).T
