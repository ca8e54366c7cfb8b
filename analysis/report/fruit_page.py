"""What is Chapter 3's own on its page (``chapters/ch03_fruit.md``, Brazilian fruit growers):
the captions of its two rebuilt tables and of our chart of Table 3.2 (:func:`figure_3_2`),
and the number its prose glues in besides the consistency counts (how many checks set the
chapter against Table 1.2). What every case-study page shares is
:mod:`analysis.report.casestudy_page`; kept apart so that the page depends on Chapter 3's
code only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.audit.casestudies import ch3_fruit as ch3
from analysis.audit.casestudies.text_claims import printed_value
from analysis.report import casestudy_page
from analysis.report.casestudy_page import CaseStudy
from analysis import theme

if TYPE_CHECKING:  # matplotlib is imported by the figure function, only when it draws
    from matplotlib.figure import Figure


@theme.themed
def figure_3_2(cells: pd.DataFrame) -> Figure:
    """SME share of fruit production by case and period (Table 3.2)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    long = pd.DataFrame([{"case": r, "period": p, "share": printed_value(cells, r, p)}
                         for r in ch3.SHARE_ROWS for p in ch3.PERIODS]).dropna()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    sns.pointplot(data=long, x="period", y="share", hue="case", order=ch3.PERIODS, ax=ax, markers="o")
    ax.set(xlabel="Period (pooled years as printed)", ylabel="SME share of production (percent)",
           title="Table 3.2. Participation of SMEs in fruit production", ylim=(0, 100))
    ax.legend(title="Case—crop", fontsize=8)
    fig.tight_layout()
    return fig


#: the numeric tables, rebuilt from their cells: title and how the rows are labelled
NUMERIC_TABLES = {
    "3.1": dict(title="Book Table 3.1 — Fruit production in Santa Catarina, Petrolina-Juazeiro and Rio Grande do "
                "Norte", index_name="Indicator"),
    "3.2": dict(title="Book Table 3.2 — Participation of SMEs in fruit production (percent)",
                index_name="Case—crop"),
}
#: our chart of Table 3.2 (the chapter has none in the book): (figure of the table's cells, caption, alt text)
CHARTS = {
    "3.2": (figure_3_2, "Share of each crop produced by SMEs, by period, as printed in book Table 3.2 (periods pool "
            "different years for different cases; see the notes of the table). Notebook chapters/ch03_fruit.md.",
            "Point chart of the SME share of production for five case-crop series over four periods"),
}


def chapter_3_values(c: CaseStudy) -> dict:
    """How many of the consistency checks set the chapter's figures against Table 1.2."""
    return {"n_t12": int(c.checks["Check"].str.endswith("vs 1.2").sum())}


def prepare(data, *, show_notes: bool = True) -> CaseStudy:
    return casestudy_page.prepare(data, ch3, show_notes=show_notes, numeric=NUMERIC_TABLES, charts=CHARTS,
                                  values=chapter_3_values)
