"""What is Chapter 2's own on its page (``chapters/ch02_dairy.md``, Nicaraguan dairy): the
captions of its two rebuilt tables and of our chart of Table 2.2 (:func:`figure_2_2`). The
two tables print no derived cell, so the page's glued numbers are the consistency counts
every case-study page has. What every case-study page shares is
:mod:`analysis.report.casestudy_page`; kept apart so that the page depends on Chapter 2's
code only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.audit.casestudies import ch2_dairy as ch2
from analysis.method.cells import number
from analysis.report import casestudy_page
from analysis.report.casestudy_page import CaseStudy
from analysis import theme

if TYPE_CHECKING:  # matplotlib is imported by the figure function, only when it draws
    from matplotlib.figure import Figure


@theme.themed
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
    ax1.set(xlabel="Year", ylabel="Millions of gallons (milk)", title="Milk production, collection, pasteurization")
    ax1.legend(title=None)  # not the data frame's column name ("series")
    exp = long[long["series"] == "Export (US$ millions)"].dropna()
    sns.barplot(data=exp, x="year", y="value", color=theme.PALETTE[2], ax=ax2)
    ax2.set(xlabel="Year", ylabel="Dairy exports (US$ millions)", title="Dairy exports (2001 not available)")
    fig.suptitle("Table 2.2. Nicaragua's dairy sector, 1995–2001")
    fig.tight_layout()
    return fig


#: the numeric tables, rebuilt from their cells: title and how the rows are labelled
NUMERIC_TABLES = {
    "2.1": dict(title="Book Table 2.1 — Dairy production chain in Nicaragua and in Boaco and Chontales, 2000",
                index_name="Indicator"),
    "2.2": dict(title="Book Table 2.2 — Production, collection and pasteurization of milk in Nicaragua (millions "
                "of gallons; exports in US$ millions)", index_name="Series"),
}
#: our chart of Table 2.2 (the book's only figure is a diagram): (figure of the table's cells, caption, alt text)
CHARTS = {
    "2.2": (figure_2_2, "Nicaragua's milk volumes (left) and dairy exports (right), 1995–2001, as printed in book "
            "Table 2.2; 2001 exports are not available. Notebook chapters/ch02_dairy.md.",
            "Line chart of milk production, collection and pasteurization and bar chart of dairy exports, 1995-2001"),
}


def prepare(data, *, show_notes: bool = True) -> CaseStudy:
    return casestudy_page.prepare(data, ch2, show_notes=show_notes, numeric=NUMERIC_TABLES, charts=CHARTS)
