"""What is Chapter 5's own on its page (``chapters/ch05_furniture.md``, Mexican furniture and
Segusino): our four charts (:func:`figure_exports_5_1`, :func:`figure_share_changes_5_2`,
:func:`figure_employment_5_4`, :func:`figure_segusino_ratios_5_5`), the captions of its
five rebuilt tables and of the charts, and the numbers its prose glues in (the 1992 sum of
the listed exporters of Table 5.2, Segusino's 1998 leverage). What every case-study page
shares is :mod:`analysis.report.casestudy_page`; kept apart so that the page depends on
Chapter 5's code only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.audit.casestudies import ch5_furniture as ch5
from analysis.report import casestudy_display as show
from analysis.report import casestudy_page
from analysis.report.casestudy_page import CaseStudy
from analysis import theme

if TYPE_CHECKING:  # matplotlib is imported by the figure functions, only when they draw
    from matplotlib.figure import Figure


@theme.themed
def figure_exports_5_1(cells: pd.DataFrame) -> Figure:
    """Line chart of Mexico's wooden furniture exports, maquiladoras vs non-maquiladoras."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = ch5.exports_series_5_1(cells)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    sns.lineplot(data=data, x="year", y="us_millions", hue="series", style="series",
                 markers=True, dashes=False, ax=ax)
    ax.set_xlabel("Year")
    ax.set_ylabel("Exports (US$ millions, current)")
    ax.set_title("Mexico's wooden furniture exports, 1991–2001 (Table 5.1)")
    ax.legend(title=None)
    fig.tight_layout()
    return fig


@theme.themed
def figure_share_changes_5_2(cells: pd.DataFrame) -> Figure:
    """Horizontal bars: change in each listed country's share of U.S. imports, 1992-2001.

    Shares are recomputed from the printed exports and the Total row (not the
    printed % cells), in percentage points; Mexico is highlighted.
    """
    import matplotlib.pyplot as plt

    change = ch5.share_changes_5_2(cells).sort_values()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = ["tab:red" if "Mexico" in c else ("tab:green" if v > 0 else "tab:grey") for c, v in change.items()]
    ax.barh(list(change.index), change.to_numpy(), color=colors)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("Change in share of U.S. wooden furniture imports, 1992–2001 (percentage points)")
    ax.set_ylabel("Exporter (2001 rank)")
    ax.set_title("Winners and losers in the U.S. market (Table 5.2, recomputed)")
    fig.tight_layout()
    return fig


@theme.themed
def figure_employment_5_4(cells: pd.DataFrame) -> Figure:
    """Bar chart of registered employees in Puebla's wooden furniture industry."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = ch5.employment_series_5_4(cells)
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.barplot(data=data, x="date", y="employees", color="tab:brown", ax=ax)
    ax.set_xlabel("Year of the IMSS count (1998: November; 2002: August)")
    ax.set_ylabel("Employees registered with IMSS (persons)")
    ax.set_title("Puebla wooden furniture employment, 1996–2002 (Table 5.4)")
    fig.tight_layout()
    return fig


@theme.themed
def figure_segusino_ratios_5_5(cells: pd.DataFrame) -> Figure:
    """Two panels: Segusino's leverage and liability ratio over time (1999 not reported)."""
    import matplotlib.pyplot as plt

    data = ch5.segusino_ratios_5_5(cells)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
    for ax, col, ylabel in ((axes[0], "leverage", "Leverage: liabilities / equity (times)"),
                            (axes[1], "liability_ratio", "Liability ratio: assets / liabilities (times)")):
        ax.plot(data["year"], data[col], marker="o", linestyle=":", color="tab:red")
        ax.set_xlabel("Year (no data for 1999)")
        ax.set_ylabel(ylabel)
        ax.set_xticks(data["year"])
    axes[0].set_title("Leverage")
    axes[1].set_title("Liability ratio")
    fig.suptitle("Segusino's balance-sheet ratios, 1995–2000 (Table 5.5, recomputed)")
    fig.tight_layout()
    return fig


#: the numeric tables, rebuilt from their cells: title and how the rows are labelled
NUMERIC_TABLES = {
    "5.1": dict(title="Book Table 5.1 — Mexico's exports of wooden furniture, maquiladoras and non-maquiladoras, "
                "1991–2001", index_name="Year"),
    "5.2": dict(title="Book Table 5.2 — Origin of U.S. imports of wooden furniture: top ten exporters, 1992 and 2001",
                index_name="Country (2001 rank)"),
    "5.3": dict(title="Book Table 5.3 — Basic statistics on manufacturing industry, Puebla, 1999",
                index_name="Industry"),
    "5.4": dict(title="Book Table 5.4 — Puebla employees in wooden furniture registered with social security (IMSS), "
                "1996–2002", index_name="Date"),
    "5.5": dict(title="Book Table 5.5 — Basic balance-sheet information on Segusino, 1995–2000 (US$ millions; ratios "
                "in times)", index_name="Year"),
}
#: our charts (the chapter has none in the book): (figure of the table's cells, caption, alt text)
CHARTS = {
    "5.1": (figure_exports_5_1, "Mexico's wooden furniture exports, total and by type of producer, 1991–2001 "
            "(millions of US dollars); totals from 1994 on are the sum of the two printed components. Data: book "
            "Table 5.1; notebook chapters/ch05_furniture.md.",
            "Line chart of total, maquiladora and non-maquiladora furniture exports, 1991-2001"),
    "5.2": (figure_share_changes_5_2, "Change in each listed country's share of U.S. wooden furniture imports "
            "between 1992 and 2001, in percentage points, recomputed from the printed exports and totals; Mexico in "
            "red. Data: book Table 5.2; notebook chapters/ch05_furniture.md.",
            "Horizontal bar chart of share changes by country, 1992-2001"),
    "5.4": (figure_employment_5_4, "Employees of Puebla's wooden furniture industry registered with the IMSS, "
            "1996–2002. Data: book Table 5.4; notebook chapters/ch05_furniture.md.",
            "Bar chart of registered employees by year, 1996-2002"),
    "5.5": (figure_segusino_ratios_5_5, "Segusino's leverage and liability ratio, 1995–2000, recomputed from the "
            "printed assets and liabilities (1999 is not reported). Data: book Table 5.5; notebook "
            "chapters/ch05_furniture.md.", "Two line charts of leverage and liability ratio by year"),
}


def chapter_5_values(c: CaseStudy) -> dict:
    """Table 5.2's mismatching cells and the sum of its ten listed 1992 exporters; Segusino's
    leverage in 1998 recomputed from Table 5.5."""
    a52 = show.table_audit(c.audit, "5.2")
    subtotal = a52.loc[(a52["row"] == "Subtotal") & (a52["column"] == ch5.T52_EXP["1992"]), "computed"]
    ratios = ch5.segusino_ratios_5_5(c.tables["5.5"]).set_index("year")
    return {"n_52_mismatch": int((a52["status"] == "mismatch").sum()), "sum_listed_1992": float(subtotal.iloc[0]),
            "leverage_1998": float(ratios.loc[1998, "leverage"])}


def prepare(data, *, show_notes: bool = True) -> CaseStudy:
    return casestudy_page.prepare(data, ch5, show_notes=show_notes, numeric=NUMERIC_TABLES, charts=CHARTS,
                                  values=chapter_5_values)
