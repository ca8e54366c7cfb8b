"""What is Chapter 3's own on its page (``chapters/ch03_fruit.md``, Brazilian fruit growers):
our chart of Table 3.2 (:func:`figure_3_2`). Kept apart from the other chapters' page
modules so that the page depends on Chapter 3's code only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.audit.casestudies import ch3_fruit as ch3
from analysis.audit.casestudies.text_claims import printed_value

if TYPE_CHECKING:  # matplotlib is imported by the figure function, only when it draws
    from matplotlib.figure import Figure


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
