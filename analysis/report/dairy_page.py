"""What is Chapter 2's own on its page (``chapters/ch02_dairy.md``, Nicaraguan dairy): our
chart of Table 2.2 (:func:`figure_2_2`). Kept apart from the other chapters' page modules
so that the page depends on Chapter 2's code only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.audit.casestudies import ch2_dairy as ch2
from analysis.method.cells import number

if TYPE_CHECKING:  # matplotlib is imported by the figure function, only when it draws
    from matplotlib.figure import Figure


def figure_2_2(cells: pd.DataFrame) -> Figure:
    """Milk volumes and dairy exports in Nicaragua, 1995-2001 (Table 2.2)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    long = pd.DataFrame(
        [{"year": int(y), "series": s, "value": number(cells, s, y)}
         for s in ("Production", "Collection", "Pasteurization", "Export (US$ millions)") for y in ch2.YEARS])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    vol = long[long["series"] != "Export (US$ millions)"]
    sns.lineplot(data=vol, x="year", y="value", hue="series", marker="o", ax=ax1)
    ax1.set(xlabel="Year", ylabel="Millions of gallons", title="Milk production, collection, pasteurization")
    exp = long[long["series"] == "Export (US$ millions)"].dropna()
    sns.barplot(data=exp, x="year", y="value", color="tab:green", ax=ax2)
    ax2.set(xlabel="Year", ylabel="US$ millions", title="Dairy exports (2001 not available)")
    fig.suptitle("Table 2.2. Nicaragua's dairy sector, 1995–2001")
    fig.tight_layout()
    return fig
